import { describe, expect, it } from 'vitest';
import {
  expectCaughtUp,
  expectStorageError,
  keyFor,
  objectJson,
  OTHER_RESOURCE,
  parse,
  type StorageUnderTest,
} from './conformance-fixture.js';

/** Create, get, update, delete; preconditions; how resourceVersions are assigned and stamped. */
export function describeCrud(sut: StorageUnderTest): void {
  describe('create, get, update, delete', () => {
    it('creates an object and stamps its resourceVersion into the stored JSON', async () => {
      const created = await sut.create('ns1', 'a', { labels: { app: 'web' }, replicas: 3 });
      expect(created.resourceVersion).toMatch(/^[1-9][0-9]*$/);
      expect(created).toMatchObject({ key: keyFor('ns1', 'a'), name: 'a', namespace: 'ns1' });
      expect(JSON.parse(created.labels)).toEqual({ app: 'web' });
      const stored = parse(created);
      expect(stored.metadata.resourceVersion).toBe(created.resourceVersion);
      delete stored.metadata.resourceVersion;
      expect(stored).toEqual(parse(objectJson('ns1', 'a', { labels: { app: 'web' }, replicas: 3 })));
      expect(await sut.storage.get(keyFor('ns1', 'a'))).toEqual(created);
      expect(await sut.revision()).toBe(created.resourceVersion);
    });

    it('replaces whatever resourceVersion the caller sent', async () => {
      const created = await sut.create('ns1', 'a', { resourceVersion: '999' });
      expect(parse(created).metadata.resourceVersion).toBe(created.resourceVersion);
      expect(created.resourceVersion).not.toBe('999');
    });

    it('stamps cluster-scoped objects, objects without labels, and JSON with whitespace and escapes', async () => {
      const clusterScoped = await sut.storage.create('/federation.herd.io/memberclusters/m1', '{"metadata":{"name":"m1"}}');
      expect(clusterScoped).toMatchObject({ name: 'm1', namespace: '', labels: '{}' });
      expect(clusterScoped.json).toBe(`{"metadata":{"name":"m1","resourceVersion":"${clusterScoped.resourceVersion}"}}`);

      const tricky =
        '{ "spec" : {"metadata": {"resourceVersion": "7"}, "note": "\\"resourceVersion\\": \\"1\\" }{"},' +
        ' "metadata" : { "name" : "caf\\u00e9", "labels" : {"a\\"b": "c"}, "resourceVersion" : null } , "status": [1, {"x": "]"}] }';
      const stored = await sut.storage.create(keyFor('ns1', 'café'), tricky);
      const expected = JSON.parse(tricky) as { metadata: { resourceVersion: unknown } };
      expected.metadata.resourceVersion = stored.resourceVersion;
      expect(JSON.parse(stored.json)).toEqual(expected);
      expect(stored.json).toBe(tricky.replace('"resourceVersion" : null', `"resourceVersion" : "${stored.resourceVersion}"`));
      expect(stored.name).toBe('café');
      expect(JSON.parse(stored.labels)).toEqual({ 'a"b': 'c' });
    });

    it('refuses JSON that is not an object with metadata.name, with InvalidObject', async () => {
      const revision = await sut.revision();
      for (const json of ['[]', 'not json', '{"kind":"X"}', '{"metadata":[]}', '{"metadata":{"namespace":"a"}}', '{"metadata":{"name":7}}']) {
        await expectStorageError(sut.storage.create(keyFor('ns1', 'bad'), json), 'InvalidObject');
      }
      expect(await sut.revision()).toBe(revision);
    });

    it('fails a create of an existing key with KeyExists and writes nothing', async () => {
      const first = await sut.create('ns1', 'a', { replicas: 1 });
      await expectStorageError(sut.create('ns1', 'a', { replicas: 2 }), 'KeyExists');
      expect(await sut.storage.get(keyFor('ns1', 'a'))).toEqual(first);
      expect(await sut.revision()).toBe(first.resourceVersion);
    });

    it('fails a get of a missing key with KeyNotFound', async () => {
      await expectStorageError(sut.storage.get(keyFor('ns1', 'missing')), 'KeyNotFound');
    });

    it('updates an object at a new, higher resourceVersion', async () => {
      const created = await sut.create('ns1', 'a', { replicas: 1 });
      const updated = await sut.update('ns1', 'a', { replicas: 2, labels: { tier: 'x' } });
      expect(Number(updated.resourceVersion)).toBeGreaterThan(Number(created.resourceVersion));
      expect(parse(updated)).toMatchObject({ metadata: { resourceVersion: updated.resourceVersion }, spec: { replicas: 2 } });
      expect(JSON.parse(updated.labels)).toEqual({ tier: 'x' });
      expect(await sut.storage.get(keyFor('ns1', 'a'))).toEqual(updated);
    });

    it('checks expectedResourceVersion on update: a match succeeds, anything else is a Conflict', async () => {
      const created = await sut.create('ns1', 'a', { replicas: 1 });
      const key = keyFor('ns1', 'a');
      const updated = await sut.storage.update(key, objectJson('ns1', 'a', { replicas: 2 }), {
        expectedResourceVersion: created.resourceVersion,
      });
      for (const stale of [created.resourceVersion, '0', 'x']) {
        await expectStorageError(sut.storage.update(key, objectJson('ns1', 'a', { replicas: 3 }), { expectedResourceVersion: stale }), 'Conflict');
      }
      expect(await sut.storage.get(key)).toEqual(updated);
    });

    it('fails an update of a missing key with KeyNotFound', async () => {
      await expectStorageError(sut.update('ns1', 'missing'), 'KeyNotFound');
    });

    it('treats an update that changes nothing as a no-op: same resourceVersion, no event', async () => {
      const created = await sut.create('ns1', 'a', { replicas: 1 });
      const watch = await sut.storage.watch(keyFor('ns1', ''), { resourceVersion: created.resourceVersion });
      const again = await sut.storage.update(created.key, created.json);
      const sameWithoutRv = await sut.update('ns1', 'a', { replicas: 1, resourceVersion: created.resourceVersion });
      expect(again).toEqual(created);
      expect(sameWithoutRv).toEqual(created);
      expect(await sut.revision()).toBe(created.resourceVersion);
      await expectCaughtUp(watch, sut);
      watch.stop();
    });

    it('deletes an object and returns its last state at the deletion resourceVersion', async () => {
      await sut.create('ns1', 'a', { replicas: 1 });
      const updated = await sut.update('ns1', 'a', { replicas: 2, labels: { app: 'a' } });
      const deleted = await sut.delete('ns1', 'a');
      expect(Number(deleted.resourceVersion)).toBeGreaterThan(Number(updated.resourceVersion));
      expect(deleted).toMatchObject({ key: updated.key, name: 'a', namespace: 'ns1', labels: updated.labels });
      const body = parse(deleted);
      expect(body.metadata.resourceVersion).toBe(deleted.resourceVersion);
      expect(body.spec.replicas).toBe(2);
      expect(await sut.revision()).toBe(deleted.resourceVersion);
      await expectStorageError(sut.storage.get(updated.key), 'KeyNotFound');
      await expectStorageError(sut.storage.delete(updated.key), 'KeyNotFound');
    });

    it('checks expectedResourceVersion on delete and keeps the object on a Conflict', async () => {
      const created = await sut.create('ns1', 'a');
      const updated = await sut.update('ns1', 'a', { replicas: 5 });
      await expectStorageError(sut.storage.delete(created.key, { expectedResourceVersion: created.resourceVersion }), 'Conflict');
      expect(await sut.storage.get(created.key)).toEqual(updated);
      const deleted = await sut.storage.delete(created.key, { expectedResourceVersion: updated.resourceVersion });
      expect(parse(deleted).spec.replicas).toBe(5);
    });

    it('can create a key again after deleting it', async () => {
      await sut.create('ns1', 'a', { replicas: 1 });
      const deleted = await sut.delete('ns1', 'a');
      const recreated = await sut.create('ns1', 'a', { replicas: 9 });
      expect(Number(recreated.resourceVersion)).toBeGreaterThan(Number(deleted.resourceVersion));
      expect(parse(await sut.storage.get(recreated.key)).spec.replicas).toBe(9);
    });

    it('assigns resourceVersions from one increasing sequence across keys and prefixes', async () => {
      const start = Number(await sut.revision());
      const rvs = [
        (await sut.create('ns1', 'a')).resourceVersion,
        (await sut.create('ns2', 'b', {}, OTHER_RESOURCE)).resourceVersion,
        (await sut.update('ns1', 'a', { replicas: 2 })).resourceVersion,
        (await sut.storage.create('/federation.herd.io/memberclusters/m1', '{"metadata":{"name":"m1"}}')).resourceVersion,
        (await sut.delete('ns1', 'a')).resourceVersion,
        (await sut.create('ns1', 'a')).resourceVersion,
      ].map(Number);
      expect(rvs[0]).toBeGreaterThan(start);
      for (let i = 1; i < rvs.length; i++) expect(rvs[i]).toBeGreaterThan(rvs[i - 1] as number);
      expect(await sut.revision()).toBe(String(rvs[rvs.length - 1]));
    });

    it('fails a get at a resourceVersion newer than the store with ResourceVersionTooLarge', async () => {
      const created = await sut.create('ns1', 'a');
      expect(await sut.storage.get(created.key, { resourceVersion: created.resourceVersion })).toEqual(created);
      expect(await sut.storage.get(created.key, { resourceVersion: '0' })).toEqual(created);
      await expectStorageError(sut.storage.get(created.key, { resourceVersion: String(Number(created.resourceVersion) + 10) }), 'ResourceVersionTooLarge');
      await expectStorageError(sut.storage.get(created.key, { resourceVersion: 'abc' }), 'InvalidResourceVersion');
    });
  });
}
