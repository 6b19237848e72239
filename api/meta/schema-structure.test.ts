import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from './resource-definition.js';
import { structuralSchemaErrors, undeclaredFields } from './schema-structure.js';
import { quantity } from './schema-builders.js';

const root = (properties: Record<string, JSONSchemaProps>): JSONSchemaProps => ({ type: 'object', description: 'r', properties });

describe('structuralSchemaErrors', () => {
  it.each<[string, JSONSchemaProps, string]>([
    ['reports a field without a type', root({ a: { description: 'a' } }), 'a: has no type'],
    ['reports an array without items', root({ a: { type: 'array', description: 'a' } }), 'a: is an array without items'],
    [
      'reports properties next to additionalProperties',
      root({ a: { type: 'object', description: 'a', properties: {}, additionalProperties: { type: 'string' } } }),
      'a: must not set both properties and additionalProperties',
    ],
    [
      'reports a required field that is not declared',
      root({ a: { type: 'object', description: 'a', properties: {}, required: ['b'] } }),
      'a: requires b, which is not a property',
    ],
    [
      'reports an enum value of the wrong type',
      root({ a: { type: 'string', description: 'a', enum: ['x', 3] } }),
      'a: enum value 3 does not match type string',
    ],
    [
      'reports a list map without keys',
      root({ a: { type: 'array', description: 'a', items: { type: 'object' }, 'x-kubernetes-list-type': 'map' } }),
      'a: x-kubernetes-list-type: map needs x-kubernetes-list-map-keys',
    ],
    [
      'reports a list map key that is not required',
      root({
        a: {
          type: 'array',
          description: 'a',
          items: { type: 'object', properties: { k: { type: 'string', description: 'k' } } },
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['k'],
        },
      }),
      'a: list map key k must be required or defaulted',
    ],
    [
      'reports a set of objects that are not atomic',
      root({ a: { type: 'array', description: 'a', items: { type: 'object' }, 'x-kubernetes-list-type': 'set' } }),
      'a: x-kubernetes-list-type: set needs scalar or atomic items',
    ],
    [
      'reports metadata that says more than its type',
      root({ metadata: { type: 'object', properties: { name: { type: 'string' } } } }),
      'metadata: may only say type: object',
    ],
    [
      'reports an int-or-string with a type',
      root({ a: { type: 'string', description: 'a', 'x-kubernetes-int-or-string': true } }),
      'a: x-kubernetes-int-or-string must not set a type',
    ],
  ])('%s', (_name, schema, error) => {
    expect(structuralSchemaErrors(schema)).toContain(error);
  });

  it('reports a missing description only when asked to', () => {
    const schema = root({ a: { type: 'string' } });
    expect(structuralSchemaErrors(schema)).toEqual([]);
    expect(structuralSchemaErrors(schema, { requireDescriptions: true })).toEqual(['a: has no description']);
  });

  it('accepts untyped nodes that preserve unknown fields or are int-or-string', () => {
    const schema = root({ v: { description: 'v', 'x-kubernetes-preserve-unknown-fields': true }, q: quantity('q') });
    expect(structuralSchemaErrors(schema, { requireDescriptions: true })).toEqual([]);
  });
});

describe('undeclaredFields', () => {
  const schema = root({
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      description: 's',
      properties: {
        list: { type: 'array', description: 'l', items: { type: 'object', properties: { a: { type: 'string' } } } },
        labels: { type: 'object', description: 'l', additionalProperties: { type: 'string' } },
        free: { type: 'object', description: 'f', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  });

  it.each<[string, unknown, string[]]>([
    ['finds nothing in an object the schema describes', { spec: { list: [{ a: 'x' }], labels: { k: 'v' } } }, []],
    ['finds a misspelt top-level field', { spce: {} }, ['spce']],
    ['finds an unknown field inside a list item', { spec: { list: [{ a: 'x' }, { b: 1 }] } }, ['spec.list[1].b']],
    ['ignores whatever a preserve-unknown-fields object holds', { spec: { free: { any: { thing: 1 } } } }, []],
    ['leaves metadata to the server', { metadata: { name: 'x', whatever: 1 } }, []],
  ])('%s', (_name, value, expected) => {
    expect(undeclaredFields(schema, value)).toEqual(expected);
  });
});
