import { describe, expect, it } from 'vitest';
import {
  everythingLabelSelector,
  labelSelectorFromMeta,
  labelSelectorFromSet,
  nothingLabelSelector,
  parseLabelSelector,
  type LabelSelector,
  type MetaLabelSelector,
} from './label-selector.js';
import { thrownStatusError } from './thrown-status-error.js';

const thrown = thrownStatusError;

describe('parseLabelSelector', () => {
  it.each<{ name: string; selector: string; labels: Record<string, string>; want: boolean }>([
    { name: 'an empty selector matches anything', selector: '', labels: { x: 'y' }, want: true },
    { name: 'equality matches the same value', selector: 'x=y', labels: { x: 'y' }, want: true },
    { name: 'all requirements must hold', selector: 'x=y,z=w', labels: { x: 'w', z: 'w' }, want: false },
    { name: 'not-equals on two keys matches other values', selector: 'x!=y,z!=w', labels: { x: 'z', z: 'a' }, want: true },
    { name: 'keywords compare as plain values in exact matches', selector: 'notin=in', labels: { notin: 'in' }, want: true },
    { name: 'exists needs the key', selector: 'x', labels: { y: 'z' }, want: false },
    { name: 'does-not-exist wants the key absent', selector: '!x', labels: { y: 'z' }, want: true },
    { name: 'a set matches a member', selector: 'env in (prod, staging)', labels: { env: 'staging' }, want: true },
    { name: 'notin matches a missing key', selector: 'env notin (prod)', labels: {}, want: true },
    { name: 'empty parentheses match an empty value', selector: 'a in ()', labels: { a: '' }, want: true },
    { name: 'greater-than compares numbers', selector: 'x>1', labels: { x: '2' }, want: true },
    { name: 'less-than compares numbers', selector: 'x<1', labels: { x: '2' }, want: false },
    { name: 'an extra unmatched requirement fails the whole selector', selector: 'foo=bar,foobar=bar,baz=blah', labels: { foo: 'bar', baz: 'blah' }, want: false },
  ])('$name', ({ selector, labels, want }) => {
    expect(parseLabelSelector(selector).matches(labels)).toBe(want);
  });

  it.each([
    { name: 'sorts requirements by key', input: 'x=a,a=x', want: 'a=x,x=a' },
    { name: 'drops whitespace', input: 'x= ,z= ', want: 'x=,z=' },
    { name: 'keeps negation and set syntax', input: 'b notin (y, x), !a, c', want: '!a,b notin (x,y),c' },
    { name: 'keeps comparison operators', input: 'x>1,z<5', want: 'x>1,z<5' },
  ])('renders canonically: $name', ({ input, want }) => {
    expect(parseLabelSelector(input).toString()).toBe(want);
  });

  it.each([
    { name: 'an unclosed set', input: 'a in (', message: "unable to parse requirement: found '', expected: ',', ')' or identifier" },
    { name: 'a trailing comma', input: 'a=b,', message: "found '', expected: identifier after ','" },
  ])('answers $name with a 400 BadRequest carrying the upstream text', ({ input, message }) => {
    const err = thrown(() => parseLabelSelector(input));
    expect(err.status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'BadRequest', code: 400 });
  });

  it.each([
    { name: 'reports the value of a single equality', selector: 'a=b,c=d', key: 'a', want: 'b' },
    { name: 'reports the value of a single-member set', selector: 'a in (b)', key: 'a', want: 'b' },
    { name: 'does not report a multi-member set', selector: 'a in (b,c)', key: 'a', want: undefined },
    { name: 'does not report a negative requirement', selector: 'a!=b', key: 'a', want: undefined },
    { name: 'does not report an absent key', selector: 'a=b', key: 'z', want: undefined },
  ])('requiresExactMatch $name', ({ selector, key, want }) => {
    expect(parseLabelSelector(selector).requiresExactMatch(key)).toBe(want);
  });
});

describe('labelSelectorFromMeta', () => {
  it.each<{ name: string; selector: MetaLabelSelector | null | undefined; labels: Record<string, string>; want: boolean; str: string; empty: boolean }>([
    { name: 'an absent selector matches nothing', selector: null, labels: {}, want: false, str: '', empty: false },
    { name: 'an undefined selector matches nothing', selector: undefined, labels: { a: 'x' }, want: false, str: '', empty: false },
    { name: 'an empty selector matches everything', selector: {}, labels: { a: 'x' }, want: true, str: '', empty: true },
    { name: 'empty matchLabels match everything', selector: { matchLabels: {} }, labels: {}, want: true, str: '', empty: true },
    { name: 'matchLabels require equality', selector: { matchLabels: { b: '1', a: 'x' } }, labels: { a: 'x', b: '1' }, want: true, str: 'a=x,b=1', empty: false },
    {
      name: 'expressions and labels combine with AND',
      selector: { matchLabels: { b: '1' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['x', 'y'] }, { key: 'c', operator: 'DoesNotExist' }] },
      labels: { a: 'x', b: '1' },
      want: true,
      str: 'a in (x,y),b=1,!c',
      empty: false,
    },
    { name: 'NotIn matches a missing key', selector: { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }, labels: {}, want: true, str: 'a notin (x)', empty: false },
    { name: 'Exists needs the key', selector: { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, labels: { b: '' }, want: false, str: 'a', empty: false },
  ])('$name', ({ selector, labels, want, str, empty }) => {
    const s = labelSelectorFromMeta(selector);
    expect(s.matches(labels)).toBe(want);
    expect(s.toString()).toBe(str);
    expect(s.empty()).toBe(empty);
  });

  it.each<{ name: string; selector: MetaLabelSelector; message: string }>([
    { name: 'an unknown operator', selector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, message: '"Gt" is not a valid label selector operator' },
    { name: 'a lower-case operator', selector: { matchExpressions: [{ key: 'a', operator: 'in', values: ['1'] }] }, message: '"in" is not a valid label selector operator' },
    { name: 'In without values, printed as null', selector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, message: "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty" },
    { name: 'Exists with values', selector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, message: 'values: Invalid value: ["x"]: values set must be empty for exists and does not exist' },
    {
      name: 'an invalid matchLabels key, with the key path',
      selector: { matchLabels: { 'a$': 'b' } },
      message:
        "key: Invalid value: \"a$\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    },
  ])('answers $name with a 400 BadRequest', ({ selector, message }) => {
    const err = thrown(() => labelSelectorFromMeta(selector));
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
    expect(err.message).toBe(message);
  });
});

describe('fixed selectors', () => {
  it.each<{ name: string; selector: LabelSelector; labels: Record<string, string>; want: boolean; empty: boolean }>([
    { name: 'everything matches an empty label set', selector: everythingLabelSelector, labels: {}, want: true, empty: true },
    { name: 'nothing matches even an empty label set', selector: nothingLabelSelector, labels: {}, want: false, empty: false },
    { name: 'a set selector requires each label', selector: labelSelectorFromSet({ a: 'x', b: 'y' }), labels: { a: 'x' }, want: false, empty: false },
    { name: 'a set selector matches a superset of labels', selector: labelSelectorFromSet({ a: 'x' }), labels: { a: 'x', b: 'y' }, want: true, empty: false },
    { name: 'an empty set selector matches everything', selector: labelSelectorFromSet({}), labels: { a: 'x' }, want: true, empty: true },
  ])('$name', ({ selector, labels, want, empty }) => {
    expect(selector.matches(labels)).toBe(want);
    expect(selector.empty()).toBe(empty);
  });
});
