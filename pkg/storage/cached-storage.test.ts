import { runStorageConformance } from './conformance.js';
import { CachedStorage } from './cached-storage.js';
import { SqliteStorage } from './sqlite-storage.js';
import { describe, expect, it } from 'vitest';

runStorageConformance('sqlite behind the read cache', async () => {
  const cached = new CachedStorage(new SqliteStorage({ path: ':memory:' }));
  await cached.start();
  return cached;
});

const obj = (ns: string, name: string, v = '1') => JSON.stringify({ metadata: { name, namespace: ns }, spec: { v } });

describe('CachedStorage', () => {
  it('serves a consistent list from memory, with bytes, and sees a write made just before', async () => {
    const cached = new CachedStorage(new SqliteStorage({ path: ':memory:' }));
    await cached.start();
    await cached.create('/g/things/a/one', obj('a', 'one'));
    await cached.create('/g/things/b/two', obj('b', 'two'));
    await cached.create('/g/others/a/x', obj('a', 'x'));
    const updated = await cached.update('/g/things/a/one', obj('a', 'one', '2'));
    const list = await cached.list('/g/things/');
    expect(list.items.map((o) => o.key)).toEqual(['/g/things/a/one', '/g/things/b/two']);
    expect(list.items[0]!.bytes?.toString()).toBe(updated.json);
    expect(list.resourceVersion).toBe(updated.resourceVersion);
    expect((await cached.list('/g/things/b/')).items.map((o) => o.name)).toEqual(['two']);
    await cached.delete('/g/things/b/two');
    expect((await cached.list('/g/things/')).items.map((o) => o.name)).toEqual(['one']);
    await cached.close();
  });
});
