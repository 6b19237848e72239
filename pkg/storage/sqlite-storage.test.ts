import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStorageConformance } from './conformance.js';
import { expectStorageError, keyFor, objectJson, within } from './conformance-fixture.js';
import { SqliteStorage } from './sqlite-storage.js';

const scratch = mkdtempSync(join(tmpdir(), 'herd-sqlite-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(scratch, `store-${++files}.db`);

runStorageConformance('sqlite :memory:', async () => new SqliteStorage({ path: ':memory:' }));

runStorageConformance('sqlite file', async () => new SqliteStorage({ path: newFile() }), {
  reopen: async (storage) => {
    const path = (storage as SqliteStorage).path;
    await storage.close();
    return new SqliteStorage({ path });
  },
});

describe('sqlite storage', () => {
  it('runs in WAL mode and refuses a second opener of the same file', async () => {
    const path = newFile();
    const storage = new SqliteStorage({ path });
    await storage.create(keyFor('ns1', 'a'), objectJson('ns1', 'a'));
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(() => new SqliteStorage({ path })).toThrow(/in use by another process/);
    await storage.close();
    const reopened = new SqliteStorage({ path });
    expect((await reopened.get(keyFor('ns1', 'a'))).name).toBe('a');
    await reopened.close();
  });

  it('fails a watcher still catching up when compaction passes its position, with Expired', async () => {
    const storage = new SqliteStorage({ path: ':memory:' });
    const first = await storage.create(keyFor('ns1', 'a'), objectJson('ns1', 'a'));
    await storage.create(keyFor('ns1', 'b'), objectJson('ns1', 'b'));
    const replaying = await storage.watch(keyFor('ns1', ''), { resourceVersion: first.resourceVersion });
    const listing = await storage.watch(keyFor('ns1', ''), { sendInitialEvents: true });
    await storage.create(keyFor('ns1', 'c'), objectJson('ns1', 'c'));
    await storage.compact(await storage.currentRevision());
    await expectStorageError(within(replaying.next(), 'replaying'), 'Expired');
    await expectStorageError(within(listing.next(), 'listing'), 'Expired');
    await storage.close();
  });

  it('compacts a long history in batches and keeps the window after it usable', async () => {
    const storage = new SqliteStorage({ path: ':memory:' });
    for (let i = 0; i < 4500; i++) await storage.create(keyFor('ns1', `o${i}`), objectJson('ns1', `o${i}`));
    const watchFrom = String((await storage.currentRevision()) - 1);
    await storage.compact((await storage.currentRevision()) - 1);
    const watch = await storage.watch(keyFor('ns1', ''), { resourceVersion: watchFrom });
    expect((await within(watch.next(), 'the last event')).value).toMatchObject({ type: 'ADDED', object: { name: 'o4499' } });
    expect((await storage.list(keyFor('ns1', ''), { limit: 1 })).remainingItemCount).toBe(4499);
    await storage.close();
  });
});
