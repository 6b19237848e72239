import { describe, expect, it } from 'vitest';
import { abortableSleep, runListWatch } from './list-watch-loop.js';

describe('runListWatch', () => {
  it('lists when it has no position, watches again after a watch ends, hands chosen failures to handle, and stops on abort', async () => {
    const abort = new AbortController();
    const calls: string[] = [];
    let rv = '';
    let watches = 0;
    const logged: unknown[] = [];
    await runListWatch({
      signal: abort.signal,
      positioned: () => rv !== '',
      list: async () => {
        calls.push('list');
        rv = '1';
      },
      watch: async (connected) => {
        watches++;
        calls.push(`watch ${watches}`);
        if (watches === 1) throw new Error('handled');
        connected();
        if (watches === 3) abort.abort();
        return 5;
      },
      handle: async (err) => (err as Error).message === 'handled',
      log: (err) => logged.push(err),
    });
    expect(calls).toEqual(['list', 'watch 1', 'watch 2', 'watch 3']);
    expect(logged).toEqual([]);
  });

  it('logs the first failure and backs off before retrying', async () => {
    const abort = new AbortController();
    const at: number[] = [];
    const logged: string[] = [];
    await runListWatch({
      signal: abort.signal,
      positioned: () => true,
      list: async () => {},
      watch: async () => {
        at.push(Date.now());
        if (at.length === 3) abort.abort();
        throw new Error(`down ${at.length}`);
      },
      log: (err) => logged.push((err as Error).message),
    });
    expect(logged).toEqual(['down 1']);
    // The second failure waits at least half of 2 × 250 ms.
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(240);
  });

  it('sleeps no longer than until the abort', async () => {
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(), 20);
    await abortableSleep(5_000, abort.signal);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
