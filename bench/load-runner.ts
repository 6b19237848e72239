import { performance } from 'node:perf_hooks';

/** Latencies (ms) and how long a run took. */
export interface RunResult {
  readonly count: number;
  readonly errors: number;
  readonly elapsedMs: number;
  readonly latenciesMs: number[];
  /** The first failure, to print when a run had errors. */
  readonly firstError?: string;
}

/**
 * Runs `task(0..count-1)` with at most `concurrency` in flight and records each one's latency. Stops starting new
 * tasks once `maxErrors` have failed or `deadlineMs` has passed, so a broken server cannot keep it going.
 */
export async function runCount(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  limits: { maxErrors?: number; deadlineMs?: number } = {},
): Promise<RunResult> {
  const maxErrors = limits.maxErrors ?? 10;
  const deadline = performance.now() + (limits.deadlineMs ?? 600_000);
  const latenciesMs: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const worker = async () => {
    while (next < count && errors < maxErrors && performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      try {
        await task(i);
        latenciesMs.push(performance.now() - t0);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
  return { count: latenciesMs.length, errors, elapsedMs: performance.now() - started, latenciesMs, ...(firstError ? { firstError } : {}) };
}

/** Runs `task` with `concurrency` in flight for `durationMs` (and at most `maxRequests` times), recording latencies. */
export async function runFor(durationMs: number, concurrency: number, task: () => Promise<void>, maxRequests = 5_000_000): Promise<RunResult> {
  return runCount(maxRequests, concurrency, () => task(), { deadlineMs: durationMs, maxErrors: 100 });
}

/** The q-quantile (0..1) of unsorted values, nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Merges runs of the same task (rounds), summing counts and time. */
export function mergeRuns(runs: readonly RunResult[]): RunResult {
  const firstError = runs.find((r) => r.firstError)?.firstError;
  return {
    count: runs.reduce((n, r) => n + r.count, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    elapsedMs: runs.reduce((n, r) => n + r.elapsedMs, 0),
    latenciesMs: runs.flatMap((r) => r.latenciesMs),
    ...(firstError ? { firstError } : {}),
  };
}
