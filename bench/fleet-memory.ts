import type { HttpPool } from './http-pool.js';
import { InspectorSession } from './inspector-session.js';

/** Herd's memory at one point, in bytes. */
export interface HerdMemory {
  /**
   * From Herd's /metrics (prom-client's default `nodejs_heap_size_used_bytes` and `nodejs_external_memory_bytes`,
   * whatever their prefix), sampled `samples` times: the sample with the least heap in use.
   */
  readonly metrics: { readonly heapUsed: number; readonly external: number; readonly samples: number };
  /**
   * Read through the V8 inspector right after forcing two full garbage collections: live data only, no garbage
   * waiting for a collection. `external` holds Buffers (their bytes live outside the V8 heap), `arrayBuffers` is the
   * part of it that is ArrayBuffers and Buffers. Absent when Herd runs without the inspector or it failed (`error`).
   */
  readonly afterGc?: { readonly heapUsed: number; readonly external: number; readonly arrayBuffers: number; readonly rss: number };
  readonly error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A sample value of Prometheus text exposition `text`: the first series whose name ends with `suffix`. */
function metric(text: string, suffix: string): number {
  const line = text.split('\n').find((l) => !l.startsWith('#') && new RegExp(`^\\w*${suffix}(\\{[^}]*\\})? `).test(l));
  const value = Number(line?.slice(line.lastIndexOf(' ') + 1));
  if (!line || !Number.isFinite(value)) throw new Error(`Herd's /metrics has no ${suffix}`);
  return value;
}

/**
 * Herd's memory now: `samples` reads of /metrics `intervalMs` apart, then (with `inspectPort`) a forced full GC and
 * `process.memoryUsage()` through the inspector. Call it once Herd's CPU has settled.
 */
export async function readHerdMemory(herd: HttpPool, inspectPort: number | undefined, samples = 5, intervalMs = 1000): Promise<HerdMemory> {
  let best: { heapUsed: number; external: number } | undefined;
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(intervalMs);
    const reply = await herd.expect({ path: '/metrics' }, 200);
    const text = reply.body!.toString('utf8');
    const sample = { heapUsed: metric(text, 'nodejs_heap_size_used_bytes'), external: metric(text, 'nodejs_external_memory_bytes') };
    if (!best || sample.heapUsed < best.heapUsed) best = sample;
  }
  const metrics = { ...best!, samples };
  if (inspectPort === undefined) return { metrics };
  let session: InspectorSession | undefined;
  try {
    session = await InspectorSession.open(inspectPort);
    // Two collections: the first may only queue finalizers (and weak callbacks) whose memory the second frees.
    await session.call('HeapProfiler.collectGarbage');
    await session.call('HeapProfiler.collectGarbage');
    const usage = await session.evaluate<{ heapUsed: number; external: number; arrayBuffers: number; rss: number }>('process.memoryUsage()');
    return { metrics, afterGc: { heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers, rss: usage.rss } };
  } catch (err) {
    return { metrics, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await session?.close();
  }
}
