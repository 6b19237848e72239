import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateBinaries } from '../../e2e/binaries/binary-locator.js';
import { etcdArgs } from '../../e2e/controlplane/component-args.js';
import { freePorts } from '../../e2e/controlplane/free-port.js';
import { startProcess, stopProcess, type ProcessRecord } from '../../e2e/controlplane/managed-process.js';
import { isHealthy } from '../../e2e/controlplane/tls-request.js';
import { waitUntil } from '../../e2e/controlplane/wait-until.js';
import { runStorageConformance } from './conformance.js';
import { expectStorageError, keyFor, nextEvent, objectJson, RESOURCE, summarize, summarizeObject, takeEvents } from './conformance-fixture.js';
import { EtcdStorage } from './etcd-storage.js';
import type { Storage, WatchEvent } from './storage.js';

// Runs against a real etcd, started once for this file on free ports in a scratch directory. CI builds the binary
// before the tests, so there the suite always runs; locally it is skipped, loudly, until `herd dev binaries` ran.
const binary = locateBinaries().find((location) => location.component.binary === 'etcd');
const skipReason = binary?.present ? undefined : `no etcd binary at ${binary?.path ?? '(unknown)'}; build it with \`herd dev binaries\``;
if (skipReason !== undefined) console.warn(`Skipping the etcd storage tests: ${skipReason}`);

describe.skipIf(skipReason !== undefined)(`etcd storage${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`, () => {
  let etcd: ProcessRecord | undefined;
  let scratch = '';
  let endpoint = '';
  const killEtcd = () => etcd !== undefined && process.kill(etcd.pid, 'SIGKILL');

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'herd-etcd-'));
    const [clientPort, peerPort] = (await freePorts(2)) as [number, number];
    endpoint = `http://127.0.0.1:${clientPort}`;
    etcd = startProcess({
      name: 'etcd',
      binary: binary?.path ?? 'etcd',
      args: etcdArgs({ dataDir: join(scratch, 'data'), clientPort, peerPort }),
      log: join(scratch, 'etcd.log'),
    });
    process.once('exit', killEtcd); // the child is detached: never leave it behind, even if afterAll does not run
    await waitUntil(etcd, () => isHealthy(`${endpoint}/health`, {}), 20_000);
  }, 30_000);

  afterAll(async () => {
    if (etcd !== undefined) await stopProcess(etcd, 5_000);
    process.off('exit', killEtcd);
    rmSync(scratch, { recursive: true, force: true });
  });

  let stores = 0;
  const newPrefix = () => `/herd-test-${++stores}`;
  const open = (prefix = newPrefix()) => new EtcdStorage({ endpoints: [endpoint], prefix });
  const reopen = async (storage: Storage) => {
    const { prefix } = storage as EtcdStorage;
    await storage.close();
    return open(prefix);
  };

  runStorageConformance('etcd', async () => open(), { reopen });

  describe('etcd backend', () => {
    it('lets two instances on one prefix see each other’s writes, in reads and in watches', async () => {
      const prefix = newPrefix();
      const [a, b] = [open(prefix), open(prefix)];
      const fromB = await b.watch(RESOURCE, { resourceVersion: String(await b.currentRevision()) });
      const fromA = await a.watch(RESOURCE, { sendInitialEvents: false });
      const created = await a.create(keyFor('ns1', 'x'), objectJson('ns1', 'x'));
      expect(await b.get(created.key)).toEqual(created);
      const updated = await b.update(created.key, objectJson('ns1', 'x', { replicas: 2 }), { expectedResourceVersion: created.resourceVersion });
      await expectStorageError(a.update(created.key, objectJson('ns1', 'x', { replicas: 3 }), { expectedResourceVersion: created.resourceVersion }), 'Conflict');
      await expectStorageError(b.create(created.key, objectJson('ns1', 'x')), 'KeyExists');
      const deleted = await a.delete(created.key, { expectedResourceVersion: updated.resourceVersion });
      for (const watch of [fromA, fromB]) {
        expect(await takeEvents(watch, 3)).toEqual([
          { type: 'ADDED', resourceVersion: created.resourceVersion, object: created },
          { type: 'MODIFIED', resourceVersion: updated.resourceVersion, object: updated, prevObject: created },
          { type: 'DELETED', resourceVersion: deleted.resourceVersion, object: deleted, prevObject: updated },
        ]);
      }
      expect(await b.list(RESOURCE)).toEqual({ items: [], resourceVersion: String(await a.currentRevision()) });
      await Promise.all([a.close(), b.close()]);
    });

    it('reads everything back through a new instance, which resumes a watch from a resourceVersion', async () => {
      const prefix = newPrefix();
      const first = open(prefix);
      const a = await first.create(keyFor('ns1', 'a'), objectJson('ns1', 'a', { labels: { app: 'a' } }));
      const b = await first.create(keyFor('ns1', 'b'), objectJson('ns1', 'b'));
      const b2 = await first.update(b.key, objectJson('ns1', 'b', { replicas: 5 }));
      const before = await first.list(RESOURCE);
      await first.close();

      const second = open(prefix);
      expect(await second.list(RESOURCE, { resourceVersion: before.resourceVersion, resourceVersionMatch: 'Exact' })).toEqual(before);
      expect(await second.get(a.key)).toEqual(a);
      const watch = await second.watch(RESOURCE, { resourceVersion: a.resourceVersion });
      const gone = await second.delete(a.key);
      expect((await takeEvents(watch, 3)).map(summarize)).toEqual([
        `ADDED ${summarizeObject(b)}`,
        `MODIFIED ${summarizeObject(b2)}`,
        `DELETED ${summarizeObject(gone)}`,
      ]);
      watch.stop();
      await second.close();
    });

    it('keeps stores with neighbouring prefixes apart', async () => {
      const prefix = newPrefix();
      const [one, other] = [open(prefix), open(`${prefix}0`)];
      const watch = await one.watch('', { sendInitialEvents: false });
      await other.create(keyFor('ns1', 'a'), objectJson('ns1', 'a'));
      const mine = await one.create(keyFor('ns1', 'a'), objectJson('ns1', 'a'));
      expect((await one.list('')).items).toEqual([mine]);
      expect(summarize(await nextEvent(watch))).toBe(`ADDED ${summarizeObject(mine)}`);
      watch.stop();
      await Promise.all([one.close(), other.close()]);
    });

    it('stores JSON without a resourceVersion and stamps the mod revision into what it reads', async () => {
      const prefix = newPrefix();
      const storage = open(prefix);
      const raw = new Etcd3({ hosts: endpoint });
      try {
        const created = await storage.create(keyFor('ns1', 'a'), objectJson('ns1', 'a', { resourceVersion: '12' }));
        const stored = await raw.get(prefix + created.key).string();
        expect(stored).toBe(created.json.replace(`"resourceVersion":"${created.resourceVersion}"`, '"resourceVersion":""'));

        // Written by someone else, without any resourceVersion: still read back stamped.
        await raw.put(prefix + keyFor('ns1', 'b')).value('{"metadata":{"name":"b","namespace":"ns1"}}');
        const b = await storage.get(keyFor('ns1', 'b'));
        expect(b.json).toBe(`{"metadata":{"name":"b","namespace":"ns1","resourceVersion":"${b.resourceVersion}"}}`);
        expect(b.resourceVersion).toBe(String(await storage.currentRevision()));
      } finally {
        raw.close();
        await storage.close();
      }
    });

    it('sees a compaction made by another etcd client', async () => {
      const storage = open();
      const raw = new Etcd3({ hosts: endpoint });
      try {
        const a = await storage.create(keyFor('ns1', 'a'), objectJson('ns1', 'a'));
        const b = await storage.create(keyFor('ns1', 'b'), objectJson('ns1', 'b'));
        await raw.kv.compact({ revision: b.resourceVersion });
        expect(await storage.compactedRevision()).toBe(Number(b.resourceVersion));
        await expectStorageError(storage.watch(RESOURCE, { resourceVersion: a.resourceVersion }), 'Expired');
        const exact = await expectStorageError(storage.list(RESOURCE, { resourceVersion: a.resourceVersion, resourceVersionMatch: 'Exact' }), 'Expired');
        expect(exact.actualResourceVersion).toBe(b.resourceVersion);
        await storage.compact(Number(a.resourceVersion)); // already compacted past it: a no-op
      } finally {
        raw.close();
        await storage.close();
      }
    });

    it('sends an initial state of several pages in key order, and answers a progress request only after it', async () => {
      const storage = open();
      const names = Array.from({ length: 1100 }, (_, i) => `o${String(i).padStart(4, '0')}`);
      for (let i = 0; i < names.length; i += 100) {
        await Promise.all(names.slice(i, i + 100).map((name) => storage.create(keyFor('ns1', name), objectJson('ns1', name))));
      }
      const watch = await storage.watch(keyFor('ns1', ''), { sendInitialEvents: true, bufferSize: 10 });
      watch.requestProgress();
      const events = await takeEvents(watch, names.length + 1);
      expect(events.slice(0, -1).map((event) => (event.type === 'BOOKMARK' ? 'BOOKMARK' : event.object.name))).toEqual(names);
      expect(events.at(-1)).toEqual({ type: 'BOOKMARK', resourceVersion: String(await storage.currentRevision()), initialEventsEnd: true });
      const bookmark = await takeEvents(watch, 1);
      expect(bookmark).toEqual([{ type: 'BOOKMARK', resourceVersion: String(await storage.currentRevision()) }]);
      watch.stop();

      // Later pages are read at the snapshot: compacting past it fails the watch with Expired.
      const listing = await storage.watch(keyFor('ns1', ''), { sendInitialEvents: true });
      await storage.create(keyFor('ns1', 'late'), objectJson('ns1', 'late'));
      await storage.compact(await storage.currentRevision());
      const seen: WatchEvent[] = [];
      const failure = await expectStorageError(
        (async () => {
          for (;;) seen.push(await nextEvent(listing));
        })(),
        'Expired',
      );
      expect(seen.length).toBeLessThan(names.length);
      expect(failure.message).toMatch(/too old resource version/);
      await storage.close();
    });
  });
});
