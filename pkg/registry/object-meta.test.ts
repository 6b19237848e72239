import { describe, expect, it } from 'vitest';
import { fillCreateSystemFields, generateName, nowTimestamp, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

describe('object metadata', () => {
  it('generates names with a five-character suffix from the upstream alphabet', () => {
    const name = generateName('web-');
    expect(name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(generateName('x'.repeat(70))).toHaveLength(63);
  });

  it('fills system fields on create and clears the ones a client may not set', () => {
    const meta: Record<string, unknown> = { name: 'a', resourceVersion: '5', deletionTimestamp: 'x', uid: 'mine' };
    fillCreateSystemFields(meta, new Date('2026-01-02T03:04:05.678Z'));
    expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.uid).not.toBe('mine');
    expect(meta).toMatchObject({ name: 'a', generation: 1, creationTimestamp: '2026-01-02T03:04:05Z' });
    expect(meta).not.toHaveProperty('resourceVersion');
    expect(meta).not.toHaveProperty('deletionTimestamp');
    expect(nowTimestamp(new Date('2026-01-02T03:04:05.999Z'))).toBe('2026-01-02T03:04:05Z');
  });

  it.each([
    [{ name: 'W_5', namespace: 'd' }, true, ['metadata.name']],
    [{ namespace: 'd' }, true, ['metadata.name']],
    [{ name: 'a' }, true, ['metadata.namespace']],
    [{ name: 'a', namespace: 'd' }, false, ['metadata.namespace']],
    [{ name: 'a', namespace: 'd', labels: { 'bad key!': 'v', ok: 'bad value!' } }, true, ['metadata.labels', 'metadata.labels[ok]']],
    [{ name: 'a', namespace: 'd', finalizers: ['orphan', 'foregroundDeletion'] }, true, ['metadata.finalizers']],
    [{ name: 'ok.name', namespace: 'd', labels: { 'app.kubernetes.io/name': 'web' }, finalizers: ['x.io/y'] }, true, []],
  ])('validates %j (namespaced %s) with errors at %j', (meta, namespaced, fields) => {
    expect(validateObjectMeta(meta, namespaced).map((e) => e.field)).toEqual(fields);
  });

  it('refuses changes to immutable metadata on update', () => {
    const old = { name: 'a', namespace: 'd', uid: 'u1', creationTimestamp: 't' };
    expect(validateObjectMetaUpdate({ ...old }, old)).toEqual([]);
    const errors = validateObjectMetaUpdate({ ...old, uid: 'u2', name: 'b', deletionTimestamp: 'now' }, old);
    expect(errors.map(String)).toEqual([
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
      'metadata.deletionTimestamp: Invalid value: "now": field is immutable; may only be changed via deletion',
    ]);
  });
});
