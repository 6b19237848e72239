import { describe, expect, it } from 'vitest';
import {
  expectStorageError,
  keyFor,
  OTHER_RESOURCE,
  RESOURCE,
  summarizeObject,
  type StorageUnderTest,
} from './conformance-fixture.js';
import type { ListResult, StoredObject } from './storage.js';

/** Reads every page of a list, checking that each page carries the first page's revision. */
async function listAll(sut: StorageUnderTest, prefix: string, limit: number): Promise<{ pages: ListResult[]; items: StoredObject[] }> {
  const pages = [await sut.storage.list(prefix, { limit })];
  for (let page = pages[0]; page?.continue !== undefined; ) {
    page = await sut.storage.list(prefix, { limit, continue: page.continue });
    pages.push(page);
  }
  for (const page of pages) expect(page.resourceVersion).toBe(pages[0]?.resourceVersion);
  return { pages, items: pages.flatMap((page) => page.items) };
}

/** Prefix scans, snapshots, pagination and how list resourceVersions are interpreted. */
export function describeList(sut: StorageUnderTest): void {
  describe('list', () => {
    it('lists the keys under a prefix, in key order, at the current revision', async () => {
      const a = await sut.create('ns1', 'a');
      await sut.create('ns10', 'a');
      const c = await sut.create('ns1', 'c');
      await sut.create('ns2', 'b');
      const b = await sut.create('ns1', 'b');
      await sut.create('ns1', 'x', {}, OTHER_RESOURCE);

      const ns1 = await sut.storage.list(keyFor('ns1', ''));
      expect(ns1.items).toEqual([a, b, c]);
      expect(ns1.resourceVersion).toBe(await sut.revision());
      expect(ns1.continue).toBeUndefined();
      expect(ns1.remainingItemCount).toBeUndefined();
      expect((await sut.storage.list(RESOURCE)).items.map((item) => item.key)).toEqual(
        ['ns1/a', 'ns1/b', 'ns1/c', 'ns10/a', 'ns2/b'].map((k) => RESOURCE + k),
      );
    });

    it('returns no items, at the current revision, for an empty prefix', async () => {
      await sut.create('ns1', 'a');
      const empty = await sut.storage.list(keyFor('nothing-here', ''));
      expect(empty).toEqual({ items: [], resourceVersion: await sut.revision() });
    });

    it('pages with limit and continue; every page is read at the first page revision', async () => {
      const created: StoredObject[] = [];
      for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) created.push(await sut.create('ns1', name));
      const { pages, items } = await listAll(sut, keyFor('ns1', ''), 3);
      expect(pages.map((page) => page.items.length)).toEqual([3, 3, 1]);
      expect(pages.map((page) => page.remainingItemCount)).toEqual([4, 1, undefined]);
      expect(pages[2]?.continue).toBeUndefined();
      expect(items).toEqual(created);
      const exact = await listAll(sut, keyFor('ns1', ''), 7);
      expect(exact.pages).toHaveLength(1);
    });

    it('keeps later pages consistent with the snapshot of the first while writes continue', async () => {
      const before = new Map<string, StoredObject>();
      for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) before.set(name, await sut.create('ns1', name, { replicas: 1 }));
      const prefix = keyFor('ns1', '');
      const first = await sut.storage.list(prefix, { limit: 2 });
      expect(first.items.map((item) => item.name)).toEqual(['a', 'b']);

      await sut.update('ns1', 'a', { replicas: 2 }); // already returned
      await sut.update('ns1', 'd', { replicas: 2 }); // not yet returned
      await sut.update('ns1', 'd', { replicas: 3 });
      await sut.delete('ns1', 'c');
      await sut.delete('ns1', 'e');
      await sut.create('ns1', 'bb'); // created after the snapshot, inside the remaining range
      await sut.create('ns1', 'g');
      await sut.delete('ns1', 'g');
      await sut.create('ns1', 'h');

      const second = await sut.storage.list(prefix, { limit: 2, continue: first.continue });
      expect(second.resourceVersion).toBe(first.resourceVersion);
      expect(second.items).toEqual([before.get('c'), before.get('d')]);
      expect(second.remainingItemCount).toBe(2);
      const third = await sut.storage.list(prefix, { limit: 2, continue: second.continue });
      expect(third.items).toEqual([before.get('e'), before.get('f')]);
      expect(third.continue).toBeUndefined();

      const now = await sut.storage.list(prefix);
      expect(now.items.map((item) => `${item.name}:${JSON.parse(item.json).spec.replicas}`)).toEqual([
        'a:2', 'b:1', 'bb:1', 'd:3', 'f:1', 'h:1',
      ]);
    });

    it('reads the state at exactly a past revision with resourceVersionMatch=Exact', async () => {
      const a1 = await sut.create('ns1', 'a', { replicas: 1 });
      const a2 = await sut.update('ns1', 'a', { replicas: 2 });
      const b = await sut.create('ns1', 'b');
      const deleted = await sut.delete('ns1', 'a');
      await sut.create('ns1', 'c');
      const at = async (rv: string) => {
        const result = await sut.storage.list(keyFor('ns1', ''), { resourceVersion: rv, resourceVersionMatch: 'Exact' });
        expect(result.resourceVersion).toBe(rv);
        return result.items.map(summarizeObject);
      };
      expect(await at(a1.resourceVersion)).toEqual([summarizeObject(a1)]);
      expect(await at(a2.resourceVersion)).toEqual([summarizeObject(a2)]);
      expect(await at(b.resourceVersion)).toEqual([summarizeObject(a2), summarizeObject(b)]);
      expect(await at(deleted.resourceVersion)).toEqual([summarizeObject(b)]);
      const paged = await sut.storage.list(keyFor('ns1', ''), { resourceVersion: b.resourceVersion, resourceVersionMatch: 'Exact', limit: 1 });
      expect(paged.items).toEqual([a2]);
      const rest = await sut.storage.list(keyFor('ns1', ''), { limit: 1, continue: paged.continue });
      expect(rest).toEqual({ items: [b], resourceVersion: b.resourceVersion });
    });

    it('serves a not-older-than resourceVersion from the current state, and refuses one from the future', async () => {
      const a = await sut.create('ns1', 'a');
      await sut.create('ns1', 'b');
      const current = await sut.revision();
      for (const resourceVersion of ['', '0', a.resourceVersion, current]) {
        const result = await sut.storage.list(keyFor('ns1', ''), { resourceVersion, resourceVersionMatch: resourceVersion ? 'NotOlderThan' : undefined });
        expect(result.resourceVersion).toBe(current);
        expect(result.items).toHaveLength(2);
      }
      const future = String(Number(current) + 1);
      await expectStorageError(sut.storage.list(keyFor('ns1', ''), { resourceVersion: future }), 'ResourceVersionTooLarge');
      await expectStorageError(sut.storage.list(keyFor('ns1', ''), { resourceVersion: future, resourceVersionMatch: 'Exact' }), 'ResourceVersionTooLarge');
    });

    it('fails a continue token or an Exact list below the compacted revision with Expired', async () => {
      for (const name of ['a', 'b', 'c']) await sut.create('ns1', name);
      const first = await sut.storage.list(keyFor('ns1', ''), { limit: 1 });
      await sut.update('ns1', 'b', { replicas: 7 });
      await sut.storage.compact(await sut.storage.currentRevision());
      const token = await expectStorageError(sut.storage.list(keyFor('ns1', ''), { limit: 1, continue: first.continue }), 'Expired');
      expect(token.fromContinue).toBe(true);
      const exact = await expectStorageError(
        sut.storage.list(keyFor('ns1', ''), { resourceVersion: first.resourceVersion, resourceVersionMatch: 'Exact' }),
        'Expired',
      );
      expect(exact).toMatchObject({ fromContinue: false, resourceVersion: first.resourceVersion });
      const fresh = await listAll(sut, keyFor('ns1', ''), 1);
      expect(fresh.items.map((item) => item.name)).toEqual(['a', 'b', 'c']);
    });

    it('keeps a snapshot at or after the compacted revision readable', async () => {
      await sut.create('ns1', 'a');
      await sut.create('ns1', 'b');
      const first = await sut.storage.list(keyFor('ns1', ''), { limit: 1 });
      await sut.update('ns1', 'b', { replicas: 7 });
      await sut.storage.compact(Number(first.resourceVersion));
      expect(await sut.storage.compactedRevision()).toBe(Number(first.resourceVersion));
      const second = await sut.storage.list(keyFor('ns1', ''), { limit: 1, continue: first.continue });
      expect(JSON.parse(second.items[0]?.json ?? '{}').spec.replicas).toBe(1);
    });

    it('refuses continue tokens it did not issue, and a continue combined with a resourceVersion', async () => {
      for (const name of ['a', 'b']) await sut.create('ns1', name);
      const first = await sut.storage.list(keyFor('ns1', ''), { limit: 1 });
      const bogus = ['%%%', 'e30', Buffer.from('{"v":"other","rv":1,"after":"a"}').toString('base64url')];
      for (const token of bogus) await expectStorageError(sut.storage.list(keyFor('ns1', ''), { continue: token }), 'InvalidContinue');
      await expectStorageError(
        sut.storage.list(keyFor('ns1', ''), { continue: first.continue, resourceVersion: first.resourceVersion }),
        'InvalidContinue',
      );
      const second = await sut.storage.list(keyFor('ns1', ''), { continue: first.continue, resourceVersion: '0' });
      expect(second.items.map((item) => item.name)).toEqual(['b']);
    });

    it('refuses resourceVersions that are not decimal revisions with InvalidResourceVersion', async () => {
      for (const resourceVersion of ['abc', '-1', '01', '1.5', ' 1']) {
        await expectStorageError(sut.storage.list(RESOURCE, { resourceVersion }), 'InvalidResourceVersion');
      }
      await expectStorageError(sut.storage.list(RESOURCE, { resourceVersion: '0', resourceVersionMatch: 'Exact' }), 'InvalidResourceVersion');
    });
  });
}
