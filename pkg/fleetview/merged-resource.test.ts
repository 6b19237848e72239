import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../../api/meta/object-meta.js';
import { isStatusError } from '../apimachinery/status-error.js';
import { configMap, DEFAULT_PRINTER, FakeTableMember, startMembers } from './fake-table-member.fixture.js';
import { MergedResource, sortKeyOf, type MergedResourceOptions, type ViewEvent, type ViewWatcher } from './merged-resource.js';
import { selectableFields } from './selectable-fields.js';
import { parseViewToken } from './view-token.js';

const CM = '/api/v1/configmaps';

let m1: FakeTableMember;
let m2: FakeTableMember;
let m3: FakeTableMember;
let cache: MergedResource | undefined;

function configmaps(o: Partial<MergedResourceOptions> = {}): MergedResource {
  cache = new MergedResource({ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, fields: selectableFields('', 'configmaps', true), ...o });
  return cache;
}

/** A watcher that records what it is told. */
function recorder(): ViewWatcher & { events: ViewEvent[]; closed: string | undefined | null; lines: () => string[] } {
  const r = {
    events: [] as ViewEvent[],
    closed: null as string | undefined | null,
    deliver(e: ViewEvent) {
      r.events.push(e);
    },
    close(reason?: string) {
      r.closed = reason;
    },
    lines: () => r.events.map((e) => `${e.type} ${e.entry.namespace}/${e.entry.servedName}`),
  };
  return r;
}

const objectOf = (json: string) => JSON.parse(json) as KubeObject;
const waitFor = (check: () => void, timeout = 3_000) => vi.waitFor(check, { timeout, interval: 5 });

beforeEach(async () => {
  [m1, m2, m3] = await startMembers(['m1', 'm2', 'm3'], { [CM]: DEFAULT_PRINTER });
});

afterEach(async () => {
  await cache?.stop();
  cache = undefined;
  await Promise.all([m1, m2, m3].map((m) => m.close()));
});

describe('MergedResource', () => {
  it('stamps the origin as label and annotation, and serves the token as resourceVersion', async () => {
    m1.put(CM, configMap('ns', 'a', { k: 'v' }, { app: 'web' }));
    const c = configmaps();
    c.setMembers([m1.member()]);
    expect(await c.waitForSync(2_000)).toEqual([]);
    const [e] = c.lookup('ns', 'a');
    expect(e).toMatchObject({ cluster: 'm1', namespace: 'ns', name: 'a', servedName: 'a', labels: { app: 'web', 'herd.io/cluster': 'm1' } });
    const object = objectOf(e!.json);
    expect(object.metadata.labels).toEqual({ app: 'web', 'herd.io/cluster': 'm1' });
    expect(object.metadata.annotations).toEqual({ 'herd.io/cluster': 'm1' });
    expect(object.metadata.resourceVersion).toBe(e!.token);
    expect(e!.memberVersion).toBe(m1.list(CM)[0]!.metadata.resourceVersion);
    expect(object.data).toEqual({ k: 'v' });
    expect(c.apiVersion).toBe('v1');
  });

  it('serves a name in several members as name@cluster, renaming with DELETED then ADDED both ways', async () => {
    m1.put(CM, configMap('ns', 'web'));
    const c = configmaps();
    const w = recorder();
    c.watchNow(w);
    c.setMembers([m1.member(), m2.member()]);
    await c.waitForSync(2_000);
    expect(w.lines()).toEqual(['ADDED ns/web']);

    m2.put(CM, configMap('ns', 'web'));
    await waitFor(() => expect(w.lines().slice(1)).toEqual(['DELETED ns/web', 'ADDED ns/web@m1', 'ADDED ns/web@m2']));
    expect(w.events[1]!.entry.cluster).toBe('m1');
    expect(c.lookup('ns', 'web').map((e) => e.servedName)).toEqual(['web@m1', 'web@m2']);
    expect(objectOf(c.get('m1', 'ns', 'web')!.json).metadata.name).toBe('web@m1');
    // The member's own cells follow the served name.
    expect(c.get('m2', 'ns', 'web')!.servedName).toBe('web@m2');

    m3.put(CM, configMap('ns', 'web'));
    c.setMembers([m1.member(), m2.member(), m3.member()]);
    await waitFor(() => expect(w.lines().slice(4)).toEqual(['ADDED ns/web@m3']));

    m1.remove(CM, 'ns', 'web');
    await waitFor(() => expect(w.lines().slice(5)).toEqual(['DELETED ns/web@m1']));
    m3.remove(CM, 'ns', 'web');
    await waitFor(() => expect(w.lines().slice(6)).toEqual(['DELETED ns/web@m3', 'DELETED ns/web@m2', 'ADDED ns/web']));
    expect(w.events.at(-1)!.entry.cluster).toBe('m2');
    expect(c.lookup('ns', 'web').map((e) => e.servedName)).toEqual(['web']);
    expect(objectOf(c.get('m2', 'ns', 'web')!.json).metadata.name).toBe('web');
  });

  it('stamps every event and its object with an increasing token, the position after it', async () => {
    m1.put(CM, configMap('ns', 'a'));
    m2.put(CM, configMap('ns', 'a'));
    const c = configmaps();
    const w = recorder();
    c.watchNow(w);
    c.setMembers([m1.member(), m2.member()]);
    await c.waitForSync(2_000);
    m1.put(CM, configMap('ns', 'a', { v: '2' }));
    m2.remove(CM, 'ns', 'a');
    await waitFor(() => expect(w.events.length).toBe(8));
    const seqs = w.events.map((e) => e.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const e of w.events) {
      expect(parseViewToken(e.token)).toEqual({ epoch: c.epoch, seq: e.seq });
      expect(e.entry.token).toBe(e.token);
      expect(objectOf(e.entry.json).metadata.resourceVersion).toBe(e.token);
    }
    expect(c.currentToken()).toBe(`${c.epoch}.8`);
    // The MODIFIED carries the entry it replaced.
    const modified = w.events.find((e) => e.type === 'MODIFIED')!;
    expect(modified.prev?.memberVersion).not.toBe(modified.entry.memberVersion);
  });

  it('replays the events after a position, and refuses one the window no longer holds', async () => {
    const c = configmaps({ window: 3 });
    c.setMembers([m1.member()]);
    await c.waitForSync(2_000);
    for (const n of ['a', 'b']) m1.put(CM, configMap('ns', n));
    await waitFor(() => expect(c.size).toBe(2));
    const mark = parseViewToken(c.currentToken()).seq;
    expect(mark).toBe(2);
    expect(c.watchFrom(recorder(), 0)?.map((e) => e.seq)).toEqual([1, 2]);
    m1.put(CM, configMap('ns', 'c'));
    m1.put(CM, configMap('ns', 'a', { v: '2' }));
    await waitFor(() => expect(parseViewToken(c.currentToken()).seq).toBe(4));
    const w = recorder();
    expect(c.watchFrom(w, mark)?.map((e) => `${e.seq} ${e.type} ${e.entry.name}`)).toEqual(['3 ADDED c', '4 MODIFIED a']);
    expect(c.watchFrom(recorder(), 4)).toEqual([]);
    // Events 2..4 are kept: a watch may resume after 1, not after 0 (its event 1 is gone), nor from the future.
    expect(c.oldestResumable()).toBe(1);
    expect(c.watchFrom(recorder(), 1)?.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(c.watchFrom(recorder(), 0)).toBeUndefined();
    expect(c.watchFrom(recorder(), 5)).toBeUndefined();
    // And the registered watcher hears what comes next.
    m1.remove(CM, 'ns', 'b');
    await waitFor(() => expect(w.lines()).toEqual(['DELETED ns/b']));
  });

  it('sends DELETED for every object of a member that leaves, and ADDED for one that joins', async () => {
    m1.put(CM, configMap('ns', 'shared'));
    m2.put(CM, configMap('ns', 'shared'));
    m2.put(CM, configMap('ns', 'only2'));
    const c = configmaps();
    c.setMembers([m1.member(), m2.member()]);
    await c.waitForSync(2_000);
    const w = recorder();
    c.watchNow(w);
    c.setMembers([m1.member()]);
    expect(w.lines()).toEqual(['DELETED ns/only2', 'DELETED ns/shared@m2', 'DELETED ns/shared@m1', 'ADDED ns/shared']);
    expect(c.size).toBe(1);
    await waitFor(() => expect(m2.openWatches).toBe(0));

    m3.put(CM, configMap('ns', 'three'));
    c.setMembers([m1.member(), m3.member()]);
    await c.waitForSync(2_000);
    expect(w.lines().slice(4)).toEqual(['ADDED ns/three']);
  });

  it('does not send ADDED again when a member gets a new client (its informer restarts)', async () => {
    for (const n of ['a', 'b', 'c']) m1.put(CM, configMap('ns', n));
    const c = configmaps();
    c.setMembers([m1.member()]);
    await c.waitForSync(2_000);
    await waitFor(() => expect(m1.openWatches).toBe(1));
    const w = recorder();
    c.watchNow(w);
    m1.put(CM, configMap('ns', 'a', { v: '2' }));
    m1.remove(CM, 'ns', 'b');
    m1.newClient();
    c.setMembers([m1.member()]);
    expect(c.unsynced()).toEqual(['m1']);
    expect(await c.waitForSync(2_000)).toEqual([]);
    await waitFor(() => expect(w.lines()).toEqual(['MODIFIED ns/a', 'DELETED ns/b']));
    await waitFor(() => expect(m1.openWatches).toBe(1));
    m1.put(CM, configMap('ns', 'd'));
    await waitFor(() => expect(w.lines().slice(2)).toEqual(['ADDED ns/d']));
  });

  it('orders entries by namespace, name, then cluster, and starts past a position', async () => {
    m2.put(CM, configMap('b', 'x'));
    m1.put(CM, configMap('b', 'x'));
    m1.put(CM, configMap('a', 'z'));
    m2.put(CM, configMap('a', 'y'));
    m1.put(CM, configMap('b', 'w'));
    const c = configmaps();
    c.setMembers([m2.member(), m1.member()]);
    await c.waitForSync(2_000);
    const order = [...c.sorted()].map((e) => `${e.namespace}/${e.name}/${e.cluster}`);
    expect(order).toEqual(['a/y/m2', 'a/z/m1', 'b/w/m1', 'b/x/m1', 'b/x/m2']);
    const third = [...c.sorted()][2]!;
    expect([...c.sorted(sortKeyOf(third))].map((e) => `${e.namespace}/${e.name}/${e.cluster}`)).toEqual(['b/x/m1', 'b/x/m2']);
    // A position whose entry is gone still works: it is a place in the order, not an entry.
    expect([...c.sorted(sortKeyOf({ namespace: 'b', name: 'wa', cluster: 'zz' }))].map((e) => e.cluster)).toEqual(['m1', 'm2']);
    expect([...c.sorted(sortKeyOf({ namespace: 'c', name: '', cluster: '' }))]).toEqual([]);
    // The order follows changes.
    m3.put(CM, configMap('a', 'z'));
    c.setMembers([m1.member(), m2.member(), m3.member()]);
    await c.waitForSync(2_000);
    expect([...c.sorted()].map((e) => `${e.namespace}/${e.name}/${e.cluster}`).slice(0, 3)).toEqual(['a/y/m2', 'a/z/m1', 'a/z/m3']);
  });

  it('takes the Table columns of the first member, in name order, that sent them', async () => {
    m1.printsTables = false;
    const c = configmaps();
    c.setMembers([m1.member(), m2.member()]);
    await c.waitForSync(2_000);
    expect(c.columns()?.map((col) => col.name)).toEqual(['Name', 'Age']);
  });

  it('leaves out a member that cannot be read in time, and waits for the others', async () => {
    await m2.stop();
    m1.put(CM, configMap('ns', 'a'));
    const c = configmaps();
    c.setMembers([m1.member(), m2.member()]);
    const started = Date.now();
    expect(await c.waitForSync(300)).toEqual(['m2']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(c.unsynced()).toEqual(['m2']);
    expect(c.size).toBe(1);
  });

  it('ends its watchers with the reason when stopped, releases its size at once, and answers 503 to a request waiting for it', async () => {
    await m2.stop();
    m1.put(CM, configMap('ns', 'a'));
    let size = 0;
    const c = configmaps({ onSize: (d) => (size += d) });
    c.setMembers([m1.member(), m2.member()]);
    const waiting = c.waitForSync(5_000);
    await waitFor(() => expect(c.size).toBe(1));
    expect(size).toBe(c.estimatedBytes);
    expect(size).toBeGreaterThan(0);
    const w = recorder();
    c.watchNow(w);
    const stopped = c.stop('too big');
    expect(size).toBe(0);
    expect(w.closed).toBe('too big');
    expect(c.watcherCount).toBe(0);
    const err = await waiting.catch((e: unknown) => e);
    expect(isStatusError(err) && err.code).toBe(503);
    expect(String((err as Error).message)).toContain('too big');
    await stopped;
    // An entry being read still reads as it was.
    expect(c.lookup('ns', 'a')).toHaveLength(1);
    await expect(c.waitForSync(10)).rejects.toThrow(/stopped/);
  });

  it('counts the idle time from the end of the last watch', async () => {
    const c = configmaps();
    c.lastUsed = 0;
    const w = recorder();
    c.watchNow(w);
    c.unwatch(w);
    expect(Date.now() - c.lastUsed).toBeLessThan(1_000);
  });
});
