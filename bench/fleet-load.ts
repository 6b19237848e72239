import { PODS_PATH, type PodTemplate } from './fleet-payload.js';
import type { HttpPool } from './http-pool.js';
import { runCount } from './load-runner.js';
import { progress } from './progress.js';

/** Pods `from` ≤ i < `to`, named by `name(i)`, created on `pool(i)`. */
export interface PodBatch {
  readonly pool: (i: number) => HttpPool;
  readonly name: (i: number) => string;
  readonly from: number;
  readonly to: number;
}

export interface LoadSummary {
  readonly created: number;
  readonly seconds: number;
  readonly perSecond: number;
}

const MAX_RETRIES = 5;

/**
 * Creates the Pods of every batch, the batches side by side and each with `concurrency` creates in flight over
 * keep-alive connections, behind one progress bar. A 429 is retried (bounded); a 409 counts as created (a retry of a
 * create that got through). Rejects once any create fails for good: a later phase needs every Pod.
 */
export async function loadPods(label: string, batches: readonly PodBatch[], template: PodTemplate, concurrency: number): Promise<LoadSummary> {
  const total = batches.reduce((n, b) => n + (b.to - b.from), 0);
  const bar = progress(label, total);
  const started = Date.now();
  try {
    const runs = await Promise.all(
      batches.map((b) =>
        runCount(
          b.to - b.from,
          concurrency,
          async (k) => {
            const i = b.from + k;
            const name = b.name(i);
            for (let attempt = 0; ; attempt++) {
              const reply = await b.pool(i).request({ method: 'POST', path: PODS_PATH, body: template.createBody(name), keepBody: true });
              if (reply.status === 201 || reply.status === 409) break;
              if (reply.status !== 429 || attempt >= MAX_RETRIES) {
                throw new Error(`create pod ${name} on ${b.pool(i).origin}: HTTP ${reply.status}: ${reply.body?.toString('utf8').slice(0, 300)}`);
              }
              await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
            }
            bar.increment();
          },
          { maxErrors: 3, deadlineMs: 3_600_000 },
        ),
      ),
    );
    const failed = runs.find((r) => r.errors > 0);
    if (failed) throw new Error(`loading pods failed (${failed.errors} errors): ${failed.firstError ?? 'unknown error'}`);
    const created = runs.reduce((n, r) => n + r.count, 0);
    if (created !== total) throw new Error(`loading pods: ${created} of ${total} created before the deadline`);
    const seconds = (Date.now() - started) / 1000;
    return { created, seconds, perSecond: created / seconds };
  } finally {
    bar.stop();
  }
}
