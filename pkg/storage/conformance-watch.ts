import { describe, expect, it } from 'vitest';
import {
  expectCaughtUp,
  expectStorageError,
  keyFor,
  nextEvent,
  OTHER_RESOURCE,
  parse,
  RESOURCE,
  summarize,
  summarizeObject,
  takeEvents,
  within,
  type StorageUnderTest,
} from './conformance-fixture.js';
import type { ObjectEvent, WatchEvent } from './storage.js';

const objectEvent = (event: WatchEvent): ObjectEvent => {
  if (event.type === 'BOOKMARK') throw new Error(`expected an object event, got ${summarize(event)}`);
  return event;
};

/** Where a watch starts, what it replays, and how events reach many watchers. */
export function describeWatch(sut: StorageUnderTest): void {
  describe('watch', () => {
    it('from a resourceVersion, replays exactly the changes after it, then continues live', async () => {
      const a1 = await sut.create('ns1', 'a');
      const a2 = await sut.update('ns1', 'a', { replicas: 2 });
      const b = await sut.create('ns1', 'b');
      const gone = await sut.delete('ns1', 'a');
      const watch = await sut.storage.watch(keyFor('ns1', ''), { resourceVersion: a1.resourceVersion });
      const c = await sut.create('ns1', 'c');
      const events = (await takeEvents(watch, 4)).map(objectEvent);
      expect(events.map(summarize)).toEqual([
        `MODIFIED ${a2.key}@${a2.resourceVersion}`,
        `ADDED ${b.key}@${b.resourceVersion}`,
        `DELETED ${gone.key}@${gone.resourceVersion}`,
        `ADDED ${c.key}@${c.resourceVersion}`,
      ]);
      expect(events.map((event) => event.object)).toEqual([a2, b, gone, c]);
      expect(events[0]?.prevObject).toEqual(a1);
      expect(events[2]?.prevObject).toEqual(a2);
      await expectCaughtUp(watch, sut);
      watch.stop();
    });

    it('from the current revision with sendInitialEvents=false, sees only later changes', async () => {
      await sut.create('ns1', 'a');
      for (const from of ['unset', '0', 'current']) {
        const resourceVersion = from === 'unset' ? undefined : from === '0' ? '0' : await sut.revision();
        const watch = await sut.storage.watch(keyFor('ns1', ''), { resourceVersion, sendInitialEvents: false });
        const b = await sut.create('ns1', `b-${from}`);
        expect(summarize(await nextEvent(watch))).toBe(`ADDED ${b.key}@${b.resourceVersion}`);
        await expectCaughtUp(watch, sut);
        watch.stop();
      }
    });

    it('from unset or "0", starts with an ADDED for every existing object, then continues live', async () => {
      const b = await sut.create('ns1', 'b');
      const a = await sut.create('ns1', 'a');
      await sut.create('ns2', 'x');
      const a2 = await sut.update('ns1', 'a', { replicas: 2 });
      for (const resourceVersion of [undefined, '', '0']) {
        const watch = await sut.storage.watch(keyFor('ns1', ''), { resourceVersion });
        const c = await sut.create('ns1', `c${resourceVersion ?? 'u'}`);
        const events = await takeEvents(watch, 3);
        expect(events.map(summarize)).toEqual([
          `ADDED ${a.key}@${a2.resourceVersion}`,
          `ADDED ${b.key}@${b.resourceVersion}`,
          `ADDED ${c.key}@${c.resourceVersion}`,
        ]);
        await expectCaughtUp(watch, sut);
        watch.stop();
        await sut.storage.delete(c.key);
      }
    });

    it('with sendInitialEvents=true, sends the initial state, a bookmark at its revision, then live changes', async () => {
      const a = await sut.create('ns1', 'a');
      const b = await sut.create('ns1', 'b');
      const snapshot = await sut.revision();
      const watch = await sut.storage.watch(keyFor('ns1', ''), { sendInitialEvents: true, resourceVersion: a.resourceVersion });
      const c = await sut.create('ns1', 'c');
      expect((await takeEvents(watch, 4)).map(summarize)).toEqual([
        `ADDED ${a.key}@${a.resourceVersion}`,
        `ADDED ${b.key}@${b.resourceVersion}`,
        `BOOKMARK@${snapshot} end`,
        `ADDED ${c.key}@${c.resourceVersion}`,
      ]);
      watch.stop();
      const empty = await sut.storage.watch(keyFor('none', ''), { sendInitialEvents: true });
      expect(summarize(await nextEvent(empty))).toBe(`BOOKMARK@${await sut.revision()} end`);
      empty.stop();
    });

    it('ignores changes under other prefixes', async () => {
      const start = await sut.revision();
      const watch = await sut.storage.watch(keyFor('ns1', ''), { resourceVersion: start });
      await sut.create('ns10', 'a');
      await sut.create('ns2', 'a');
      await sut.create('ns1', 'a', {}, OTHER_RESOURCE);
      await sut.storage.create('/federation.herd.io/memberclusters/ns1', '{"metadata":{"name":"ns1"}}');
      const mine = await sut.create('ns1', 'a');
      await sut.create('ns11', 'a');
      expect(summarize(await nextEvent(watch))).toBe(`ADDED ${mine.key}@${mine.resourceVersion}`);
      await expectCaughtUp(watch, sut); // the bookmark moves on with the whole store
      watch.stop();
    });

    it('sends a DELETED event carrying the deleted object at the deletion resourceVersion', async () => {
      const watch = await sut.storage.watch(RESOURCE, { sendInitialEvents: false });
      const created = await sut.create('ns1', 'a', { labels: { app: 'a' } });
      const deleted = await sut.delete('ns1', 'a');
      const [added, removed] = (await takeEvents(watch, 2)).map(objectEvent);
      expect(added).toEqual({ type: 'ADDED', resourceVersion: created.resourceVersion, object: created });
      expect(removed).toMatchObject({ type: 'DELETED', resourceVersion: deleted.resourceVersion, object: deleted, prevObject: created });
      expect(parse(removed?.object.json ?? '{}').metadata.resourceVersion).toBe(deleted.resourceVersion);
      expect(removed?.object.labels).toBe(created.labels);
      watch.stop();
    });

    it('sends MODIFIED events carrying the previous object', async () => {
      const created = await sut.create('ns1', 'a', { labels: { tier: 'one' } });
      const watch = await sut.storage.watch(RESOURCE, { resourceVersion: created.resourceVersion });
      const updated = await sut.update('ns1', 'a', { labels: { tier: 'two' } });
      expect(await nextEvent(watch)).toEqual({ type: 'MODIFIED', resourceVersion: updated.resourceVersion, object: updated, prevObject: created });
      watch.stop();
    });

    it('fails a resourceVersion below the compacted revision with Expired, and starts from the compacted one', async () => {
      const a = await sut.create('ns1', 'a');
      const b = await sut.create('ns1', 'b');
      const c = await sut.create('ns1', 'c');
      await sut.storage.compact(Number(b.resourceVersion));
      await expectStorageError(sut.storage.watch(RESOURCE, { resourceVersion: a.resourceVersion }), 'Expired');
      const watch = await sut.storage.watch(RESOURCE, { resourceVersion: b.resourceVersion });
      expect(summarize(await nextEvent(watch))).toBe(`ADDED ${c.key}@${c.resourceVersion}`);
      watch.stop();
      await sut.storage.compact(Number(a.resourceVersion)); // below the compacted revision: a no-op
      expect(await sut.storage.compactedRevision()).toBe(Number(b.resourceVersion));
      await expectStorageError(sut.storage.compact(Number(c.resourceVersion) + 1), 'ResourceVersionTooLarge');
    });

    it('fails a resourceVersion newer than the store with ResourceVersionTooLarge', async () => {
      await sut.create('ns1', 'a');
      const future = String(Number(await sut.revision()) + 1);
      await expectStorageError(sut.storage.watch(RESOURCE, { resourceVersion: future }), 'ResourceVersionTooLarge');
      await expectStorageError(sut.storage.watch(RESOURCE, { resourceVersion: 'x1' }), 'InvalidResourceVersion');
    });

    it('delivers every change, in order, to each of many watchers', async () => {
      const start = await sut.revision();
      const all = await Promise.all(Array.from({ length: 20 }, () => sut.storage.watch(RESOURCE, { resourceVersion: start })));
      const ns1 = await Promise.all(Array.from({ length: 5 }, () => sut.storage.watch(keyFor('ns1', ''), { sendInitialEvents: false })));
      const expected: string[] = [];
      for (let i = 0; i < 60; i++) {
        const namespace = `ns${i % 3}`;
        const name = `o${i % 7}`;
        const exists = await sut.storage.get(keyFor(namespace, name)).then(() => true, () => false);
        let line: string;
        if (!exists) line = `ADDED ${summarizeObject(await sut.create(namespace, name))}`;
        else if (i % 2 === 0) line = `DELETED ${summarizeObject(await sut.delete(namespace, name))}`;
        else line = `MODIFIED ${summarizeObject(await sut.update(namespace, name, { replicas: i }))}`;
        expected.push(line);
      }
      const expectedNs1 = expected.filter((line) => line.includes(keyFor('ns1', '')));
      for (const watch of all) expect((await takeEvents(watch, expected.length)).map(summarize)).toEqual(expected);
      for (const watch of ns1) expect((await takeEvents(watch, expectedNs1.length)).map(summarize)).toEqual(expectedNs1);
      for (const watch of [...all, ...ns1]) {
        await expectCaughtUp(watch, sut);
        watch.stop();
      }
    });

    it('catches up from a long history and goes live without losing or repeating a change while writes continue', async () => {
      const start = await sut.revision();
      const expected: string[] = [];
      for (let i = 0; i < 300; i++) {
        expected.push(`ADDED ${summarizeObject(await sut.create('ns1', `o${i}`))}`);
        if (i % 10 === 0) await sut.create('ns2', `o${i}`);
      }
      // A small buffer: a backend that catches up in pages no larger than its buffer needs several pages here.
      const watch = await sut.storage.watch(keyFor('ns1', ''), { resourceVersion: start, bufferSize: 64 });
      const seen: string[] = [];
      while (seen.length < expected.length) {
        seen.push(summarize(await nextEvent(watch)));
        if (seen.length % 25 === 0) {
          expected.push(`MODIFIED ${summarizeObject(await sut.update('ns1', `o${seen.length % 300}`, { replicas: seen.length }))}`);
          await sut.create('ns2', `x${seen.length}`);
        }
      }
      expect(seen).toEqual(expected);
      await expectCaughtUp(watch, sut);
      watch.stop();
    });

    it('drops a watcher that falls behind with WatchOverflow, without holding up writers or other watchers', async () => {
      const slow = await sut.storage.watch(RESOURCE, { sendInitialEvents: false, bufferSize: 5 });
      const fast = await sut.storage.watch(RESOURCE, { sendInitialEvents: false, bufferSize: 5 });
      const written: string[] = [];
      for (let i = 0; i < 20; i++) {
        const created = await sut.create('ns1', `o${i}`);
        written.push(`ADDED ${created.key}@${created.resourceVersion}`);
        expect(summarize(await nextEvent(fast))).toBe(written[i]);
      }
      await expectStorageError(within(slow.next(), 'waiting for the overflow'), 'WatchOverflow');
      expect(await slow.next()).toEqual({ value: undefined, done: true });
      await expectCaughtUp(fast, sut);
      fast.stop();
    });

    it('ends iteration on stop(), and ends every watch when the storage closes', async () => {
      const watch = await sut.storage.watch(RESOURCE, { sendInitialEvents: false });
      const pending = watch.next();
      watch.stop();
      expect(await within(pending, 'waiting for stop')).toEqual({ value: undefined, done: true });
      watch.stop();

      const open = await sut.storage.watch(RESOURCE, { sendInitialEvents: false });
      const created = await sut.create('ns1', 'a');
      const seen: string[] = [];
      const consumed = (async () => {
        for await (const event of open) {
          seen.push(summarize(event));
          if (seen.length === 1) await sut.storage.close();
        }
      })();
      await within(consumed, 'waiting for close to end the watch');
      expect(seen).toEqual([`ADDED ${created.key}@${created.resourceVersion}`]);
      await sut.storage.close(); // idempotent
      await expectStorageError(sut.storage.get(created.key), 'Internal');
    });

    it('sends a requested BOOKMARK at the newest revision, also when only other prefixes changed', async () => {
      const watch = await sut.storage.watch(keyFor('ns1', ''), { sendInitialEvents: false });
      await sut.create('ns2', 'a');
      const last = await sut.create('ns2', 'b');
      watch.requestProgress();
      expect(await nextEvent(watch)).toEqual({ type: 'BOOKMARK', resourceVersion: last.resourceVersion });
      watch.stop();
    });
  });
}
