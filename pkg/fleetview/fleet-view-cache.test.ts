import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { thrownStatusError } from '../apimachinery/thrown-status-error.js';
import { isStatusError } from '../apimachinery/status-error.js';
import { configMap, DEFAULT_PRINTER, FakeTableMember, FakeViewMembers, startMembers } from './fake-table-member.fixture.js';
import { FleetViewCache, type CachedResourceRef, type FleetViewCacheOptions } from './fleet-view-cache.js';
import type { MergedResource, ViewEvent, ViewWatcher } from './merged-resource.js';

const CM = '/api/v1/configmaps';
const SECRETS = '/api/v1/secrets';
const configmaps: CachedResourceRef = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true };
const secrets: CachedResourceRef = { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true };

let m1: FakeTableMember;
let m2: FakeTableMember;
let members: FakeViewMembers;
let caches: FleetViewCache[];
let logs: string[];

function fleetCache(o: Partial<FleetViewCacheOptions> = {}): FleetViewCache {
  const c = new FleetViewCache({ members, log: (msg) => logs.push(msg), ...o });
  c.start();
  caches.push(c);
  return c;
}

function watcher(): ViewWatcher & { closed: string | undefined | null; events: ViewEvent[] } {
  const w = {
    closed: null as string | undefined | null,
    events: [] as ViewEvent[],
    deliver: (e: ViewEvent) => void w.events.push(e),
    close: (reason?: string) => void (w.closed = reason),
  };
  return w;
}

const caught = thrownStatusError;

const waitFor = (check: () => void, timeout = 3_000) => vi.waitFor(check, { timeout, interval: 5 });

/** The estimated size of a cache of `ref` over m1 as it is now (sizes depend on the objects only). */
async function sizeOf(ref: CachedResourceRef = configmaps): Promise<number> {
  const probe = new FleetViewCache({ members: new FakeViewMembers([m1]) });
  const c = probe.acquire(ref);
  await c.waitForSync(2_000);
  const bytes = probe.bytes;
  await probe.stop();
  return bytes;
}

beforeEach(async () => {
  [m1, m2] = await startMembers(['m1', 'm2'], { [CM]: DEFAULT_PRINTER, [SECRETS]: DEFAULT_PRINTER });
  m1.put(CM, configMap('ns', 'a', { k: 'x'.repeat(100) }));
  m1.put(SECRETS, configMap('ns', 's'));
  members = new FakeViewMembers([m1]);
  caches = [];
  logs = [];
});

afterEach(async () => {
  await Promise.all(caches.map((c) => c.stop()));
  await Promise.all([m1, m2].map((m) => m.close()));
});

describe('FleetViewCache', () => {
  it('starts one cache per resource on first use, and keeps it following the fleet', async () => {
    const fvc = fleetCache();
    const c = fvc.acquire(configmaps);
    expect(fvc.acquire(configmaps)).toBe(c);
    expect(fvc.acquire(secrets)).not.toBe(c);
    await c.waitForSync(2_000);
    expect(c.size).toBe(1);
    expect(fvc.bytes).toBeGreaterThan(0);

    m2.put(CM, configMap('ns', 'b'));
    members.set([m1, m2]);
    await c.waitForSync(2_000);
    expect([...c.sorted()].map((e) => `${e.cluster}/${e.name}`)).toEqual(['m1/a', 'm2/b']);
    members.set([m2]);
    expect([...c.sorted()].map((e) => `${e.cluster}/${e.name}`)).toEqual(['m2/b']);
  });

  it('drops idle caches first to make room for a new one', async () => {
    const size = await sizeOf();
    const fvc = fleetCache({ maxBytes: size });
    const idle = fvc.acquire(configmaps);
    await idle.waitForSync(2_000);
    expect(fvc.bytes).toBe(size);
    const s = fvc.acquire(secrets);
    await s.waitForSync(2_000);
    expect(fvc.bytes).toBe(s.estimatedBytes);
    expect(fvc.acquire(configmaps)).not.toBe(idle);
  });

  it('answers 503 naming the flag when the ceiling is reached and no cache is idle', async () => {
    const size = await sizeOf();
    const fvc = fleetCache({ maxBytes: size });
    const busy = fvc.acquire(configmaps);
    await busy.waitForSync(2_000);
    busy.watchNow(watcher());
    const err = caught(() => fvc.acquire(secrets));
    expect(err.code).toBe(503);
    expect(err.message).toContain('--fleet-cache-max-bytes');
    expect(fvc.acquire(configmaps)).toBe(busy);
  });

  it('makes room for a growing cache by dropping idle ones', async () => {
    const size = await sizeOf();
    // Room for both caches as they are, not for one more secret as big as the first.
    const fvc = fleetCache({ maxBytes: size + (await sizeOf(secrets)) + 10 });
    const idle = fvc.acquire(configmaps);
    await idle.waitForSync(2_000);
    const growing = fvc.acquire(secrets);
    await growing.waitForSync(2_000);
    const w = watcher();
    growing.watchNow(w);
    m1.put(SECRETS, configMap('ns', 't'));
    await waitFor(() => expect(growing.size).toBe(2));
    await waitFor(() => expect(fvc.acquire(configmaps)).not.toBe(idle));
    expect(w.closed).toBeNull();
    expect(fvc.acquire(secrets)).toBe(growing);
    expect(logs.filter((l) => l.includes('dropped'))).toEqual([]);
  });

  it('drops a cache that grows past the ceiling: its watchers end with the reason, a request waiting gets 503', async () => {
    const size = await sizeOf();
    await m2.stop();
    const fvc = fleetCache({ maxBytes: size + 100 });
    members.set([m1, m2]);
    const c = fvc.acquire(configmaps);
    // m2 is down: a list would wait for it.
    const waiting = c.waitForSync(5_000).catch((e: unknown) => e);
    await waitFor(() => expect(c.size).toBe(1));
    const w = watcher();
    c.watchNow(w);
    m1.put(CM, configMap('ns', 'b', { k: 'z'.repeat(500) }));
    await waitFor(() => expect(w.closed).toBeTypeOf('string'));
    expect(w.closed).toContain('--fleet-cache-max-bytes');
    expect(logs.some((l) => l.includes('configmaps was dropped'))).toBe(true);
    const err = await waiting;
    expect(isStatusError(err) && err.code).toBe(503);
    expect(fvc.bytes).toBe(0);
    expect(fvc.acquire(configmaps)).not.toBe(c);
  });

  it('stops every cache on stop', async () => {
    const fvc = fleetCache();
    const c: MergedResource = fvc.acquire(configmaps);
    const w = watcher();
    c.watchNow(w);
    await fvc.stop();
    expect(w.closed).toBeUndefined();
    expect(fvc.bytes).toBe(0);
    await waitFor(() => expect(m1.openWatches).toBe(0));
  });
});

describe('FleetViewCache idle sweep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stops a cache nobody used for idleMs, not while it has a watcher, and counts from the end of the watch', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    members = new FakeViewMembers([]);
    const fvc = fleetCache({ idleMs: 1_000 });
    const idle = fvc.acquire(configmaps);
    const watched = fvc.acquire(secrets);
    const w = watcher();
    watched.watchNow(w);
    // waitForSync answers at once for a live cache (it has no members here) and does not count as a use.
    const alive = (c: MergedResource) =>
      c.waitForSync(0).then(
        () => true,
        () => false,
      );

    vi.advanceTimersByTime(1_000);
    expect(await alive(idle)).toBe(true);
    vi.advanceTimersByTime(1_000);
    expect(await alive(idle)).toBe(false);
    expect(fvc.acquire(configmaps)).not.toBe(idle);

    vi.advanceTimersByTime(3_000);
    expect(await alive(watched)).toBe(true);
    expect(w.closed).toBeNull();
    watched.unwatch(w);
    vi.advanceTimersByTime(1_500);
    expect(await alive(watched)).toBe(true);
    vi.advanceTimersByTime(1_000);
    expect(await alive(watched)).toBe(false);
  });
});
