import { describe, expect, it } from 'vitest';
import { newPath } from './field-errors.js';
import {
  LabelSelectorError,
  labelRequirementMatches,
  labelRequirementString,
  newLabelRequirement,
  type LabelOperator,
  type LabelRequirement,
} from './label-requirement.js';

const VALUE_REGEX =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('newLabelRequirement', () => {
  it.each<{ name: string; key: string; op: LabelOperator; values: string[] | null; error: string }>([
    { name: 'rejects an empty value list for in', key: 'a', op: 'in', values: [], error: "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty" },
    {
      name: 'prints a nil value list as null',
      key: 'a',
      op: 'notin',
      values: null,
      error: "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    },
    {
      name: 'rejects two values for an exact match',
      key: 'a',
      op: '=',
      values: ['bar', 'foo'],
      error: 'values: Invalid value: ["bar","foo"]: exact-match compatibility requires one single value',
    },
    {
      name: 'rejects values for exists',
      key: 'a',
      op: 'exists',
      values: ['foo'],
      error: 'values: Invalid value: ["foo"]: values set must be empty for exists and does not exist',
    },
    { name: 'rejects no value for gt', key: 'a', op: 'gt', values: [], error: "values: Invalid value: []: for 'Gt', 'Lt' operators, exactly one value is required" },
    { name: 'rejects a non-integer bound', key: 'a', op: 'lt', values: ['bar'], error: 'values[0]: Invalid value: "bar": for \'Gt\', \'Lt\' operators, the value must be an integer' },
    {
      name: 'rejects a bound beyond 64 bits',
      key: 'a',
      op: 'gt',
      values: ['9223372036854775808'],
      error: 'values[0]: Invalid value: "9223372036854775808": for \'Gt\', \'Lt\' operators, the value must be an integer',
    },
    { name: 'checks each value against label value syntax, keyed by the label', key: 'x17', op: '=', values: ['a b'], error: `values[0][x17]: Invalid value: "a b": ${VALUE_REGEX}` },
    {
      name: 'reports every problem in upstream order',
      key: 'x',
      op: 'gt',
      values: ['b$'],
      error: `[values[0]: Invalid value: "b$": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: "b$": ${VALUE_REGEX}]`,
    },
  ])('$name', ({ key, op, values, error }) => {
    expect(() => newLabelRequirement(key, op, values)).toThrow(new LabelSelectorError(error));
  });

  it('puts the given path in front of key and values', () => {
    expect(() => newLabelRequirement('a$', 'exists', [], newPath('spec', 'selector'))).toThrow(/^spec\.selector\.key: Invalid value: "a\$": name part /);
  });

  it('keeps a valid requirement as given', () => {
    expect(newLabelRequirement('tier', 'in', ['web', ''])).toEqual({ key: 'tier', operator: 'in', values: ['web', ''] });
  });
});

describe('labelRequirementMatches', () => {
  const req = (operator: LabelOperator, values: string[] = []): LabelRequirement => ({ key: 'x', operator, values });
  it.each([
    { name: 'in matches a listed value', r: req('in', ['a', 'b']), labels: { x: 'b' }, want: true },
    { name: 'in fails on an unlisted value', r: req('in', ['a']), labels: { x: 'c' }, want: false },
    { name: 'in fails when the label is missing', r: req('in', ['a']), labels: {}, want: false },
    { name: 'equals matches the same value', r: req('=', ['a']), labels: { x: 'a' }, want: true },
    { name: 'double equals matches the same value', r: req('==', ['a']), labels: { x: 'a' }, want: true },
    { name: 'equals to empty matches an empty value', r: req('=', ['']), labels: { x: '' }, want: true },
    { name: 'equals to empty fails when the label is missing', r: req('=', ['']), labels: {}, want: false },
    { name: 'not-equals matches when the label is missing', r: req('!=', ['a']), labels: {}, want: true },
    { name: 'not-equals fails on the same value', r: req('!=', ['a']), labels: { x: 'a' }, want: false },
    { name: 'notin matches another value', r: req('notin', ['a']), labels: { x: 'b' }, want: true },
    { name: 'exists matches any value, even empty', r: req('exists'), labels: { x: '' }, want: true },
    { name: 'exists fails when missing', r: req('exists'), labels: { y: 'x' }, want: false },
    { name: 'does-not-exist matches when missing', r: req('!'), labels: { y: 'x' }, want: true },
    { name: 'does-not-exist fails when present', r: req('!'), labels: { x: '' }, want: false },
    { name: 'gt compares as integers, not strings', r: req('gt', ['9']), labels: { x: '10' }, want: true },
    { name: 'gt is strict', r: req('gt', ['10']), labels: { x: '10' }, want: false },
    { name: 'lt accepts a signed label value', r: req('lt', ['0']), labels: { x: '-5' }, want: true },
    { name: 'lt fails on a non-integer label value', r: req('lt', ['5']), labels: { x: '1.5' }, want: false },
    { name: 'gt compares beyond the safe-integer range exactly', r: req('gt', ['9007199254740992']), labels: { x: '9007199254740993' }, want: true },
    { name: 'gt fails when the label is missing', r: req('gt', ['0']), labels: {}, want: false },
    { name: 'does not see inherited properties as labels', r: req('exists'), labels: Object.create({ x: 'a' }) as Record<string, string>, want: false },
  ])('$name', ({ r, labels, want }) => {
    expect(labelRequirementMatches(r, labels)).toBe(want);
  });
});

describe('labelRequirementString', () => {
  it.each<{ name: string; r: LabelRequirement; want: string }>([
    { name: 'prints exists as the bare key', r: { key: 'a', operator: 'exists', values: [] }, want: 'a' },
    { name: 'prints does-not-exist with a bang', r: { key: 'a', operator: '!', values: [] }, want: '!a' },
    { name: 'prints equality without spaces', r: { key: 'a', operator: '==', values: ['b'] }, want: 'a==b' },
    { name: 'prints gt as >', r: { key: 'a', operator: 'gt', values: ['1'] }, want: 'a>1' },
    { name: 'prints set values sorted in parentheses', r: { key: 'a', operator: 'notin', values: ['c', 'b'] }, want: 'a notin (b,c)' },
    { name: 'prints an empty set value as empty parentheses', r: { key: 'a', operator: 'in', values: [''] }, want: 'a in ()' },
  ])('$name', ({ r, want }) => {
    expect(labelRequirementString(r)).toBe(want);
  });
});
