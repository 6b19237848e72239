import { performance } from 'node:perf_hooks';
import { DEPLOYMENTS_PATH, FEDERATED_DEPLOYMENTS_PATH, directDeployment, federatedDeployment, renderedMetadata, type DeploymentTemplate, type RenderedMetadata } from './fanout-payload.js';
import type { HttpPool } from './http-pool.js';
import { mergeRuns, runFor, type RunResult } from './load-runner.js';
import type { MemberWatch } from './member-watch.js';
import { cpuMs, selfCpuMs } from './process-cpu.js';

/** A member as the measurements use it: a keep-alive pool for creates and the long watch of its Deployments. */
export interface MemberTarget {
  readonly name: string;
  readonly pool: HttpPool;
  readonly watch: MemberWatch;
}

/** What the measurements share: Herd's pool, the members, how objects look and how long an arrival may take. */
export interface FanoutContext {
  readonly herd: HttpPool;
  readonly members: readonly MemberTarget[];
  readonly template: (name: string) => DeploymentTemplate;
  readonly arrivalTimeoutMs: number;
  /** Processes whose CPU time is reported: Herd, and the members' kube-apiservers with their etcd. */
  readonly herdPids: readonly number[];
  readonly memberPids: readonly number[];
}

/** Unique object names, `<prefix>-00000`, `<prefix>-00001`, … */
export class NameSource {
  private readonly next = new Map<string, number>();

  take(prefix: string): string {
    const i = this.next.get(prefix) ?? 0;
    this.next.set(prefix, i + 1);
    return `${prefix}-${String(i).padStart(5, '0')}`;
  }
}

/** One federated create: its FederatedDeployment POST, and the time until its copy was ADDED in every target member. */
interface FederatedTiming {
  readonly ms: number;
  readonly postMs: number;
  /** One member copy as its watch delivered it. */
  readonly copy: unknown;
  readonly bytes: number;
}

/**
 * POSTs FederatedDeployment `name` placed on `targets` to Herd and waits for the ADDED event of its Deployment from
 * the watch of every target. The clock starts just before the POST and stops at the last ADDED event.
 */
async function federatedCreate(ctx: FanoutContext, targets: readonly MemberTarget[], name: string): Promise<FederatedTiming> {
  const body = federatedDeployment(name, targets.map((t) => t.name), ctx.template(name));
  const arrivals = targets.map((t) => t.watch.arrival(name, ctx.arrivalTimeoutMs));
  const t0 = performance.now();
  let postMs: number;
  try {
    await ctx.herd.expect({ method: 'POST', path: FEDERATED_DEPLOYMENTS_PATH, body }, 201);
    postMs = performance.now() - t0;
  } catch (err) {
    for (const t of targets) t.watch.forget(name);
    throw err;
  }
  const arrived = await Promise.all(arrivals);
  return { ms: Math.max(...arrived.map((a) => a.at)) - t0, postMs, copy: arrived[0]!.object, bytes: Buffer.byteLength(body) };
}

/** One direct create: the same Deployment POSTed to every target at once, timed until the last 201. */
interface DirectTiming {
  readonly ms: number;
  /** From the last 201 to the last ADDED event of the watches: how late a watch reports an object that exists. */
  readonly watchLagMs: number;
  readonly bytes: number;
}

async function directCreate(ctx: FanoutContext, targets: readonly MemberTarget[], name: string, rendered: RenderedMetadata): Promise<DirectTiming> {
  const body = directDeployment(name, ctx.template(name), rendered);
  const arrivals = targets.map((t) => t.watch.arrival(name, ctx.arrivalTimeoutMs));
  const t0 = performance.now();
  let done: number;
  try {
    await Promise.all(targets.map((t) => t.pool.expect({ method: 'POST', path: DEPLOYMENTS_PATH, body }, 201)));
    done = performance.now();
  } catch (err) {
    for (const t of targets) t.watch.forget(name);
    throw err;
  }
  const arrived = await Promise.all(arrivals);
  return { ms: done - t0, watchLagMs: Math.max(...arrived.map((a) => a.at)) - done, bytes: Buffer.byteLength(body) };
}

/** Latency samples of one N, in ms. */
export interface LatencySamples {
  readonly members: readonly string[];
  readonly federatedMs: number[];
  readonly federatedPostMs: number[];
  readonly directMs: number[];
  readonly directWatchLagMs: number[];
  /** Request body sizes of the last creates. */
  readonly bytes: { federated: number; direct: number };
}

/**
 * Latency for N = `targets.length`: `warmups` then `samples` rounds, one create at a time, each round one federated
 * create (`fan-…`) and one direct create (`direct-…`), the order flipping every round. The first federated copy
 * gives the rendered label and annotations that the direct creates carry.
 */
export async function measureLatency(
  ctx: FanoutContext,
  targets: readonly MemberTarget[],
  o: { readonly warmups: number; readonly samples: number },
  names: NameSource,
  isInterrupted: () => boolean,
): Promise<LatencySamples> {
  const out: LatencySamples = { members: targets.map((t) => t.name), federatedMs: [], federatedPostMs: [], directMs: [], directWatchLagMs: [], bytes: { federated: 0, direct: 0 } };
  let rendered: RenderedMetadata | undefined;
  for (let i = 0; i < o.warmups + o.samples && !isInterrupted(); i++) {
    const measured = i >= o.warmups;
    const federated = async () => {
      const t = await federatedCreate(ctx, targets, names.take('fan'));
      rendered ??= renderedMetadata(t.copy);
      out.bytes.federated = t.bytes;
      if (measured) {
        out.federatedMs.push(t.ms);
        out.federatedPostMs.push(t.postMs);
      }
    };
    const direct = async () => {
      const t = await directCreate(ctx, targets, names.take('direct'), rendered!);
      out.bytes.direct = t.bytes;
      if (measured) {
        out.directMs.push(t.ms);
        out.directWatchLagMs.push(t.watchLagMs);
      }
    };
    // Round 0 starts with the federated create: it yields the rendered metadata.
    for (const step of i % 2 === 0 ? [federated, direct] : [direct, federated]) await step();
  }
  return out;
}

/** A throughput run with the CPU time spent during it. */
export interface ThroughputRun {
  readonly run: RunResult;
  readonly herdCpuMs: number;
  readonly memberCpuMs: number;
  readonly clientCpuMs: number;
}

/** Sustained creates with `concurrency` in flight: federated to every member, and direct to the first member. */
export interface ThroughputResult {
  readonly federated: ThroughputRun;
  readonly direct: ThroughputRun;
}

export interface ThroughputOptions {
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly rounds: number;
  readonly concurrency: number;
}

/**
 * Closed loops with `concurrency` in flight. Federated: each loop POSTs a FederatedDeployment placed on every member
 * and starts its next one once the copy is ADDED in all of them, so the run's time goes from the first POST to the
 * last arrival. Direct: each loop POSTs a Deployment to the first member and starts its next one at the 201. After a
 * warm-up of each, `rounds` alternating rounds of `seconds / rounds` each, with a pause for Herd to go quiet between
 * runs (its status writes trail the arrivals).
 */
export async function measureThroughput(ctx: FanoutContext, o: ThroughputOptions, names: NameSource, isInterrupted: () => boolean): Promise<ThroughputResult> {
  const first = ctx.members[0]!;
  const rendered = renderedMetadata((await federatedCreate(ctx, ctx.members, names.take('fan'))).copy);
  const fed = (ms: number) =>
    runFor(ms, o.concurrency, async () => {
      await federatedCreate(ctx, ctx.members, names.take('fan'));
    });
  const direct = (ms: number) =>
    runFor(ms, o.concurrency, async () => {
      const name = names.take('direct');
      await first.pool.expect({ method: 'POST', path: DEPLOYMENTS_PATH, body: directDeployment(name, ctx.template(name), rendered) }, 201);
    });
  await fed(o.warmupSeconds * 1000);
  await settle(ctx.herdPids);
  await direct(o.warmupSeconds * 1000);
  const runs = { federated: [] as ThroughputRun[], direct: [] as ThroughputRun[] };
  const roundMs = (o.seconds * 1000) / o.rounds;
  for (let r = 0; r < o.rounds && !isInterrupted(); r++) {
    const order = r % 2 === 0 ? (['federated', 'direct'] as const) : (['direct', 'federated'] as const);
    for (const side of order) {
      await settle(ctx.herdPids);
      runs[side].push(await withCpu(ctx, () => (side === 'federated' ? fed(roundMs) : direct(roundMs))));
    }
  }
  return { federated: mergeThroughput(runs.federated), direct: mergeThroughput(runs.direct) };
}

async function withCpu(ctx: FanoutContext, body: () => Promise<RunResult>): Promise<ThroughputRun> {
  const before = { herd: cpuMs(ctx.herdPids), members: cpuMs(ctx.memberPids), client: selfCpuMs() };
  const run = await body();
  return {
    run,
    herdCpuMs: cpuMs(ctx.herdPids) - before.herd,
    memberCpuMs: cpuMs(ctx.memberPids) - before.members,
    clientCpuMs: selfCpuMs() - before.client,
  };
}

function mergeThroughput(runs: readonly ThroughputRun[]): ThroughputRun {
  return {
    run: mergeRuns(runs.map((r) => r.run)),
    herdCpuMs: runs.reduce((n, r) => n + r.herdCpuMs, 0),
    memberCpuMs: runs.reduce((n, r) => n + r.memberCpuMs, 0),
    clientCpuMs: runs.reduce((n, r) => n + r.clientCpuMs, 0),
  };
}

/** Waits (at most `maxMs`) until `pids` use less than a tenth of a core over 250 ms. */
export async function settle(pids: readonly number[], maxMs = 5_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    const before = cpuMs(pids);
    await new Promise((r) => setTimeout(r, 250));
    if (cpuMs(pids) - before < 25) return;
  }
}
