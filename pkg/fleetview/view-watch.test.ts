import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../../api/meta/object-meta.js';
import { isStatusError, type Status } from '../apimachinery/status-error.js';
import type { Table } from '../apimachinery/table.js';
import type { ClusterClient } from '../members/cluster-client.js';
import { configMap, FakeTableMember, pod, POD_PRINTER, scopeOf, startMembers, syncedResource } from './fake-table-member.fixture.js';
import { MergedResource } from './merged-resource.js';
import type { ViewEncoding } from './view-presenter.js';
import { viewList } from './view-list.js';
import { startViewWatch, type ViewWatchOptions, type WatchSink } from './view-watch.js';
import { parseViewToken } from './view-token.js';

const PODS = '/api/v1/pods';
const CM = '/api/v1/configmaps';
const ALL = ['m1', 'm2'];

interface WatchEvent {
  type: string;
  object: KubeObject & Partial<Table>;
}

/** A response stream: records what is written; while `blocked`, each write answers false until `drain()`. */
class Sink implements WatchSink {
  text = '';
  ended = 0;
  blocked = false;
  writes = 0;
  private drains: (() => void)[] = [];

  write(text: string): boolean {
    if (this.ended) throw new Error('write after end');
    this.text += text;
    this.writes++;
    return !this.blocked;
  }

  onceDrain(listener: () => void): void {
    this.drains.push(listener);
  }

  /** The buffer emptied: true when someone was waiting for it. */
  drain(): boolean {
    const d = this.drains;
    this.drains = [];
    for (const f of d) f();
    return d.length > 0;
  }

  end(): void {
    this.ended++;
  }

  events(): WatchEvent[] {
    return this.text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as WatchEvent);
  }

  /** `TYPE namespace/name` of each event (BOOKMARK with its resourceVersion). */
  lines(): string[] {
    return this.events().map((e) =>
      e.type === 'BOOKMARK' || e.type === 'ERROR'
        ? `${e.type}`
        : e.object.kind === 'Table'
          ? `${e.type} ${String(e.object.rows?.[0]?.cells[0])}`
          : `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`,
    );
  }
}

const json: ViewEncoding = { target: { mediaType: 'application/json' }, includeObject: 'Metadata' };

let m1: FakeTableMember;
let m2: FakeTableMember;
let pods: MergedResource;
let stops: (() => void)[];

function watch(o: Partial<ViewWatchOptions> = {}): { sink: Sink; stop: () => void; ended: () => number } {
  const sink = new Sink();
  let ended = 0;
  const w = startViewWatch({
    resource: pods,
    scope: scopeOf(ALL),
    encoding: json,
    resourceVersion: '',
    sendInitialEvents: false,
    allowBookmarks: false,
    timeoutMs: 10_000,
    sink,
    onEnd: () => ended++,
    ...o,
  });
  if (!('stop' in w)) throw new Error(`watch refused: ${w.message}`);
  stops.push(w.stop);
  return { sink, stop: w.stop, ended: () => ended };
}

function refused(o: Partial<ViewWatchOptions>): Status {
  const w = startViewWatch({ resource: pods, scope: scopeOf(ALL), encoding: json, resourceVersion: '', sendInitialEvents: false, allowBookmarks: false, timeoutMs: 10_000, sink: new Sink(), ...o });
  if ('stop' in w) {
    w.stop();
    throw new Error('watch started');
  }
  return w;
}

const waitFor = (check: () => void, timeout = 3_000) => vi.waitFor(check, { timeout, interval: 5 });
const seqOf = (token: string | undefined) => parseViewToken(token ?? '').seq;

beforeEach(async () => {
  [m1, m2] = await startMembers(['m1', 'm2'], { [PODS]: POD_PRINTER, [CM]: POD_PRINTER });
  m1.put(PODS, pod('a', 'web', { labels: { app: 'web' } }));
  m1.put(PODS, pod('a', 'db', { labels: { app: 'db' } }));
  m2.put(PODS, pod('b', 'api', { labels: { app: 'api' } }));
  pods = await syncedResource([m1, m2], 'pods', 'Pod');
  stops = [];
});

afterEach(async () => {
  for (const s of stops) s();
  await pods.stop();
  await Promise.all([m1, m2].map((m) => m.close()));
});

describe('startViewWatch', () => {
  it('starts with ADDED for every current object from "" and "0", then follows changes, each at its token', async () => {
    const a = watch({ resourceVersion: '' });
    const b = watch({ resourceVersion: '0', scope: scopeOf(ALL, { namespace: 'a' }) });
    expect(a.sink.lines()).toEqual(['ADDED a/db', 'ADDED a/web', 'ADDED b/api']);
    expect(b.sink.lines()).toEqual(['ADDED a/db', 'ADDED a/web']);
    m1.put(PODS, pod('a', 'new'));
    m1.put(PODS, pod('a', 'web', { labels: { app: 'web' }, phase: 'Failed' }));
    m2.remove(PODS, 'b', 'api');
    await waitFor(() => expect(a.sink.lines().slice(3)).toEqual(['ADDED a/new', 'MODIFIED a/web', 'DELETED b/api']));
    expect(b.sink.lines().slice(2)).toEqual(['ADDED a/new', 'MODIFIED a/web']);
    const live = a.sink.events().slice(3).map((e) => seqOf(e.object.metadata.resourceVersion));
    expect(live).toEqual([...live].sort((x, y) => x - y));
    expect(live.at(-1)).toBe(seqOf(pods.currentToken()));
    expect(a.sink.ended).toBe(0);
  });

  it('WatchList: ADDED for every object, then a bookmark marking the end of initial events, then changes', async () => {
    const at = pods.currentToken();
    const w = watch({ sendInitialEvents: true, allowBookmarks: true });
    expect(w.sink.lines()).toEqual(['ADDED a/db', 'ADDED a/web', 'ADDED b/api', 'BOOKMARK']);
    const bookmark = w.sink.events()[3]!.object;
    expect(bookmark).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: at, annotations: { 'k8s.io/initial-events-end': 'true' } } });
    m2.put(PODS, pod('b', 'api', { phase: 'Failed' }));
    await waitFor(() => expect(w.sink.lines().slice(4)).toEqual(['MODIFIED b/api']));
  });

  it('WatchList sends the initial-events-end bookmark only to a watch that allowed bookmarks', () => {
    const w = watch({ sendInitialEvents: true, allowBookmarks: false });
    expect(w.sink.lines()).toEqual(['ADDED a/db', 'ADDED a/web', 'ADDED b/api']);
  });

  it('WatchList from a resourceVersion still starts with every current object (NotOlderThan)', async () => {
    const token = pods.currentToken();
    m1.put(PODS, pod('a', 'later'));
    await waitFor(() => expect(pods.get('m1', 'a', 'later')).toBeDefined());
    const w = watch({ resourceVersion: token, sendInitialEvents: true, allowBookmarks: true });
    expect(w.sink.lines()).toEqual(['ADDED a/db', 'ADDED a/later', 'ADDED a/web', 'ADDED b/api', 'BOOKMARK']);
    // Even from a cache since restarted.
    const other = watch({ resourceVersion: 'otherEpoch.3', sendInitialEvents: true, allowBookmarks: true });
    expect(other.sink.lines()).toHaveLength(5);
  });

  it('resumes after a list token with exactly the events after it', async () => {
    const listed = JSON.parse([...viewList(pods, scopeOf(ALL), json)].join('')) as { metadata: { resourceVersion: string } };
    const token = listed.metadata.resourceVersion;
    m1.put(PODS, pod('a', 'new'));
    m1.remove(PODS, 'a', 'db');
    await waitFor(() => expect(pods.get('m1', 'a', 'db')).toBeUndefined());
    const w = watch({ resourceVersion: token });
    expect(w.sink.lines()).toEqual(['ADDED a/new', 'DELETED a/db']);
    const now = watch({ resourceVersion: pods.currentToken() });
    expect(now.sink.lines()).toEqual([]);
    m2.put(PODS, pod('b', 'x'));
    await waitFor(() => expect(now.sink.lines()).toEqual(['ADDED b/x']));
    expect(w.sink.lines().slice(2)).toEqual(['ADDED b/x']);
  });

  it('answers 410 to a token of another cache or older than the window, and 400 to a malformed one', async () => {
    const gone = refused({ resourceVersion: 'someOtherEpoch.2' });
    expect(gone).toMatchObject({ code: 410, reason: 'Expired' });
    expect(gone.message).toContain('too old resource version');

    const small = await syncedResource([m1, m2], 'pods', 'Pod', { window: 2 });
    try {
      const first = small.currentToken();
      // Three more events: the window keeps the last two, so a watch may resume after the one before them only.
      for (const n of ['x', 'y', 'z']) m1.put(PODS, pod('a', n));
      await waitFor(() => expect(small.size).toBe(6));
      expect(small.oldestResumable()).toBe(seqOf(first) + 1);
      expect(refused({ resource: small, resourceVersion: first })).toMatchObject({ code: 410 });
    } finally {
      await small.stop();
    }
    try {
      refused({ resourceVersion: 'not a token' });
      expect.unreachable();
    } catch (e) {
      expect(isStatusError(e) && e.code).toBe(400);
    }
  });

  it('sends ADDED to a watcher an object starts matching, and DELETED at the new token when it stops', async () => {
    const labels = watch({ scope: scopeOf(ALL, { labelSelector: 'app=web' }) });
    const fields = watch({ scope: scopeOf(ALL, { fieldSelector: 'status.phase=Running' }) });
    expect(labels.sink.lines()).toEqual(['ADDED a/web']);
    expect(fields.sink.lines()).toEqual(['ADDED a/db', 'ADDED a/web', 'ADDED b/api']);

    m1.put(PODS, pod('a', 'web', { labels: { app: 'other' }, phase: 'Failed' }));
    await waitFor(() => expect(labels.sink.lines().slice(1)).toEqual(['DELETED a/web']));
    expect(fields.sink.lines().slice(3)).toEqual(['DELETED a/web']);
    const before = seqOf(labels.sink.events()[0]!.object.metadata.resourceVersion);
    const deleted = labels.sink.events()[1]!.object;
    // The object as it was (its old labels), at the token of the change, so a client resumes after it.
    expect(deleted.metadata.labels?.app).toBe('web');
    expect(seqOf(deleted.metadata.resourceVersion)).toBe(seqOf(pods.currentToken()));
    expect(seqOf(deleted.metadata.resourceVersion)).toBeGreaterThan(before);

    m1.put(PODS, pod('a', 'web', { labels: { app: 'other' }, phase: 'Pending' }));
    m1.put(PODS, pod('a', 'web', { labels: { app: 'web' }, phase: 'Running' }));
    await waitFor(() => expect(labels.sink.lines().slice(2)).toEqual(['ADDED a/web']));
    expect(fields.sink.lines().slice(4)).toEqual(['ADDED a/web']);
    m1.put(PODS, pod('a', 'web', { labels: { app: 'web', v: '2' } }));
    await waitFor(() => expect(labels.sink.lines().slice(3)).toEqual(['MODIFIED a/web']));
  });

  it('sends a change of served name as DELETED then ADDED', async () => {
    const w = watch({ scope: scopeOf(ALL, { namespace: 'a' }) });
    m2.put(PODS, pod('a', 'web'));
    await waitFor(() => expect(w.sink.lines().slice(2)).toEqual(['DELETED a/web', 'ADDED a/web@m1', 'ADDED a/web@m2']));
    const only = watch({ scope: scopeOf(['m2'], { fieldSelector: 'metadata.name=web@m2' }) });
    expect(only.sink.lines()).toEqual(['ADDED a/web@m2']);
  });

  it('sends bookmarks at the interval, at the current token', async () => {
    const w = watch({ resourceVersion: pods.currentToken(), allowBookmarks: true, bookmarkIntervalMs: 20 });
    await waitFor(() => expect(w.sink.lines().filter((l) => l === 'BOOKMARK').length).toBeGreaterThanOrEqual(2));
    const b = w.sink.events()[0]!.object;
    expect(b).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: pods.currentToken() } });
    const none = watch({ resourceVersion: pods.currentToken(), allowBookmarks: false, bookmarkIntervalMs: 20 });
    await new Promise((r) => setTimeout(r, 60));
    expect(none.sink.lines()).toEqual([]);
  });

  it('writes only when the sink has room, and still delivers everything in order', async () => {
    for (let i = 0; i < 1_500; i++) m1.put(CM, configMap('big', `cm-${String(i).padStart(4, '0')}`, { v: 'x'.repeat(400) }));
    const cms = await syncedResource([m1], 'configmaps', 'ConfigMap');
    try {
      const sink = new Sink();
      sink.blocked = true;
      const w = startViewWatch({ resource: cms, scope: scopeOf(['m1']), encoding: json, resourceVersion: '', sendInitialEvents: true, allowBookmarks: true, timeoutMs: 10_000, sink });
      if (!('stop' in w)) throw new Error('refused');
      stops.push(w.stop);
      // One batch out, then it waits for room.
      expect(sink.writes).toBe(1);
      const firstWrite = sink.text.length;
      expect(firstWrite).toBeLessThan(cms.size * 400);
      // Changes while the initial objects wait come after them, in their order.
      m1.put(CM, configMap('big', 'cm-0000', { v: 'changed' }));
      m1.put(CM, configMap('big', 'zzz'));
      m1.remove(CM, 'big', 'cm-0001');
      await waitFor(() => expect(cms.get('m1', 'big', 'cm-0001')).toBeUndefined());
      let rounds = 0;
      while (sink.drain()) rounds++;
      expect(rounds).toBeGreaterThan(1);
      // One batch per round (the last round found nothing left to write).
      expect(sink.writes).toBe(rounds);
      const lines = sink.lines();
      expect(lines).toHaveLength(1_500 + 1 + 3);
      expect(lines.slice(0, 1_500)).toEqual(Array.from({ length: 1_500 }, (_, i) => `ADDED big/cm-${String(i).padStart(4, '0')}`));
      expect(lines.slice(1_500)).toEqual(['BOOKMARK', 'MODIFIED big/cm-0000', 'ADDED big/zzz', 'DELETED big/cm-0001']);
      // Once drained, writes go straight through.
      sink.blocked = false;
      m1.put(CM, configMap('big', 'after'));
      await waitFor(() => expect(sink.lines().at(-1)).toBe('ADDED big/after'));
      expect(sink.drain()).toBe(false);
    } finally {
      await cms.stop();
    }
  });

  it('ends with an ERROR event carrying the reason when the cache stops, then ends once', async () => {
    const w = watch();
    const blocked = new Sink();
    blocked.blocked = true;
    let blockedEnded = 0;
    const b = startViewWatch({ resource: pods, scope: scopeOf(ALL), encoding: json, resourceVersion: '', sendInitialEvents: false, allowBookmarks: false, timeoutMs: 10_000, sink: blocked, onEnd: () => blockedEnded++ });
    expect('stop' in b).toBe(true);
    await pods.stop('the cache was dropped');
    for (const [sink, ended] of [
      [w.sink, w.ended()],
      [blocked, blockedEnded],
    ] as const) {
      const events = sink.events();
      expect(events.at(-1)).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 500, reason: 'InternalError' } });
      expect(events.at(-1)!.object.message).toContain('the cache was dropped');
      expect(sink.ended).toBe(1);
      expect(ended).toBe(1);
    }
    w.stop();
    expect(w.ended()).toBe(1);
    expect(pods.watcherCount).toBe(0);
  });

  it('ends at its timeout, or when stopped, and stops watching the cache', async () => {
    const timed = watch({ timeoutMs: 20 });
    const stopped = watch();
    expect(pods.watcherCount).toBe(2);
    stopped.stop();
    expect(stopped.sink.ended).toBe(1);
    expect(pods.watcherCount).toBe(1);
    await waitFor(() => expect(timed.sink.ended).toBe(1));
    expect(pods.watcherCount).toBe(0);
    expect(timed.sink.events().every((e) => e.type === 'ADDED')).toBe(true);
  });

  it('sends Table events: the first with the column definitions, later ones with null', async () => {
    const table: ViewEncoding = { target: { mediaType: 'application/json', as: 'Table' }, includeObject: 'Object' };
    const w = watch({ encoding: table, scope: scopeOf(ALL, { namespace: 'a' }) });
    const resumed = watch({ encoding: { ...table, includeObject: 'None' }, resourceVersion: pods.currentToken() });
    m1.put(PODS, pod('a', 'web', { phase: 'Failed' }));
    await waitFor(() => expect(w.sink.lines()).toEqual(['ADDED db', 'ADDED web', 'MODIFIED web']));
    await waitFor(() => expect(resumed.sink.lines()).toEqual(['MODIFIED web']));
    const events = w.sink.events();
    expect(events[0]!.object.columnDefinitions?.map((c) => c.name)).toEqual(['Name', 'Cluster', 'Ready', 'Status', 'Restarts', 'Age', 'IP']);
    expect(events.slice(1).map((e) => e.object.columnDefinitions)).toEqual([null, null]);
    expect(events[2]!.object.rows?.[0]?.cells.slice(0, 4)).toEqual(['web', 'm1', '1/1', 'Failed']);
    expect(events[2]!.object.rows?.[0]?.object).toMatchObject({ kind: 'Pod', metadata: { name: 'web', labels: { 'herd.io/cluster': 'm1' } } });
    expect(events[2]!.object.metadata.resourceVersion).toBe(pods.currentToken());
    const first = resumed.sink.events()[0]!.object;
    expect(first.columnDefinitions).toHaveLength(7);
    expect(first.rows?.[0]).toEqual({ cells: expect.any(Array) as unknown });
  });
});

describe('startViewWatch of a large resource', () => {
  it('starts a slow watcher on more current objects than a watcher may have queued (64 MiB)', async () => {
    // 24 objects of 3.3 MB: more than 64 MiB in all. A member stand-in answers the list at once and holds the watch.
    const big = 'x'.repeat(3_300_000);
    const rows = Array.from({ length: 24 }, (_, i) => `{"cells":[],"object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"namespace":"big","name":"cm-${String(i).padStart(2, '0')}","resourceVersion":"${i + 1}"},"data":{"v":"${big}"}}}`);
    const body = `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"100"},"columnDefinitions":[],"rows":[${rows.join(',')}]}`;
    const client = {
      call: async () => ({ status: 200, body }),
      stream: (_path: string, signal: AbortSignal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    } as unknown as ClusterClient;
    const cms = new MergedResource({ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, fields: [] });
    try {
      cms.setMembers([{ name: 'm1', client, ready: true }]);
      expect(await cms.waitForSync(5_000)).toEqual([]);
      let written = 0;
      let count = 0;
      let ended = false;
      const drains: (() => void)[] = [];
      const sink: WatchSink = {
        write: (text) => {
          written += text.length;
          count += text.split('\n').length - 1;
          return false;
        },
        onceDrain: (listener) => void drains.push(listener),
        end: () => void (ended = true),
      };
      const w = startViewWatch({ resource: cms, scope: scopeOf(['m1']), encoding: json, resourceVersion: '', sendInitialEvents: false, allowBookmarks: false, timeoutMs: 10_000, sink });
      if (!('stop' in w)) throw new Error('refused');
      while (drains.length > 0) drains.shift()!();
      expect(ended).toBe(false);
      expect(count).toBe(24);
      expect(written).toBeGreaterThan(64 * 1024 * 1024);
      w.stop();
    } finally {
      await cms.stop();
    }
  });
});
