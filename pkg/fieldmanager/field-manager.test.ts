import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../../api/meta/resource-definition.js';
import { isStatusError } from '../apimachinery/status-error.js';
import { FieldManager, type ManagedObject } from './field-manager.js';

const str: JSONSchemaProps = { type: 'string' };
const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        image: str,
        args: { type: 'array', items: str },
        tags: { type: 'array', items: str, 'x-kubernetes-list-type': 'set' },
        env: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: str, value: str } },
        },
        selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { a: str, b: str } },
      },
    },
    status: { type: 'object', properties: { phase: str } },
  },
};

const gv = 'test.herd.io/v1';
const fm = (): FieldManager => new FieldManager({ group: 'test.herd.io', version: 'v1', kind: 'Probe', hasStatus: true, schema });
const obj = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}): ManagedObject => ({ apiVersion: gv, kind: 'Probe', metadata: { name: 'p', namespace: 'ns' }, spec, ...extra });
const stored = (o: ManagedObject): ManagedObject => ({ ...o, metadata: { ...o.metadata, uid: 'u1', resourceVersion: '5' } });
const fields = (o: ManagedObject) => Object.fromEntries((o.metadata?.managedFields ?? []).map((e) => [`${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`, e.fieldsV1]));

function conflictOf(fn: () => unknown): { message: string; fields: string[] } {
  try {
    fn();
  } catch (err) {
    if (isStatusError(err) && err.code === 409) return { message: err.status.message!, fields: (err.status.details?.causes ?? []).map((c) => c.field!) };
    throw err;
  }
  throw new Error('no conflict');
}

describe('FieldManager', () => {
  it('gives a creator every field it set, with "." on structs the empty object lacked', () => {
    const o = obj({ replicas: 1, image: 'a' }, { status: { phase: 'x' } });
    fm().update(undefined, o, 'kubectl-create');
    expect(o.metadata!.managedFields).toEqual([
      { manager: 'kubectl-create', operation: 'Update', apiVersion: gv, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { '.': {}, 'f:image': {}, 'f:replicas': {} } } },
    ]);
  });

  it('applies: creates, refuses a second manager changing a field, shares equal values, and force moves ownership', () => {
    const m = fm();
    let live = stored(m.apply(undefined, obj({ replicas: 1, image: 'a' }), 'alpha', false));
    expect(fields(live)).toEqual({ 'alpha/Apply': { 'f:spec': { 'f:image': {}, 'f:replicas': {} } } });
    const c = conflictOf(() => m.apply(live, obj({ replicas: 2 }), 'beta', false));
    expect(c).toEqual({ message: 'Apply failed with 1 conflict: conflict with "alpha": .spec.replicas', fields: ['.spec.replicas'] });
    live = stored(m.apply(live, obj({ image: 'a' }), 'beta', false));
    expect(fields(live)['beta/Apply']).toEqual({ 'f:spec': { 'f:image': {} } });
    expect(fields(live)['alpha/Apply']).toEqual({ 'f:spec': { 'f:image': {}, 'f:replicas': {} } });
    live = stored(m.apply(live, obj({ replicas: 2 }), 'beta', true));
    expect(live.spec).toEqual({ replicas: 2, image: 'a' });
    expect(fields(live)).toEqual({ 'alpha/Apply': { 'f:spec': { 'f:image': {} } }, 'beta/Apply': { 'f:spec': { 'f:replicas': {} } } });
  });

  it('removes a field the applier stopped applying unless another manager owns it', () => {
    const m = fm();
    let live = stored(m.apply(undefined, obj({ replicas: 1, image: 'a', args: ['x'] }), 'alpha', false));
    live = stored(m.apply(live, obj({ image: 'a' }), 'beta', false));
    live = stored(m.apply(live, obj({}), 'alpha', false));
    expect(live.spec).toEqual({ image: 'a' });
  });

  it('merges keyed lists item by item and sets by value; atomic lists and maps are replaced whole', () => {
    const m = fm();
    let live = stored(m.apply(undefined, obj({ env: [{ name: 'A', value: '1' }], tags: ['t1'], args: ['a', 'b'], selector: { a: '1' } }), 'alpha', false));
    live = stored(m.apply(live, obj({ env: [{ name: 'B', value: '2' }], tags: ['t2'] }), 'beta', false));
    expect(live.spec).toMatchObject({ env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], tags: ['t1', 't2'] });
    expect(fields(live)['beta/Apply']).toEqual({ 'f:spec': { 'f:env': { 'k:{"name":"B"}': { '.': {}, 'f:name': {}, 'f:value': {} } }, 'f:tags': { 'v:"t2"': {} } } });
    expect(conflictOf(() => m.apply(live, obj({ args: ['c'] }), 'beta', false)).fields).toEqual(['.spec.args']);
    expect(conflictOf(() => m.apply(live, obj({ selector: { b: '2' } }), 'beta', false)).fields).toEqual(['.spec.selector']);
  });

  it('counts update managers by what they changed, taking fields from appliers', () => {
    const m = fm();
    let live = stored(m.apply(undefined, obj({ replicas: 1, image: 'a' }), 'alpha', false));
    const next = structuredClone(live);
    (next.spec as { replicas: number }).replicas = 3;
    m.update(live, next, 'kubectl-edit');
    live = stored(next);
    expect(fields(live)).toEqual({ 'alpha/Apply': { 'f:spec': { 'f:image': {} } }, 'kubectl-edit/Update': { 'f:spec': { 'f:replicas': {} } } });
  });

  it('keeps status and spec ownership apart between the resource and its status subresource', () => {
    const m = fm();
    let live = stored(m.apply(undefined, obj({ replicas: 1 }), 'alpha', false));
    live = stored(m.apply(live, { apiVersion: gv, kind: 'Probe', metadata: { name: 'p' }, status: { phase: 'Up' } }, 'ctl', false, 'status'));
    expect(live.status).toEqual({ phase: 'Up' });
    expect(fields(live)['ctl/Apply/status']).toEqual({ 'f:status': { 'f:phase': {} } });
    // A main-resource apply that sets status owns nothing there.
    live = stored(m.apply(live, obj({ replicas: 1 }, { status: { phase: 'Down' } }), 'alpha', false));
    expect(fields(live)['alpha/Apply']).toEqual({ 'f:spec': { 'f:replicas': {} } });
  });

  it('gives an untracked object to before-first-apply on the first apply', () => {
    const live = stored(obj({ replicas: 1 }));
    const next = fm().apply(live, obj({ image: 'b' }), 'alpha', false);
    expect(fields(next)).toEqual({ 'alpha/Apply': { 'f:spec': { 'f:image': {} } }, 'before-first-apply/Update': { 'f:spec': { '.': {}, 'f:replicas': {} } } });
  });

  it('lets kubectl take fields client-side apply set when they still hold the last-applied values', () => {
    const m = fm();
    const annotations = { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(obj({ replicas: 1 })) };
    const created = obj({ replicas: 1 }, {});
    created.metadata!.annotations = annotations;
    m.update(undefined, created, 'kubectl-client-side-apply');
    const live = stored(created);
    const applied = obj({ replicas: 2 });
    const next = m.apply(live, applied, 'kubectl', false);
    expect(next.spec).toEqual({ replicas: 2 });
    expect(JSON.parse(next.metadata!.annotations!['kubectl.kubernetes.io/last-applied-configuration']!)).toEqual(applied);
    expect(conflictOf(() => m.apply(live, obj({ replicas: 2 }), 'other', false)).fields).toEqual(['.spec.replicas']);
  });

  it('clears managed fields when a write sends an empty list, and rejects managed fields in an apply', () => {
    const m = fm();
    const live = stored(m.apply(undefined, obj({ replicas: 1 }), 'alpha', false));
    const next = { ...structuredClone(live), metadata: { ...live.metadata, managedFields: [] } };
    m.update(live, next, 'x');
    expect(next.metadata.managedFields).toBeUndefined();
    const bad = obj({ replicas: 1 });
    bad.metadata!.managedFields = [];
    expect(() => m.apply(live, bad, 'alpha', false)).toThrow('metadata.managedFields must be nil');
    expect(() => m.apply(live, { ...obj({}), apiVersion: 'test.herd.io/v2' }, 'alpha', false)).toThrow('invalid object type: test.herd.io/v2, Kind=Probe');
  });

  it('folds the oldest update managers into ancient-changes beyond ten', () => {
    const m = fm();
    let live = stored(obj({}));
    for (let i = 0; i < 12; i++) {
      const next = structuredClone(live);
      next.metadata!.labels = { ...next.metadata!.labels, [`l${i}`]: 'x' };
      m.update(i === 0 ? undefined : live, next, `m${i}`);
      live = stored(next);
    }
    const entries = live.metadata!.managedFields ?? [];
    expect(entries).toHaveLength(10);
    expect(entries.filter((e) => e.manager === 'ancient-changes')).toHaveLength(1);
    const labels = entries.flatMap((e) => Object.keys(((e.fieldsV1 as Record<string, Record<string, object>>)['f:metadata']?.['f:labels'] ?? {}) as object));
    expect(new Set(labels.filter((l) => l !== '.'))).toEqual(new Set(Array.from({ length: 12 }, (_, i) => `f:l${i}`)));
  });
});
