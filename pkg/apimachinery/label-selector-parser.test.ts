import { describe, expect, it } from 'vitest';
import { LabelSelectorError } from './label-requirement.js';
import { parseLabelRequirements } from './label-selector-parser.js';

const VALUE_REGEX =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_REGEX =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('parseLabelRequirements accepts', () => {
  it.each([
    { name: 'the empty selector as no requirements', input: '', want: [] },
    { name: 'only whitespace as no requirements', input: ' \t\r\n', want: [] },
    { name: 'a bare key as exists', input: 'a', want: [{ key: 'a', operator: 'exists', values: [] }] },
    { name: 'a negated key as does-not-exist', input: '!a', want: [{ key: 'a', operator: '!', values: [] }] },
    { name: 'single equals', input: 'a=b', want: [{ key: 'a', operator: '=', values: ['b'] }] },
    { name: 'double equals', input: 'a==b', want: [{ key: 'a', operator: '==', values: ['b'] }] },
    { name: 'not-equals', input: 'a!=b', want: [{ key: 'a', operator: '!=', values: ['b'] }] },
    { name: 'an exact match with nothing after it as the empty value', input: 'a=', want: [{ key: 'a', operator: '=', values: [''] }] },
    { name: 'greater-than and less-than as gt and lt', input: 'a>1,b<2', want: [{ key: 'a', operator: 'gt', values: ['1'] }, { key: 'b', operator: 'lt', values: ['2'] }] },
    { name: 'a set, sorting its values', input: 'a in (c,b,a)', want: [{ key: 'a', operator: 'in', values: ['a', 'b', 'c'] }] },
    { name: 'empty parentheses as one empty value', input: 'a notin ()', want: [{ key: 'a', operator: 'notin', values: [''] }] },
    { name: 'empty list entries as one empty value', input: 'a in (,b,,)', want: [{ key: 'a', operator: 'in', values: ['', 'b'] }] },
    { name: 'a leading comma in a set as an empty value', input: 'a in (,b)', want: [{ key: 'a', operator: 'in', values: ['', 'b'] }] },
    { name: 'a trailing comma in a set as an empty value', input: 'a in (b,)', want: [{ key: 'a', operator: 'in', values: ['', 'b'] }] },
    { name: 'the keywords as keys and values', input: 'in in (in),notin=notin', want: [{ key: 'in', operator: 'in', values: ['in'] }, { key: 'notin', operator: '=', values: ['notin'] }] },
    { name: 'spaces and tabs around every token', input: '  a \t=  b  , !c ,d', want: [{ key: 'a', operator: '=', values: ['b'] }, { key: 'c', operator: '!', values: [] }, { key: 'd', operator: 'exists', values: [] }] },
    { name: 'a prefixed key', input: 'app.kubernetes.io/name=web', want: [{ key: 'app.kubernetes.io/name', operator: '=', values: ['web'] }] },
  ])('$name', ({ input, want }) => {
    expect(parseLabelRequirements(input)).toEqual(want);
  });
});

describe('parseLabelRequirements rejects', () => {
  it.each([
    { name: 'an unclosed set', input: 'a in (', error: "unable to parse requirement: found '', expected: ',', ')' or identifier" },
    { name: 'a set cut off after a comma', input: 'a in (b,', error: "unable to parse requirement: found '', expected: ',', or identifier" },
    { name: 'two set values without a comma', input: 'a in (b c)', error: "unable to parse requirement: found 'c', expected: ',' or ')'" },
    { name: 'a set without parentheses', input: 'a in b', error: "unable to parse requirement: found 'b' expected: '('" },
    { name: 'two keys without an operator', input: 'a b', error: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt" },
    { name: 'an operator with no key', input: '=a', error: "found '=', expected: !, identifier, or 'end of string'" },
    { name: 'a leading comma', input: ',a', error: "found ',', expected: !, identifier, or 'end of string'" },
    { name: 'a trailing comma', input: 'a,', error: "found '', expected: identifier after ','" },
    { name: 'a negated key with a value', input: '!x=a', error: "found '=', expected: ',' or 'end of string'" },
    { name: 'a second operator after a value', input: 'x==a==b', error: "found '==', expected: ',' or 'end of string'" },
    { name: 'a parenthesis as an exact value', input: 'a=(b)', error: "unable to parse requirement: found '(', expected: identifier" },
    { name: '>= as one operator, since only > is', input: 'a>=1', error: "unable to parse requirement: found '=', expected: identifier" },
    { name: 'a bare bang after a key', input: 'a!', error: "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt" },
    { name: 'a bang with no key', input: '!', error: "unable to parse requirement: found '', expected: identifier" },
    { name: 'an invalid key, reported with the <nil> path upstream prints', input: 'A_$', error: `unable to parse requirement: <nil>: Invalid value: "A_$": name part ${NAME_REGEX}` },
    { name: 'a key with two slashes', input: 'a/b/c=d', error: `unable to parse requirement: <nil>: Invalid value: "a/b/c": a valid label key ${NAME_REGEX} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')` },
    { name: 'an invalid value, indexed and keyed', input: 'a=b$', error: `unable to parse requirement: values[0][a]: Invalid value: "b$": ${VALUE_REGEX}` },
    { name: 'an invalid set value at its sorted index', input: 'a in (z$,b)', error: `unable to parse requirement: values[1][a]: Invalid value: "z$": ${VALUE_REGEX}` },
    { name: 'a non-integer bound', input: 'x<a', error: 'unable to parse requirement: values[0]: Invalid value: "a": for \'Gt\', \'Lt\' operators, the value must be an integer' },
    { name: 'a missing bound', input: 'a<', error: 'unable to parse requirement: values[0]: Invalid value: "": for \'Gt\', \'Lt\' operators, the value must be an integer' },
    { name: 'a negative bound, which is not a valid label value', input: 'x>-1', error: `unable to parse requirement: values[0][x]: Invalid value: "-1": ${VALUE_REGEX}` },
    { name: 'the || that is not an operator', input: 'x=a||y=b', error: `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${VALUE_REGEX}` },
    { name: 'text after a NUL character, which ends a token as in upstream', input: 'a=b\u0000c=d', error: "found 'c', expected: ',' or 'end of string'" },
    { name: 'an overlong value', input: `a=${'v'.repeat(64)}`, error: `unable to parse requirement: values[0][a]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 bytes` },
  ])('$name', ({ input, error }) => {
    expect(() => parseLabelRequirements(input)).toThrow(new LabelSelectorError(error));
  });
});
