import { describe, expect, it } from 'vitest';
import { driftedFields } from './drifted-fields.js';

const applied = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web', 'herd.io/managed': 'true' }, annotations: { 'a~b': 'x' } },
  spec: {
    replicas: 2,
    template: { spec: { containers: [{ name: 'web', image: 'nginx:1', resources: { requests: { cpu: '500m' } } }] } },
  },
};

/** The member's copy: the applied fields plus what the server adds. */
function live(): Record<string, unknown> {
  const copy = structuredClone(applied) as unknown as { metadata: Record<string, unknown>; spec: Record<string, unknown> } & Record<string, unknown>;
  copy.metadata.uid = 'u';
  copy.metadata.resourceVersion = '12';
  copy.metadata.generation = 4;
  copy.metadata.managedFields = [{ manager: 'herd' }];
  copy.spec.strategy = { type: 'RollingUpdate' };
  copy.status = { replicas: 2 };
  return copy;
}

describe('driftedFields', () => {
  it('finds nothing when live has every applied value, plus server defaults and system metadata', () => {
    expect(driftedFields(applied, live())).toEqual([]);
  });

  it('names changed leaves as JSON pointers', () => {
    const l = live() as typeof applied;
    l.spec.replicas = 5;
    l.spec.template.spec.containers[0]!.image = 'nginx:2';
    expect(driftedFields(applied, l)).toEqual(['/spec/replicas', '/spec/template/spec/containers/0/image']);
  });

  it('counts a missing field as drift, and names every leaf below a missing object', () => {
    const l = live() as Record<string, Record<string, unknown>>;
    delete l.spec!.replicas;
    delete (l.spec!.template as { spec: { containers: { resources?: unknown }[] } }).spec.containers[0]!.resources;
    expect(driftedFields(applied, l)).toEqual(['/spec/replicas', '/spec/template/spec/containers/0/resources/requests/cpu']);
  });

  it('escapes ~ and / in keys (RFC 6901)', () => {
    const l = live() as typeof applied;
    l.metadata.labels['herd.io/managed'] = 'false';
    l.metadata.annotations['a~b'] = 'y';
    expect(driftedFields(applied, l)).toEqual(['/metadata/labels/herd.io~1managed', '/metadata/annotations/a~0b']);
  });

  it('compares only labels and annotations of metadata, and never status', () => {
    const withStatus = { ...applied, metadata: { ...applied.metadata, finalizers: ['x'], generation: 1 }, status: { replicas: 9 } };
    const l = live() as Record<string, Record<string, unknown>>;
    l.metadata!.name = 'renamed';
    expect(driftedFields(withStatus, l)).toEqual([]);
  });

  it('compares metadata below the top level in full', () => {
    const a = { spec: { template: { metadata: { name: 'pod', labels: { a: '1' } } } } };
    expect(driftedFields(a, { spec: { template: { metadata: { labels: { a: '1' } } } } })).toEqual(['/spec/template/metadata/name']);
  });

  it('names a whole array when the lengths differ, or when live is not an array', () => {
    const a = { spec: { args: ['a', 'b'], ports: [1] } };
    expect(driftedFields(a, { spec: { args: ['a'], ports: 1 } })).toEqual(['/spec/args', '/spec/ports']);
    expect(driftedFields(a, { spec: {} })).toEqual(['/spec/args', '/spec/ports']);
  });

  it('recurses into arrays of the same length', () => {
    expect(driftedFields({ a: [{ x: 1, y: 2 }, 'k'] }, { a: [{ x: 1, y: 3, z: 0 }, 'k'] })).toEqual(['/a/0/y']);
  });

  it('compares numbers by value and quantities as strings', () => {
    expect(driftedFields({ n: 1, q: '500m', b: true }, { n: 1.0, q: '500m', b: true })).toEqual([]);
    expect(driftedFields({ q: '500m' }, { q: '0.5' })).toEqual(['/q']);
    expect(driftedFields({ port: 8080 }, { port: '8080' })).toEqual(['/port']);
    expect(driftedFields({ b: false }, { b: 0 })).toEqual(['/b']);
  });

  it('takes a null or empty value in applied as satisfied by its absence', () => {
    const a = { spec: { gone: null, list: [], map: {} } };
    expect(driftedFields(a, { spec: {} })).toEqual([]);
    expect(driftedFields(a, { spec: { gone: null, list: [], map: { added: 'by server' } } })).toEqual([]);
    expect(driftedFields(a, { spec: { gone: 1, list: ['x'], map: 'text' } })).toEqual(['/spec/gone', '/spec/list', '/spec/map']);
  });

  it('names every leaf when live is not an object at all', () => {
    expect(driftedFields({ spec: { a: 1, b: { c: 2 } } }, undefined)).toEqual(['/spec/a', '/spec/b/c']);
    expect(driftedFields({ spec: { a: 1 } }, { spec: 'text' })).toEqual(['/spec/a']);
  });

  it('compares a non-object at the top level as one leaf', () => {
    expect(driftedFields('a', 'a')).toEqual([]);
    expect(driftedFields('a', 'b')).toEqual(['']);
  });
});
