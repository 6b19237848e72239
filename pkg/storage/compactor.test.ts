import { describe, expect, it } from 'vitest';
import { Compactor } from './compactor.js';
import { SqliteStorage } from './sqlite-storage.js';

const obj = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'X', metadata: { name, namespace: 'n' } });

describe('Compactor', () => {
  it('keeps one interval of history: each tick compacts to the revision of the tick before', async () => {
    const storage = new SqliteStorage({ path: ':memory:' });
    const compactor = new Compactor(storage, 0);
    await storage.create('/x/n/a', obj('a'));
    await compactor.tick(); // remembers the current revision, compacts nothing
    const remembered = await storage.currentRevision();
    expect(await storage.compactedRevision()).toBeLessThan(remembered);
    await storage.create('/x/n/b', obj('b'));
    await compactor.tick();
    expect(await storage.compactedRevision()).toBe(remembered);
    // history after the remembered revision is still there to watch from
    const watch = await storage.watch('/x/', { resourceVersion: String(remembered) });
    const first = await watch.next();
    expect(first.value).toMatchObject({ type: 'ADDED', object: { name: 'b' } });
    watch.stop();
    await expect(storage.watch('/x/', { resourceVersion: String(remembered - 1) })).rejects.toMatchObject({ code: 'Expired' });
    await storage.close();
  });
});
