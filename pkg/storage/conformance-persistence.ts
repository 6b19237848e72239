import { describe, expect, it } from 'vitest';
import { expectCaughtUp, keyFor, summarize, summarizeObject, takeEvents, type StorageUnderTest } from './conformance-fixture.js';
import type { Storage } from './storage.js';

/** For backends that keep data: what must survive closing the store and opening the same data again. */
export function describePersistence(sut: StorageUnderTest, reopen: (storage: Storage) => Promise<Storage>): void {
  describe('persistence across close and reopen', () => {
    it('keeps objects, the current revision and the compacted revision', async () => {
      const a = await sut.create('ns1', 'a', { labels: { app: 'a' } });
      await sut.create('ns1', 'b');
      await sut.update('ns1', 'b', { replicas: 4 });
      await sut.storage.compact(Number(a.resourceVersion));
      const gone = await sut.delete('ns1', 'b');
      const before = await sut.storage.list(keyFor('ns1', ''));

      const storage = await sut.reopen(reopen);
      expect(await storage.currentRevision()).toBe(Number(gone.resourceVersion));
      expect(await storage.compactedRevision()).toBe(Number(a.resourceVersion));
      expect(await storage.list(keyFor('ns1', ''))).toEqual(before);
      expect(await storage.get(a.key)).toEqual(a);
      const next = await sut.create('ns1', 'c');
      expect(Number(next.resourceVersion)).toBeGreaterThan(Number(gone.resourceVersion));
    });

    it('lets a watcher resume after a reopen from a resourceVersion it saw before', async () => {
      const seen = await sut.create('ns1', 'a');
      const watch = await sut.storage.watch(keyFor('ns1', ''), { resourceVersion: seen.resourceVersion });
      const expected = [
        `MODIFIED ${summarizeObject(await sut.update('ns1', 'a', { replicas: 2 }))}`,
        `ADDED ${summarizeObject(await sut.create('ns1', 'b'))}`,
      ];
      expect((await takeEvents(watch, 1)).map(summarize)).toEqual(expected.slice(0, 1));

      await sut.reopen(reopen);
      expect(await watch.next()).toEqual({ value: undefined, done: true });
      expected.push(`DELETED ${summarizeObject(await sut.delete('ns1', 'a'))}`);
      const resumed = await sut.storage.watch(keyFor('ns1', ''), { resourceVersion: seen.resourceVersion });
      expect((await takeEvents(resumed, 3)).map(summarize)).toEqual(expected);
      await expectCaughtUp(resumed, sut);
      resumed.stop();
    });

    it('honours a continue token issued before the reopen', async () => {
      for (const name of ['a', 'b', 'c']) await sut.create('ns1', name);
      const first = await sut.storage.list(keyFor('ns1', ''), { limit: 1 });
      const b = await sut.storage.get(keyFor('ns1', 'b'));
      await sut.update('ns1', 'b', { replicas: 9 });
      const storage = await sut.reopen(reopen);
      const rest = await storage.list(keyFor('ns1', ''), { limit: 5, continue: first.continue });
      expect(rest.resourceVersion).toBe(first.resourceVersion);
      expect(rest.items.map(summarizeObject)).toEqual([summarizeObject(b), `${keyFor('ns1', 'c')}@${Number(first.resourceVersion)}`]);
    });
  });
}
