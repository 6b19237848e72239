import { describe, expect, it } from 'vitest';
import { instrumentedStorage } from './instrumented-storage.js';
import { SqliteStorage } from './sqlite-storage.js';

describe('instrumentedStorage', () => {
  it('observes each call with its operation and outcome, and passes results and errors through', async () => {
    const seen: string[] = [];
    const inner = new SqliteStorage({ path: ':memory:' });
    const storage = instrumentedStorage(inner, (op, seconds, outcome) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      seen.push(`${op}:${outcome}`);
    });
    const created = await storage.create('/x/n/a', JSON.stringify({ metadata: { name: 'a', namespace: 'n' } }));
    expect((await storage.get('/x/n/a')).resourceVersion).toBe(created.resourceVersion);
    await expect(storage.get('/x/n/missing')).rejects.toMatchObject({ code: 'KeyNotFound' });
    expect(seen).toEqual(['create:ok', 'get:ok', 'get:error']);
    await storage.close();
  });
});
