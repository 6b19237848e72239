import { describe, expect, it } from 'vitest';
import { dns1123SubdomainErrors, labelKeyErrors, labelValueErrors } from './label-validation.js';

const NAME_REGEX =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const SUBDOMAIN_REGEX =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('labelKeyErrors', () => {
  it.each([
    { name: 'accepts a simple name', key: 'app', want: [] },
    { name: 'accepts a prefixed name', key: 'app.kubernetes.io/name', want: [] },
    { name: 'accepts mixed case, dots, dashes and underscores inside the name', key: 'My_app.v-1', want: [] },
    { name: 'rejects a name that ends in a symbol', key: 'app-', want: [`name part ${NAME_REGEX}`] },
    { name: 'rejects an empty key as an empty name that also fails the pattern', key: '', want: ['name part must be non-empty', `name part ${NAME_REGEX}`] },
    { name: 'rejects a name longer than 63 bytes', key: 'a'.repeat(64), want: ['name part must be no more than 63 bytes'] },
    { name: 'rejects an empty prefix', key: '/a', want: ['prefix part must be non-empty'] },
    { name: 'rejects an upper-case prefix', key: 'Example.com/a', want: [`prefix part ${SUBDOMAIN_REGEX}`] },
    {
      name: 'rejects more than one slash with a single message',
      key: 'a/b/c',
      want: [`a valid label key ${NAME_REGEX} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    },
    { name: 'reports prefix and name problems together', key: 'A/-', want: [`prefix part ${SUBDOMAIN_REGEX}`, `name part ${NAME_REGEX}`] },
  ])('$name', ({ key, want }) => {
    expect(labelKeyErrors(key)).toEqual(want);
  });
});

describe('labelValueErrors', () => {
  it.each([
    { name: 'accepts the empty value', value: '', want: [] },
    { name: 'accepts alphanumerics with inner symbols', value: 'v1.2_3-x', want: [] },
    { name: 'rejects a value starting with a dash', value: '-1', want: [VALUE_REGEX] },
    { name: 'rejects non-ASCII letters', value: 'é', want: [VALUE_REGEX] },
    { name: 'rejects a value longer than 63 bytes', value: 'a'.repeat(64), want: ['must be no more than 63 bytes'] },
    { name: 'counts bytes, not characters, for the length', value: `${'a'.repeat(62)}é`, want: ['must be no more than 63 bytes', VALUE_REGEX] },
  ])('$name', ({ value, want }) => {
    expect(labelValueErrors(value)).toEqual(want);
  });
});

describe('dns1123SubdomainErrors', () => {
  it.each([
    { name: 'accepts a dotted lowercase name', value: 'example.com', want: [] },
    { name: 'rejects an empty label between dots', value: 'a..b', want: [SUBDOMAIN_REGEX] },
    { name: 'rejects names over 253 bytes', value: `${'a.'.repeat(127)}a`, want: ['must be no more than 253 bytes'] },
  ])('$name', ({ value, want }) => {
    expect(dns1123SubdomainErrors(value)).toEqual(want);
  });
});
