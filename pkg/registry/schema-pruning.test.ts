import { describe, expect, it } from 'vitest';
import { pruneAndDefault, type PruningSchema } from './schema-pruning.js';

const schema: PruningSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer', default: 1 },
        strategy: { type: 'object', default: {}, properties: { type: { type: 'string', default: 'Duplicate' } } },
        items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        template: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: {} } } },
        embedded: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: {} },
      },
    },
    status: { type: 'object', properties: { ready: { type: 'integer' } } },
  },
};

describe('pruneAndDefault', () => {
  it('drops unknown fields at every depth and reports their paths, sorted', () => {
    const obj = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'a', foo: 1 },
      extra: true,
      spec: { replicas: 2, bogus: 1, items: [{ name: 'a' }, { name: 'b', nope: 1 }] },
    };
    expect(pruneAndDefault(obj, schema)).toEqual(['extra', 'metadata.foo', 'spec.bogus', 'spec.items[1].nope']);
    expect(obj).toEqual({
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'a' },
      spec: { replicas: 2, strategy: { type: 'Duplicate' }, items: [{ name: 'a' }, { name: 'b' }] },
    });
  });

  it('keeps unknown fields under x-kubernetes-preserve-unknown-fields but still prunes inside known ones', () => {
    const obj = { spec: { template: { anything: { goes: 1 }, known: { no: 1 } } } };
    expect(pruneAndDefault(obj, schema)).toEqual(['spec.template.known.no']);
    expect(obj.spec.template).toEqual({ anything: { goes: 1 }, known: {} });
  });

  it('walks map values with additionalProperties and keeps an embedded resource header', () => {
    const obj = { spec: { labels: { a: 'b' }, embedded: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, other: 1 } } };
    expect(pruneAndDefault(obj, schema)).toEqual(['spec.embedded.other']);
    expect(obj.spec.embedded).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } });
  });

  it('applies nested defaults without sharing the default value between objects', () => {
    const a = { spec: {} as Record<string, unknown> };
    const b = { spec: {} as Record<string, unknown> };
    pruneAndDefault(a, schema);
    pruneAndDefault(b, schema);
    expect(a.spec).toEqual({ replicas: 1, strategy: { type: 'Duplicate' } });
    (a.spec.strategy as Record<string, unknown>).type = 'Divide';
    expect(b.spec.strategy).toEqual({ type: 'Duplicate' });
  });
});

describe('nulls', () => {
  it('drops nulls of non-nullable fields, defaults them when there is a default, and keeps nullable ones', () => {
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { a: { type: 'string' }, b: { type: 'string', default: 'x' }, c: { type: 'string', nullable: true }, m: { type: 'object', additionalProperties: { type: 'string' } } },
        },
      },
    };
    const o: Record<string, unknown> = { spec: { a: null, b: null, c: null, m: { k: null } } };
    pruneAndDefault(o, schema);
    expect(o).toEqual({ spec: { b: 'x', c: null, m: {} } });
  });
});
