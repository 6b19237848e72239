import { describe, expect, it } from 'vitest';
import {
  duplicate,
  FieldPath,
  forbidden,
  internalError,
  invalid,
  newPath,
  notFound,
  notSupported,
  required,
  toAggregateMessage,
  tooFew,
  tooLong,
  tooLongCharacters,
  tooMany,
  tooShort,
  typeInvalid,
  type FieldError,
} from './field-errors.js';

describe('FieldPath', () => {
  it.each([
    { name: 'renders a single root name', path: newPath('spec'), want: 'spec' },
    { name: 'joins extra root names with dots', path: newPath('spec', 'template', 'spec'), want: 'spec.template.spec' },
    {
      name: 'renders children, indexes and fields after an index',
      path: newPath('spec').child('template', 'containers').index(0).child('image'),
      want: 'spec.template.containers[0].image',
    },
    { name: 'renders a map key raw in brackets', path: newPath('metadata', 'labels').key('app'), want: 'metadata.labels[app]' },
    { name: 'keeps dots and slashes of a key inside the brackets', path: newPath('metadata', 'annotations').key('a.io/b'), want: 'metadata.annotations[a.io/b]' },
    { name: 'stacks subscripts', path: newPath('values').index(1).key('a'), want: 'values[1][a]' },
    { name: 'renders an empty child name as an empty subscript, as upstream does', path: newPath('a').child(''), want: 'a[]' },
    { name: 'is the same through FieldPath.of', path: FieldPath.of('a', 'b'), want: 'a.b' },
  ])('$name', ({ path, want }) => {
    expect(path.toString()).toBe(want);
  });

  it('never changes the parent when a child is derived', () => {
    const spec = newPath('spec');
    spec.child('a');
    spec.index(3);
    expect(spec.toString()).toBe('spec');
  });
});

describe('field error constructors', () => {
  const p = newPath('spec', 'replicas');
  it.each<{ name: string; err: FieldError; type: string; text: string }>([
    { name: 'required shows no value', err: required(p), type: 'FieldValueRequired', text: 'spec.replicas: Required value' },
    {
      name: 'required appends its detail',
      err: required(newPath('metadata', 'name'), 'name or generateName is required'),
      type: 'FieldValueRequired',
      text: 'metadata.name: Required value: name or generateName is required',
    },
    {
      name: 'invalid prints an integer with %v',
      err: invalid(p, -1, 'must be greater than or equal to 0'),
      type: 'FieldValueInvalid',
      text: 'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    },
    { name: 'invalid prints a string with %q', err: invalid(p, 'a"b', 'bad'), type: 'FieldValueInvalid', text: 'spec.replicas: Invalid value: "a\\"b": bad' },
    { name: 'invalid prints a boolean bare', err: invalid(p, true, 'bad'), type: 'FieldValueInvalid', text: 'spec.replicas: Invalid value: true: bad' },
    { name: 'invalid prints a fraction like a Go float64', err: invalid(p, 1.5e-5, 'bad'), type: 'FieldValueInvalid', text: 'spec.replicas: Invalid value: 1.5e-05: bad' },
    { name: 'invalid prints a list as JSON', err: invalid(p, ['a', 'b'], 'bad'), type: 'FieldValueInvalid', text: 'spec.replicas: Invalid value: ["a","b"]: bad' },
    { name: 'invalid prints a missing value as null', err: invalid(p, null, 'bad'), type: 'FieldValueInvalid', text: 'spec.replicas: Invalid value: null: bad' },
    { name: 'invalid without detail ends after the value', err: invalid(p, 3, ''), type: 'FieldValueInvalid', text: 'spec.replicas: Invalid value: 3' },
    { name: 'typeInvalid reads like invalid', err: typeInvalid(p, 'x', 'must be an integer'), type: 'FieldValueTypeInvalid', text: 'spec.replicas: Invalid value: "x": must be an integer' },
    {
      name: 'notSupported lists the quoted supported values',
      err: notSupported(newPath('spec', 'mode'), 'x', ['a', 'b']),
      type: 'FieldValueNotSupported',
      text: 'spec.mode: Unsupported value: "x": supported values: "a", "b"',
    },
    {
      name: 'notSupported quotes an empty supported value too',
      err: notSupported(newPath('m'), 'Foo', ['Exact', '']),
      type: 'FieldValueNotSupported',
      text: 'm: Unsupported value: "Foo": supported values: "Exact", ""',
    },
    { name: 'notSupported without supported values has no detail', err: notSupported(newPath('m'), 'x', []), type: 'FieldValueNotSupported', text: 'm: Unsupported value: "x"' },
    { name: 'duplicate shows the value', err: duplicate(newPath('spec', 'ports').index(1), 80), type: 'FieldValueDuplicate', text: 'spec.ports[1]: Duplicate value: 80' },
    { name: 'notFound shows the value', err: notFound(newPath('spec', 'cluster'), 'east'), type: 'FieldValueNotFound', text: 'spec.cluster: Not found: "east"' },
    { name: 'forbidden shows only the detail', err: forbidden(p, 'may not be set'), type: 'FieldValueForbidden', text: 'spec.replicas: Forbidden: may not be set' },
    { name: 'tooLong counts bytes', err: tooLong(newPath('metadata', 'name'), 63), type: 'FieldValueTooLong', text: 'metadata.name: Too long: may not be more than 63 bytes' },
    { name: 'tooLong uses the singular for one byte', err: tooLong(newPath('x'), 1), type: 'FieldValueTooLong', text: 'x: Too long: may not be more than 1 byte' },
    { name: 'tooLong without a limit is generic', err: tooLong(newPath('x'), -1), type: 'FieldValueTooLong', text: 'x: Too long: value is too long' },
    { name: 'tooLongCharacters counts characters', err: tooLongCharacters(newPath('x'), 5), type: 'FieldValueTooLong', text: 'x: Too long: may not be more than 5 characters' },
    { name: 'tooShort shows the value and the minimum', err: tooShort(newPath('x'), 'ab', 3), type: 'FieldValueTooShort', text: 'x: Too short: must be at least 3 characters' },
    { name: 'tooMany shows the actual count', err: tooMany(newPath('items'), 5, 3), type: 'FieldValueTooMany', text: 'items: Too many: 5: must have at most 3 items' },
    { name: 'tooMany leaves out a negative actual count', err: tooMany(newPath('items'), -1, 1), type: 'FieldValueTooMany', text: 'items: Too many: must have at most 1 item' },
    { name: 'tooMany without a limit is generic', err: tooMany(newPath('items'), 2, -1), type: 'FieldValueTooMany', text: 'items: Too many: 2: has too many items' },
    { name: 'tooFew shows the actual count', err: tooFew(newPath('items'), 0, 1), type: 'FieldValueTooFew', text: 'items: Too few: 0: must have at least 1 item' },
    { name: 'internalError shows the error text', err: internalError(newPath('spec'), new Error('boom')), type: 'InternalError', text: 'spec: Internal error: boom' },
    { name: 'an error without a path prints <nil> as upstream does', err: invalid(null, 'A_', 'bad'), type: 'FieldValueInvalid', text: '<nil>: Invalid value: "A_": bad' },
  ])('$name', ({ err, type, text }) => {
    expect(err.type).toBe(type);
    expect(err.toString()).toBe(text);
    expect(`${err.field}: ${err.errorBody()}`).toBe(text);
  });
});

describe('toAggregateMessage', () => {
  const a = invalid(newPath('a'), 1, 'bad');
  const b = required(newPath('b'));
  it.each([
    { name: 'is undefined for no errors', errs: [], want: undefined },
    { name: 'prints a single error bare', errs: [a], want: 'a: Invalid value: 1: bad' },
    { name: 'prints one distinct error bare even when repeated', errs: [a, invalid(newPath('a'), 1, 'bad')], want: 'a: Invalid value: 1: bad' },
    { name: 'brackets and comma-joins several errors', errs: [a, b], want: '[a: Invalid value: 1: bad, b: Required value]' },
    { name: 'drops repeats among several errors, keeping first-seen order', errs: [b, a, b], want: '[b: Required value, a: Invalid value: 1: bad]' },
  ])('$name', ({ errs, want }) => {
    expect(toAggregateMessage(errs)).toBe(want);
  });
});
