import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TableColumnDefinition } from '../apimachinery/table.js';
import type { ClusterClient } from '../members/cluster-client.js';
import { configMap, FakeTableMember } from './fake-table-member.fixture.js';
import { MemberTableInformer, type MemberEventType, type MemberItem } from './member-table-informer.js';

const CM = '/api/v1/configmaps';

interface Seen {
  readonly type: MemberEventType;
  readonly key: string;
  readonly rv: string | undefined;
  readonly item: MemberItem;
}

let member: FakeTableMember;
let informer: MemberTableInformer | undefined;
let seen: Seen[];
let columns: (readonly TableColumnDefinition[])[];
let syncs: number;
let logs: string[];

function startInformer(o: { pageSize?: number; known?: ReadonlyMap<string, string>; path?: string } = {}): MemberTableInformer {
  informer = new MemberTableInformer({
    cluster: member.name,
    client: member.client,
    path: o.path ?? CM,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    onEvent: (type, item) => seen.push({ type, key: `${item.object.metadata.namespace}/${item.object.metadata.name}`, rv: item.object.metadata.resourceVersion, item }),
    onColumns: (c) => columns.push(c),
    onSynced: () => syncs++,
    log: (msg) => logs.push(msg),
    ...(o.pageSize ? { pageSize: o.pageSize } : {}),
    ...(o.known ? { known: o.known } : {}),
  });
  informer.start();
  return informer;
}

const summary = (from = 0) => seen.slice(from).map((s) => `${s.type} ${s.key}`);
const lists = () => member.requests.filter((r) => !r.includes('watch=1'));
const watches = () => member.requests.filter((r) => r.includes('watch=1'));
const synced = async (n = 1) => vi.waitFor(() => expect(syncs).toBeGreaterThanOrEqual(n), { timeout: 3_000, interval: 5 });
const watching = async () => vi.waitFor(() => expect(member.openWatches).toBe(1), { timeout: 3_000, interval: 5 });

beforeEach(async () => {
  member = await new FakeTableMember('m1').start();
  member.serve(CM);
  seen = [];
  columns = [];
  syncs = 0;
  logs = [];
});

afterEach(async () => {
  await informer?.stop();
  informer = undefined;
  await member.close();
});

describe('MemberTableInformer', () => {
  it('lists in pages as a Table with the objects, then follows the watch from the list', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) member.put(CM, configMap('ns', n, { v: '1' }));
    startInformer({ pageSize: 2 });
    await synced();
    expect(summary()).toEqual(['ADDED ns/a', 'ADDED ns/b', 'ADDED ns/c', 'ADDED ns/d', 'ADDED ns/e']);
    expect(lists()).toHaveLength(3);
    expect(lists()[0]).toContain('limit=2&includeObject=Object');
    expect(lists()[1]).toContain('continue=');
    expect(columns[0]?.map((c) => c.name)).toEqual(['Name', 'Age']);
    // The row's cells come with the object, which is whole (data included).
    expect(seen[0]!.item.cells?.[0]).toBe('a');
    expect(seen[0]!.item.object.data).toEqual({ v: '1' });
    await watching();
    expect(watches()[0]).toContain(`resourceVersion=${member.resourceVersion}`);

    member.put(CM, configMap('ns', 'f'));
    member.put(CM, configMap('ns', 'a', { v: '2' }));
    member.remove(CM, 'ns', 'b');
    await vi.waitFor(() => expect(summary(5)).toEqual(['ADDED ns/f', 'MODIFIED ns/a', 'DELETED ns/b']), { timeout: 2_000, interval: 5 });
    expect(seen[6]!.item.object.data).toEqual({ v: '2' });
    expect(seen[6]!.item.cells?.[0]).toBe('a');
    // Columns come with the list pages and the first watch event only.
    expect(columns.length).toBeGreaterThanOrEqual(3);
    expect(syncs).toBe(1);
  });

  it('takes plain JSON from a member that cannot print the resource, completing apiVersion and kind', async () => {
    member.printsTables = false;
    member.put(CM, configMap('ns', 'a'));
    startInformer();
    await synced();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.item.cells).toBeUndefined();
    expect(seen[0]!.item.object).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    expect(columns).toEqual([]);
  });

  it('resumes a dropped watch where it stopped: only what changed comes, and nothing is listed again', async () => {
    for (const n of ['a', 'b', 'd']) member.put(CM, configMap('ns', n));
    startInformer();
    await synced();
    await watching();
    await member.stop();
    member.put(CM, configMap('ns', 'a', { v: '2' }));
    member.remove(CM, 'ns', 'b');
    member.put(CM, configMap('ns', 'c'));
    await member.start();
    await vi.waitFor(() => expect(summary(3)).toEqual(['MODIFIED ns/a', 'DELETED ns/b', 'ADDED ns/c']), { timeout: 3_000, interval: 5 });
    expect(lists()).toHaveLength(1);
    expect(syncs).toBe(1);
  });

  it('resumes from the last bookmark', async () => {
    member.serve('/api/v1/secrets');
    member.put(CM, configMap('ns', 'a'));
    startInformer();
    await synced();
    await watching();
    // Changes elsewhere move the member's resourceVersion on; a bookmark tells the informer.
    member.put('/api/v1/secrets', configMap('ns', 's'));
    member.bookmark();
    const bookmarked = member.resourceVersion;
    await vi.waitFor(() => expect(watches().length).toBe(1), { interval: 5 });
    await new Promise((r) => setTimeout(r, 20));
    member.dropWatches();
    await vi.waitFor(() => expect(watches().length).toBe(2), { timeout: 3_000, interval: 5 });
    expect(watches()[1]).toContain(`resourceVersion=${bookmarked}&`);
    expect(seen).toHaveLength(1);
  });

  it('after 410 Gone lists again and reports only the difference', async () => {
    for (const n of ['a', 'b', 'd']) member.put(CM, configMap('ns', n));
    startInformer();
    await synced();
    await watching();
    await member.stop();
    member.put(CM, configMap('ns', 'a', { v: '2' }));
    member.remove(CM, 'ns', 'b');
    member.put(CM, configMap('ns', 'c'));
    member.compact();
    await member.start();
    await synced(2);
    expect(summary(3)).toEqual(['MODIFIED ns/a', 'ADDED ns/c', 'DELETED ns/b']);
    expect(lists()).toHaveLength(2);
    await watching();
  });

  it('after a 410 ERROR event in the watch stream lists again and reports only the difference', async () => {
    member.goneAs = 'event';
    for (const n of ['a', 'b']) member.put(CM, configMap('ns', n));
    startInformer();
    await synced();
    await watching();
    member.dropWatches();
    member.remove(CM, 'ns', 'a');
    member.compact();
    await synced(2);
    expect(summary(2)).toEqual(['DELETED ns/a']);
  });

  it('starts the list over when the member compacts its snapshot between pages', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) member.put(CM, configMap('ns', n));
    let compacted = false;
    member.onRequest = (call) => {
      if (compacted || !call.includes('continue=')) return;
      compacted = true;
      member.compact();
    };
    startInformer({ pageSize: 2 });
    await synced();
    expect(compacted).toBe(true);
    expect(summary()).toEqual(['ADDED ns/a', 'ADDED ns/b', 'ADDED ns/c', 'ADDED ns/d', 'ADDED ns/e']);
    await watching();
  });

  it('takes a resource the member does not serve (404) as empty, and synced', async () => {
    startInformer({ path: '/apis/example.io/v1/widgets', known: new Map([['ns/old', '7']]) });
    await synced();
    expect(summary()).toEqual(['DELETED ns/old']);
    expect(member.openWatches).toBe(0);
  });

  it('reports every object DELETED when the member stops serving the resource while it is followed', async () => {
    for (const n of ['a', 'b']) member.put(CM, configMap('ns', n));
    startInformer();
    await synced();
    await watching();
    member.unserve(CM);
    await vi.waitFor(() => expect(summary(2)).toEqual(['DELETED ns/a', 'DELETED ns/b']), { timeout: 3_000, interval: 10 });
    expect(syncs).toBe(2);
  });

  it('seeded with known objects, reports only what differs from them', async () => {
    const a = member.put(CM, configMap('ns', 'a'));
    member.put(CM, configMap('ns', 'b'));
    member.put(CM, configMap('ns', 'c'));
    startInformer({ known: new Map([['ns/a', a.metadata.resourceVersion!], ['ns/b', '1'], ['ns/z', '1']]) });
    await synced();
    expect(summary()).toEqual(['MODIFIED ns/b', 'ADDED ns/c', 'DELETED ns/z']);
    expect([...informer!.keys()].sort()).toEqual(['ns/a', 'ns/b', 'ns/c']);
  });

  it('reports nothing after stop', async () => {
    member.put(CM, configMap('ns', 'a'));
    startInformer();
    await synced();
    await watching();
    await informer!.stop();
    member.put(CM, configMap('ns', 'b'));
    await new Promise((r) => setTimeout(r, 30));
    expect(summary()).toEqual(['ADDED ns/a']);
    expect(member.openWatches).toBe(0);
  });
});

describe('MemberTableInformer retrying a failing member', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps no abort listener per retry (a long outage does not leak)', async () => {
    vi.useFakeTimers();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    let calls = 0;
    const failing = {
      call: async () => {
        calls++;
        return { status: 500, body: '' };
      },
      stream: async () => {
        throw new Error('unreachable');
      },
    } as unknown as ClusterClient;
    const i = new MemberTableInformer({ cluster: 'm1', client: failing, path: CM, apiVersion: 'v1', kind: 'ConfigMap', onEvent: () => {} });
    i.start();
    for (let n = 0; n < 30; n++) await vi.advanceTimersByTimeAsync(11_000);
    await i.stop();
    process.off('warning', onWarning);
    expect(calls).toBeGreaterThanOrEqual(25);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
