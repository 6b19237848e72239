import { describe, expect, it } from 'vitest';
import {
  escapeFieldValue,
  everythingFieldSelector,
  newFieldLabelNotSupported,
  newUnknownFieldSelector,
  parseFieldSelector,
  requireSupportedFields,
} from './field-selector.js';
import { thrownStatusError } from './thrown-status-error.js';

const thrown = thrownStatusError;

describe('parseFieldSelector', () => {
  it.each([
    { name: 'parses one term', input: 'metadata.name=x', want: [{ field: 'metadata.name', operator: '=', value: 'x' }] },
    { name: 'folds == into =', input: 'a==b', want: [{ field: 'a', operator: '=', value: 'b' }] },
    { name: 'keeps !=', input: 'a!=b', want: [{ field: 'a', operator: '!=', value: 'b' }] },
    { name: 'sorts terms as upstream evaluates them', input: 'z=1,a=2', want: [{ field: 'a', operator: '=', value: '2' }, { field: 'z', operator: '=', value: '1' }] },
    { name: 'skips empty terms', input: ',a=b,,', want: [{ field: 'a', operator: '=', value: 'b' }] },
    { name: 'allows an empty value', input: 'a=', want: [{ field: 'a', operator: '=', value: '' }] },
    { name: 'drops a term with neither field nor value', input: '=', want: [] },
    { name: 'does not trim whitespace', input: 'a = b', want: [{ field: 'a ', operator: '=', value: ' b' }] },
    { name: 'takes the leftmost operator', input: 'a!b=c', want: [{ field: 'a!b', operator: '=', value: 'c' }] },
    { name: 'unescapes an escaped comma without splitting on it', input: 'k=\\,,k2=v2', want: [{ field: 'k2', operator: '=', value: 'v2' }, { field: 'k', operator: '=', value: ',' }] },
    { name: 'unescapes backslash and equals', input: 'k=\\\\\\=x', want: [{ field: 'k', operator: '=', value: '\\=x' }] },
    { name: 'handles multi-byte text', input: '함=수', want: [{ field: '함', operator: '=', value: '수' }] },
  ])('$name', ({ input, want }) => {
    expect(parseFieldSelector(input).requirements).toEqual(want);
  });

  it.each([
    { name: 'a term without an operator', input: 'a=b,c', message: "invalid selector: 'a=b,c'; can't understand 'c'" },
    { name: 'an unescaped equals sign in a value, reported by code point', input: 'a=b=c', message: 'invalid field selector: unescaped character in value: 61' },
    { name: 'an unknown escape sequence', input: 'a=\\a', message: 'invalid field selector: invalid escape sequence: \\a' },
    { name: 'a trailing lone backslash', input: 'a=b\\', message: 'invalid field selector: invalid escape sequence: \\' },
  ])('answers $name with a 400 BadRequest', ({ input, message }) => {
    const err = thrown(() => parseFieldSelector(input));
    expect(err.status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'BadRequest', code: 400 });
  });

  it.each<{ name: string; input: string; fields: Record<string, string>; want: boolean }>([
    { name: 'equality matches the same value', input: 'metadata.name=x', fields: { 'metadata.name': 'x' }, want: true },
    { name: 'equality fails on another value', input: 'metadata.name=x', fields: { 'metadata.name': 'y' }, want: false },
    { name: 'a missing field counts as empty for equality', input: 'a=', fields: {}, want: true },
    { name: 'a missing field differs from a non-empty value', input: 'a!=b', fields: {}, want: true },
    { name: 'inequality fails on the same value', input: 'a!=b', fields: { a: 'b' }, want: false },
    { name: 'all terms must hold', input: 'a=1,b=2', fields: { a: '1', b: '3' }, want: false },
    { name: 'an empty selector matches anything', input: '', fields: { a: '1' }, want: true },
  ])('matching: $name', ({ input, fields, want }) => {
    expect(parseFieldSelector(input).matches(fields)).toBe(want);
  });

  it.each([
    { name: 're-escapes values', input: 'k=\\,\\=\\\\', want: 'k=\\,\\=\\\\' },
    { name: 'prints == as =', input: 'b==1,a!=2', want: 'a!=2,b=1' },
  ])('renders: $name', ({ input, want }) => {
    expect(parseFieldSelector(input).toString()).toBe(want);
  });

  it.each([
    { name: 'lists each field once in order', input: 'b=1,a=2,b!=3', want: ['a', 'b'] },
    { name: 'lists nothing for an empty selector', input: '', want: [] },
  ])('fieldNames $name', ({ input, want }) => {
    expect(parseFieldSelector(input).fieldNames()).toEqual(want);
  });

  it.each([
    { name: 'finds the value of an equality term', input: 'metadata.namespace=ns,metadata.name=x', field: 'metadata.name', want: 'x' },
    { name: 'skips inequality terms', input: 'metadata.name!=x', field: 'metadata.name', want: undefined },
  ])('requiresExactMatch $name', ({ input, field, want }) => {
    expect(parseFieldSelector(input).requiresExactMatch(field)).toBe(want);
  });
});

describe('escapeFieldValue', () => {
  it.each([
    { name: 'leaves plain text alone', input: 'abc', want: 'abc' },
    { name: 'escapes equals, comma and backslash', input: '\\=\\,\\', want: '\\\\\\=\\\\\\,\\\\' },
  ])('$name', ({ input, want }) => {
    expect(escapeFieldValue(input)).toBe(want);
  });
});

describe('unsupported fields', () => {
  const supported = ['metadata.name', 'metadata.namespace'];
  it.each([
    { name: 'passes supported fields', input: 'metadata.name=x,metadata.namespace=y', message: undefined },
    { name: 'passes an empty selector', input: '', message: undefined },
    { name: 'rejects the first unsupported field in evaluation order', input: 'spec.z=1,metadata.name=x,spec.a=2', message: 'field label not supported: spec.a' },
  ])('requireSupportedFields $name', ({ input, message }) => {
    const selector = parseFieldSelector(input);
    if (message === undefined) {
      expect(() => requireSupportedFields(selector, supported)).not.toThrow();
    } else {
      const err = thrown(() => requireSupportedFields(selector, supported));
      expect([err.code, err.reason, err.message]).toEqual([400, 'BadRequest', message]);
    }
  });

  it('uses the given error builder for the rejected field', () => {
    const err = thrown(() => requireSupportedFields(parseFieldSelector('spec.foo=1'), supported, newUnknownFieldSelector));
    expect(err.message).toBe('"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });

  it.each([
    { name: 'CRD and built-in wording', err: newFieldLabelNotSupported('status.phase'), message: 'field label not supported: status.phase' },
    { name: 'default scheme wording', err: newUnknownFieldSelector('spec.foo'), message: '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"' },
  ])('answers with $name as a 400', ({ err, message }) => {
    expect([err.code, err.reason, err.message]).toEqual([400, 'BadRequest', message]);
  });

  it('has an everything selector that matches anything and is empty', () => {
    expect(everythingFieldSelector.matches({})).toBe(true);
    expect(everythingFieldSelector.empty()).toBe(true);
  });
});
