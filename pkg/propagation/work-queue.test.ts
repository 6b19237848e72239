import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('WorkQueue', () => {
  it('runs a key once however often it is added while waiting', async () => {
    const runs: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const q = new WorkQueue(
      async (key) => {
        runs.push(key);
        if (key === 'block') await gate;
      },
      { workers: 1 },
    );
    q.add('block');
    q.add('a');
    q.add('a');
    q.add('a');
    release();
    await q.idle();
    expect(runs).toEqual(['block', 'a']);
  });

  it('never runs one key twice at once, and runs it again when added during a run', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const gate = new Promise<void>((r) => (release = r));
    const q = new WorkQueue(
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        runs++;
        if (runs === 1) {
          started();
          await gate;
        }
        active--;
      },
      { workers: 4 },
    );
    q.add('k');
    await running;
    q.add('k');
    q.add('k');
    release();
    await q.idle();
    await tick();
    await q.idle();
    expect(maxActive).toBe(1);
    expect(runs).toBe(2);
  });

  it('retries a failing key with backoff until it succeeds', async () => {
    let attempts = 0;
    const q = new WorkQueue(
      async () => {
        attempts++;
        if (attempts < 3) throw new Error('boom');
      },
      { workers: 1, baseDelayMs: 2, maxDelayMs: 4 },
    );
    q.add('k');
    for (let i = 0; i < 50 && attempts < 3; i++) await tick();
    expect(attempts).toBe(3);
    await q.stop();
  });

  it('runs a key again after requeueAfterMs, and a direct add cancels the wait', async () => {
    const runs: number[] = [];
    const q = new WorkQueue(
      async () => {
        runs.push(Date.now());
        return runs.length === 1 ? { requeueAfterMs: 60_000 } : undefined;
      },
      { workers: 1 },
    );
    q.add('k');
    await q.idle();
    expect(runs).toHaveLength(1);
    q.add('k');
    await q.idle();
    expect(runs).toHaveLength(2);
    await q.stop();
  });

  it('stops handing out keys after stop', async () => {
    let runs = 0;
    const q = new WorkQueue(async () => void runs++, { workers: 1 });
    await q.stop();
    q.add('k');
    await tick();
    expect(runs).toBe(0);
  });
});
