import { describe, expect, it } from 'vitest';
import type { ObjectEvent, StoredObject, WatchEvent } from './storage.js';
import { expired, isStorageError } from './storage-error.js';
import { WatchHub } from './watch-hub.js';
import type { BacklogPage, Watcher } from './watcher.js';

let revision = 0;
function change(key: string): [number, ObjectEvent] {
  const rv = ++revision;
  const object: StoredObject = { key, json: '{}', resourceVersion: String(rv), name: 'n', namespace: '', labels: '{}' };
  return [rv, { type: 'ADDED', resourceVersion: String(rv), object }];
}

async function drain(watcher: Watcher, count: number): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  while (events.length < count) {
    const result = await watcher.next();
    if (result.done) throw new Error('ended early');
    events.push(result.value);
  }
  return events;
}

const rvs = (events: WatchEvent[]) => events.map((event) => event.resourceVersion);

describe('WatchHub and Watcher', () => {
  it('hands one event object to every watcher whose prefix matches', async () => {
    const hub = new WatchHub(0);
    const [a, b, other] = [hub.watch('/r/ns1/', 10), hub.watch('/r/', 10), hub.watch('/r/ns2/', 10)];
    const [rv, event] = change('/r/ns1/x');
    hub.publish(rv, event);
    expect((await a.next()).value).toBe(event);
    expect((await b.next()).value).toBe(event);
    other.requestProgress();
    expect((await other.next()).value).toEqual({ type: 'BOOKMARK', resourceVersion: String(rv) });
    expect(hub.size).toBe(3);
    hub.stopAll();
    expect(hub.size).toBe(0);
  });

  it('pulls its backlog page by page and goes live only when it reports caught up', async () => {
    const hub = new WatchHub(revision);
    const history = [change('/r/a'), change('/r/b'), change('/r/c')].map(([, event]) => event);
    const pages: BacklogPage[] = [
      { events: history.slice(0, 2), caughtUp: false },
      { events: history.slice(2), caughtUp: true },
    ];
    let pulls = 0;
    const watcher = hub.watch('/r/', 10, () => pages[pulls++] as BacklogPage);
    watcher.requestProgress(); // deferred until live
    expect(pulls).toBe(0);
    expect(rvs(await drain(watcher, 2))).toEqual(history.slice(0, 2).map((event) => event.resourceVersion));
    expect(pulls).toBe(1);
    expect(rvs(await drain(watcher, 2))).toEqual([history[2]?.resourceVersion, String(hub.revision)]);
    const [rv, live] = change('/r/d');
    hub.publish(rv, live);
    expect((await watcher.next()).value).toBe(live);
    watcher.stop();
  });

  it('drops a consumer that falls capacity events behind: the error comes once, then the end', async () => {
    const hub = new WatchHub(revision);
    const watcher = hub.watch('/r/', 3);
    for (let i = 0; i < 4; i++) hub.publish(...change('/r/x'));
    expect(hub.size).toBe(0);
    const failure = await watcher.next().catch((err: unknown) => err);
    expect(isStorageError(failure, 'WatchOverflow')).toBe(true);
    expect(await watcher.next()).toEqual({ value: undefined, done: true });
  });

  it('rejects a waiting consumer when the overflow happens while it waits', async () => {
    const hub = new WatchHub(revision);
    const watcher = hub.watch('/r/', 1);
    const first = watcher.next();
    hub.publish(...change('/r/x')); // goes straight to the waiting consumer
    expect((await first).done).toBe(false);
    hub.publish(...change('/r/x'));
    hub.publish(...change('/r/x'));
    expect(await watcher.next().catch((err: unknown) => isStorageError(err, 'WatchOverflow'))).toBe(true);
  });

  it('fails with the error its backlog throws, and with Internal for an empty page that is not caught up', async () => {
    const hub = new WatchHub(revision);
    const compacted = hub.watch('/r/', 10, () => {
      throw expired(1, 5);
    });
    expect(await compacted.next().catch((err: unknown) => isStorageError(err, 'Expired'))).toBe(true);
    expect((await compacted.next()).done).toBe(true);
    const stuck = hub.watch('/r/', 10, () => ({ events: [], caughtUp: false }));
    expect(await stuck.next().catch((err: unknown) => isStorageError(err, 'Internal'))).toBe(true);
    expect(hub.size).toBe(0);
  });

  it('resolves a pending next() as done on stop(), and stops receiving', async () => {
    const hub = new WatchHub(revision);
    const watcher = hub.watch('/r/', 10);
    const pending = watcher.next();
    watcher.stop();
    expect(await pending).toEqual({ value: undefined, done: true });
    hub.publish(...change('/r/x'));
    expect(await watcher.next()).toEqual({ value: undefined, done: true });
    expect(hub.size).toBe(0);
  });

  it('keeps order through a long queue', async () => {
    const hub = new WatchHub(revision);
    const watcher = hub.watch('/r/', 10_000);
    const published: string[] = [];
    for (let i = 0; i < 3_000; i++) {
      const [rv, event] = change('/r/x');
      hub.publish(rv, event);
      published.push(String(rv));
      if (i % 3 === 0) await watcher.next().then((r) => expect(r.value?.resourceVersion).toBe(published.shift()));
    }
    expect(rvs(await drain(watcher, published.length))).toEqual(published);
    watcher.stop();
  });
});
