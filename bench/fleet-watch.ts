import { performance } from 'node:perf_hooks';
import { CONFIGMAPS_PATH, configMapBody } from './fleet-payload.js';
import type { HttpPool } from './http-pool.js';
import type { MemberWatch } from './member-watch.js';

/** What one rate measured: per object, when its ADDED arrived on each watch. */
export interface WatchRun {
  readonly rate: number;
  readonly created: number;
  /** From the first create to the last create's 201. */
  readonly elapsedMs: number;
  /** Per object seen by both watches: Herd's arrival − the direct arrival, ms. */
  readonly deltasMs: number[];
  /** Per object: the direct watch's arrival − just before its POST, ms (the member's own path, informative). */
  readonly directMs: number[];
  /** Objects created whose ADDED never came through Herd's view (within the timeout). */
  readonly lostHerd: number;
  readonly lostDirect: number;
  readonly errors: number;
  readonly firstError?: string;
}

export interface WatchContext {
  /** The member the objects are created in (member-1), directly. */
  readonly member: HttpPool;
  /** A watch of its ConfigMaps in the watch namespace, directly, and the same collection through Herd's view. */
  readonly direct: MemberWatch;
  readonly herd: MemberWatch;
  /** The text each ConfigMap carries. */
  readonly podText: string;
  readonly arrivalTimeoutMs: number;
  /** Creates in flight at most; when the member cannot keep up, the rate achieved is lower (and reported). */
  readonly maxInFlight: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  readonly direct?: number;
  readonly herd?: number;
  readonly postAt: number;
}

/**
 * Creates ConfigMaps in the member at `rate` per second for `seconds` (open loop: each create starts on schedule,
 * whether or not the previous ones answered, up to `maxInFlight`), and notes when each one's ADDED event arrives
 * on the direct watch and on Herd's view watch. Both watches are read by this process, so both times come from one
 * clock. Every name is registered with both watches before its create.
 */
export async function measureWatchDelay(ctx: WatchContext, rate: number, seconds: number, name: (i: number) => string): Promise<WatchRun> {
  const total = Math.max(1, Math.round(rate * seconds));
  const tasks: Promise<Sample | undefined>[] = [];
  let inFlight = 0;
  let errors = 0;
  let firstError: string | undefined;
  let lastAnswer = 0;

  const one = async (n: string): Promise<Sample | undefined> => {
    const direct = ctx.direct.arrival(n, ctx.arrivalTimeoutMs);
    const herd = ctx.herd.arrival(n, ctx.arrivalTimeoutMs);
    const postAt = performance.now();
    inFlight++;
    try {
      const reply = await ctx.member.request({ method: 'POST', path: CONFIGMAPS_PATH, body: configMapBody(n, ctx.podText), keepBody: true });
      lastAnswer = performance.now();
      if (reply.status !== 201) throw new Error(`create configmap ${n}: HTTP ${reply.status}: ${reply.body?.toString('utf8').slice(0, 300)}`);
    } catch (err) {
      ctx.direct.forget(n);
      ctx.herd.forget(n);
      errors++;
      firstError ??= err instanceof Error ? err.message : String(err);
      return undefined;
    } finally {
      inFlight--;
    }
    const [d, h] = await Promise.allSettled([direct, herd]);
    return {
      ...(d.status === 'fulfilled' ? { direct: d.value.at } : {}),
      ...(h.status === 'fulfilled' ? { herd: h.value.at } : {}),
      postAt,
    };
  };

  const t0 = performance.now();
  let i = 0;
  while (i < total && errors < 10) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
    while (i < due && inFlight < ctx.maxInFlight) tasks.push(one(name(i++)));
    if (i < total) await sleep(1);
  }
  const samples = (await Promise.all(tasks)).filter((s): s is Sample => s !== undefined);
  const both = samples.filter((s) => s.direct !== undefined && s.herd !== undefined);
  return {
    rate,
    created: samples.length,
    elapsedMs: lastAnswer - t0,
    deltasMs: both.map((s) => s.herd! - s.direct!),
    directMs: samples.filter((s) => s.direct !== undefined).map((s) => s.direct! - s.postAt),
    lostHerd: samples.filter((s) => s.herd === undefined).length,
    lostDirect: samples.filter((s) => s.direct === undefined).length,
    errors,
    ...(firstError ? { firstError } : {}),
  };
}
