import { describe, expect, it } from 'vitest';
import { SchemaValidator } from './schema-validator.js';

const validator = new SchemaValidator({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['mode'],
      properties: {
        replicas: { type: 'integer', minimum: 0 },
        image: { type: 'string' },
        mode: { type: 'string', enum: ['Duplicate', 'Divide'] },
        port: { 'x-kubernetes-int-or-string': true },
        items: { type: 'array', maxItems: 1, items: { type: 'object', properties: { weight: { type: 'integer', maximum: 100 } } } },
      },
    },
  },
});

describe('SchemaValidator', () => {
  it('accepts a valid object', () => {
    expect(validator.validate({ spec: { mode: 'Divide', replicas: 3, port: 'http' } })).toEqual([]);
  });

  it.each([
    [{ spec: { mode: 'Duplicate', replicas: -1 } }, 'spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0'],
    [{ spec: { mode: 'Duplicate', image: 3 } }, 'spec.image: Invalid value: "integer": spec.image in body must be of type string: "integer"'],
    [{ spec: {} }, 'spec.mode: Required value'],
    [{ spec: { mode: 'Spread' } }, 'spec.mode: Unsupported value: "Spread": supported values: "Duplicate", "Divide"'],
    [{ spec: { mode: 'Divide', items: [{ weight: 101 }] } }, 'spec.items[0].weight: Invalid value: 101: spec.items[0].weight in body should be less than or equal to 100'],
    [{ spec: { mode: 'Divide', items: [{}, {}] } }, 'spec.items: Too many: 2: must have at most 1 item'],
  ])('words the error for %j as kube-apiserver does', (object, message) => {
    expect(validator.validate(object).map(String)).toEqual([message]);
  });

  it('reports several errors sorted by field path', () => {
    const errors = validator.validate({ spec: { mode: 'Duplicate', replicas: -1, image: 3 } });
    expect(errors.map((e) => e.field)).toEqual(['spec.image', 'spec.replicas']);
    expect(errors.map((e) => e.type)).toEqual(['FieldValueTypeInvalid', 'FieldValueInvalid']);
  });
});
