import { performance } from 'node:perf_hooks';
import { continueToken, objectName, type ApiShape } from './api-payload.js';
import type { HttpPool } from './http-pool.js';
import { mergeRuns, runCount, runFor, type RunResult } from './load-runner.js';
import { cpuMs, selfCpuMs } from './process-cpu.js';
import { monotonicUs } from './cpu-profile.js';

/** Told of every span of the run a subject was measured in (monotonic µs), e.g. to cut a CPU profile by phase. */
export type PhaseSpan = (subject: Subject['name'], phase: 'LIST' | 'GET', startUs: number, endUs: number) => void;

/** One server under test as the measurements see it. */
export interface Subject {
  readonly name: 'herd' | 'kube';
  readonly pool: HttpPool;
  readonly shape: ApiShape;
  /** Server processes whose CPU time is counted. */
  readonly pids: readonly number[];
}

export interface Timed<T> {
  readonly run: T;
  /** CPU time of the subject's server processes meanwhile. */
  readonly serverCpuMs: number;
  /** CPU time of the load generator (this process) meanwhile. */
  readonly clientCpuMs: number;
}

/** Creates `count` objects, `concurrency` in flight; 429s are retried (bounded), anything else but 201 fails. */
export async function loadObjects(s: Subject, count: number, concurrency: number): Promise<Timed<RunResult>> {
  const cpu0 = cpuMs(s.pids);
  const self0 = selfCpuMs();
  const run = await runCount(
    count,
    concurrency,
    async (i) => {
      const name = objectName(i);
      for (let attempt = 0; ; attempt++) {
        const reply = await s.pool.request({ method: 'POST', path: s.shape.collectionPath, body: s.shape.createBody(name), keepBody: true });
        if (reply.status === 201) return;
        if (reply.status !== 429 || attempt >= 5) throw new Error(`create ${name}: HTTP ${reply.status}: ${reply.body?.toString('utf8').slice(0, 300)}`);
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      }
    },
    { maxErrors: 5, deadlineMs: 900_000 },
  );
  return { run, serverCpuMs: cpuMs(s.pids) - cpu0, clientCpuMs: selfCpuMs() - self0 };
}

/** The list body of a warm-up: its item count and size, to check the servers hold what was loaded. */
export async function checkList(s: Subject): Promise<{ items: number; bytes: number }> {
  const reply = await s.pool.expect({ path: s.shape.collectionPath }, 200);
  const parsed = JSON.parse(reply.body!.toString('utf8')) as { items?: unknown[] };
  return { items: parsed.items?.length ?? 0, bytes: reply.bytes };
}

/** One full LIST (no limit), body read to its end: milliseconds. */
async function listOnce(s: Subject): Promise<number> {
  const t0 = performance.now();
  const reply = await s.pool.request({ path: s.shape.collectionPath });
  const ms = performance.now() - t0;
  if (reply.status !== 200) throw new Error(`${s.name} LIST: HTTP ${reply.status}`);
  return ms;
}

export interface ListSamples {
  readonly samplesMs: number[];
  readonly serverCpuMs: number;
  readonly clientCpuMs: number;
}

/**
 * Full LISTs of every subject, `warmups` discarded then `iterations` kept, one at a time and interleaved (the
 * order alternates each round) so that background load on the machine hits every subject alike.
 */
export async function measureLists(subjects: readonly Subject[], warmups: number, iterations: number, span?: PhaseSpan): Promise<Map<string, ListSamples>> {
  const samples = new Map(subjects.map((s) => [s.name, { samplesMs: [] as number[], serverCpuMs: 0, clientCpuMs: 0 }]));
  for (let round = 0; round < warmups + iterations; round++) {
    const order = round % 2 === 0 ? subjects : [...subjects].reverse();
    for (const s of order) {
      const cpu0 = cpuMs(s.pids);
      const self0 = selfCpuMs();
      const t0 = monotonicUs();
      const ms = await listOnce(s);
      if (round < warmups) continue;
      span?.(s.name, 'LIST', t0, monotonicUs());
      const entry = samples.get(s.name)!;
      entry.samplesMs.push(ms);
      entry.serverCpuMs += cpuMs(s.pids) - cpu0;
      entry.clientCpuMs += selfCpuMs() - self0;
    }
  }
  return samples;
}

/** A paged LIST (`limit`), following `continue` to the end (at most `maxPages`): total ms and pages. */
export async function pagedList(s: Subject, limit: number, maxPages = 10_000): Promise<{ ms: number; pages: number }> {
  const t0 = performance.now();
  let token: string | undefined;
  let pages = 0;
  do {
    const query = `?limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
    const reply = await s.pool.expect({ path: s.shape.collectionPath + query }, 200);
    token = continueToken(reply.body!);
    pages++;
  } while (token && pages < maxPages);
  return { ms: performance.now() - t0, pages };
}

/** GETs of random objects for `seconds`, `concurrency` in flight; non-200 counts as an error. */
async function getFor(s: Subject, objects: number, seconds: number, concurrency: number): Promise<RunResult> {
  return runFor(seconds * 1000, concurrency, async () => {
    const reply = await s.pool.request({ path: s.shape.itemPath(objectName(Math.floor(Math.random() * objects))) });
    if (reply.status !== 200) throw new Error(`${s.name} GET: HTTP ${reply.status}`);
  });
}

/**
 * GET throughput: a warm-up of `warmupSeconds` each, then `rounds` alternating runs adding up to `seconds` per
 * subject, merged. Alternating spreads background noise over both subjects.
 */
export async function measureGets(
  subjects: readonly Subject[],
  opts: { objects: number; seconds: number; warmupSeconds: number; rounds: number; concurrency: number },
  span?: PhaseSpan,
): Promise<Map<string, Timed<RunResult>>> {
  for (const s of subjects) await getFor(s, opts.objects, opts.warmupSeconds, opts.concurrency);
  const runs = new Map(subjects.map((s) => [s.name, { runs: [] as RunResult[], cpu: 0, self: 0 }]));
  for (let round = 0; round < opts.rounds; round++) {
    const order = round % 2 === 0 ? subjects : [...subjects].reverse();
    for (const s of order) {
      const cpu0 = cpuMs(s.pids);
      const self0 = selfCpuMs();
      const t0 = monotonicUs();
      const run = await getFor(s, opts.objects, opts.seconds / opts.rounds, opts.concurrency);
      span?.(s.name, 'GET', t0, monotonicUs());
      const entry = runs.get(s.name)!;
      entry.runs.push(run);
      entry.cpu += cpuMs(s.pids) - cpu0;
      entry.self += selfCpuMs() - self0;
    }
  }
  return new Map([...runs].map(([name, e]) => [name, { run: mergeRuns(e.runs), serverCpuMs: e.cpu, clientCpuMs: e.self }]));
}
