import { performance } from 'node:perf_hooks';
import type { HttpPool } from './http-pool.js';
import { MarkerCount } from './marker-count.js';
import { cpuMs, selfCpuMs } from './process-cpu.js';

/** One side of a LIST comparison: a server, the collection it lists in full, and how to count the items. */
export interface ListSubject {
  readonly name: 'herd' | 'direct';
  readonly pool: HttpPool;
  readonly path: string;
  /** A string that occurs once per item in the body (see `POD_MARKER`). */
  readonly marker: string;
  /** Server processes whose CPU time is counted. */
  readonly pids: readonly number[];
}

export interface CountedList {
  readonly status: number;
  /** From just before the request to the last byte of the body. */
  readonly ms: number;
  readonly bytes: number;
  readonly items: number;
}

/** One full LIST (no limit, no resourceVersion), its items counted as the body streams in. */
export async function countedList(pool: HttpPool, path: string, marker: string): Promise<CountedList> {
  const counter = new MarkerCount(marker);
  const t0 = performance.now();
  const reply = await pool.request({ path, onChunk: (c) => counter.feed(c) });
  return { status: reply.status, ms: performance.now() - t0, bytes: reply.bytes, items: counter.count };
}

export interface FirstFullList {
  /** From the first LIST until one held every item. */
  readonly ms: number;
  readonly attempts: number;
  /** Items the first LIST held. */
  readonly firstItems: number;
  readonly bytes: number;
}

/**
 * LISTs until one holds `expected` items: the first LIST of a view whose cache is cold starts it, and may answer
 * before every member is in (the contract waits up to 10 s per member). Fails after `timeoutMs`, naming the count.
 */
export async function firstFullList(s: ListSubject, expected: number, timeoutMs: number): Promise<FirstFullList> {
  const t0 = performance.now();
  let attempts = 0;
  let firstItems = -1;
  for (;;) {
    const list = await countedList(s.pool, s.path, s.marker);
    attempts++;
    if (list.status !== 200) throw new Error(`${s.name} LIST ${s.path}: HTTP ${list.status}`);
    if (firstItems < 0) firstItems = list.items;
    if (list.items === expected) return { ms: performance.now() - t0, attempts, firstItems, bytes: list.bytes };
    if (list.items > expected) throw new Error(`${s.name} LIST ${s.path}: ${list.items} items, more than the ${expected} loaded`);
    if (performance.now() - t0 > timeoutMs) {
      throw new Error(`${s.name} LIST ${s.path}: ${list.items} of ${expected} items after ${Math.round(timeoutMs / 1000)} s (${attempts} LISTs)`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface ListSamples {
  readonly samplesMs: number[];
  readonly bytes: number;
  readonly serverCpuMs: number;
  readonly clientCpuMs: number;
}

/**
 * Full LISTs of both subjects: `warmups` discarded (each checked to hold `expected` items), then `iterations` kept,
 * one at a time and interleaved, the order flipping every round so that background load hits both alike. Measured
 * LISTs are not parsed or searched: only their status and size are checked.
 */
export async function measureLists(subjects: readonly ListSubject[], expected: number, warmups: number, iterations: number): Promise<Map<ListSubject['name'], ListSamples>> {
  const samples = new Map(subjects.map((s) => [s.name, { samplesMs: [] as number[], bytes: 0, serverCpuMs: 0, clientCpuMs: 0 }]));
  for (let round = 0; round < warmups + iterations; round++) {
    const order = round % 2 === 0 ? subjects : [...subjects].reverse();
    for (const s of order) {
      const entry = samples.get(s.name)!;
      if (round < warmups) {
        const list = await countedList(s.pool, s.path, s.marker);
        if (list.status !== 200 || list.items !== expected) throw new Error(`${s.name} LIST ${s.path}: HTTP ${list.status}, ${list.items} items (wanted ${expected})`);
        entry.bytes = list.bytes;
        continue;
      }
      const cpu0 = cpuMs(s.pids);
      const self0 = selfCpuMs();
      const t0 = performance.now();
      const reply = await s.pool.request({ path: s.path });
      const ms = performance.now() - t0;
      if (reply.status !== 200) throw new Error(`${s.name} LIST ${s.path}: HTTP ${reply.status}`);
      if (Math.abs(reply.bytes - entry.bytes) > entry.bytes * 0.02) throw new Error(`${s.name} LIST ${s.path}: ${reply.bytes} bytes, the warm-up had ${entry.bytes}`);
      entry.samplesMs.push(ms);
      entry.serverCpuMs += cpuMs(s.pids) - cpu0;
      entry.clientCpuMs += selfCpuMs() - self0;
    }
  }
  return samples;
}
