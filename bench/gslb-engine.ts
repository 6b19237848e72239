import type { GlobalLoadBalancerSpec, LoadBalancingStrategy, LoadBalancingStrategyType } from '../api/federation/v1alpha1/global-load-balancer.js';
import { DecisionEngine } from '../pkg/gslb/decide.js';
import type { TargetHealth } from '../pkg/gslb/target-health.js';
import { round } from './api-report.js';
import { selfCpuMs } from './process-cpu.js';

// The decision engine in process: one DecisionEngine per strategy over 3 and over 100 healthy clusters, every
// decide() call timed on its own. What Herd adds around it (HTTP, DNS) is measured through Herd in gslb-bench.ts.

export const STRATEGIES: readonly LoadBalancingStrategyType[] = ['RoundRobin', 'Weighted', 'Failover', 'Geo', 'Capacity'];

/** One strategy over one fleet size. */
export interface EngineCase {
  readonly strategy: LoadBalancingStrategyType;
  readonly clusters: number;
  /** Clusters the decisions answered (of the last call), to show what the case does. */
  readonly answered: number;
  readonly calls: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly maxUs: number;
  /** Calls per second of this process's CPU time (user + system) while they ran: decisions/s on one core. */
  readonly perCoreSecond: number;
  /** Calls per second of wall-clock time. */
  readonly perSecond: number;
}

export interface EngineOptions {
  /** Timed calls per case, after `warmups` untimed ones. */
  readonly calls: number;
  readonly warmups: number;
  /** A case stops early once its timed calls have run this long. */
  readonly maxSecondsPerCase: number;
}

/** `n` regions `region-0…`, distances 10 × |i − j| apart, so Geo ranks every cluster. */
function regions(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `region-${i}`);
}

/** `n` healthy clusters spread over the regions, each with one address (documentation ranges) and 1–5 ready endpoints. */
export function healthyTargets(n: number): TargetHealth[] {
  const r = n <= 3 ? ['eu-west', 'us-east', 'ap-south'] : regions(10);
  return Array.from({ length: n }, (_, i) => {
    const region = r[i % r.length]!;
    return {
      cluster: `member-${String(i + 1).padStart(3, '0')}`,
      region,
      zone: `${region}-${String.fromCharCode(97 + (Math.floor(i / r.length) % 3))}`,
      addresses: [i < 254 ? `198.51.100.${i + 1}` : `203.0.113.${(i % 254) + 1}`],
      port: 8080,
      readyEndpoints: 1 + (i % 5),
      healthy: true,
      reason: 'Healthy',
      message: `${1 + (i % 5)} ready endpoints; addresses from the annotation`,
    };
  });
}

/** The spec of one case: Geo with every region pair and client networks (a /16 per region and a /24 inside each). */
export function engineSpec(strategy: LoadBalancingStrategyType, targets: readonly TargetHealth[]): GlobalLoadBalancerSpec {
  const names = targets.map((t) => t.cluster);
  const r = [...new Set(targets.map((t) => t.region!))];
  const s: LoadBalancingStrategy = { type: strategy };
  if (strategy === 'Weighted') s.weights = names.map((clusterName, i) => ({ clusterName, weight: 1 + (i % 10) }));
  if (strategy === 'Failover' || strategy === 'Capacity') s.failoverOrder = [...names].reverse();
  if (strategy === 'Capacity') s.capacity = { minReadyEndpoints: targets.length <= 3 ? 4 : 10 };
  if (strategy === 'Geo') {
    s.geo = {
      regionDistances: r.flatMap((from, i) => r.slice(i + 1).map((to, j) => ({ from, to, distance: 10 * (j + 1) }))),
      clientNetworks: r.flatMap((region, i) => [
        { cidr: `10.${i}.0.0/16`, region },
        { cidr: `10.${i}.7.0/24`, region: r[(i + 1) % r.length]!, zone: `${r[(i + 1) % r.length]!}-a` },
      ]),
    };
  }
  return { backend: { kind: 'FederatedService', name: 'web' }, strategy: s, ttlSeconds: 5 };
}

/** Clients as the decision subresource gets them: a region for most strategies; for Geo an IP looked up in clientNetworks. */
function clients(strategy: LoadBalancingStrategyType, regionCount: number): { region?: string; ip?: string }[] {
  if (strategy !== 'Geo') return [{ region: 'us-east' }];
  return Array.from({ length: 16 }, (_, i) => ({ ip: `10.${i % regionCount}.${i % 2 === 0 ? 7 : 3}.${10 + i}` }));
}

/** Sorted ascending in place; nearest-rank quantile, as load-runner's `quantile`. */
function q(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Runs one case: warm-ups, then `calls` timed decide() calls (process.hrtime.bigint around each one). */
export function measureEngineCase(strategy: LoadBalancingStrategyType, clusters: number, o: EngineOptions): EngineCase {
  const targets = healthyTargets(clusters);
  const engine = new DecisionEngine(engineSpec(strategy, targets));
  const who = clients(strategy, new Set(targets.map((t) => t.region)).size);
  for (let i = 0; i < o.warmups; i++) engine.decide(targets, who[i % who.length]!);
  const samples = new Float64Array(o.calls);
  const deadline = process.hrtime.bigint() + BigInt(Math.round(o.maxSecondsPerCase * 1e9));
  const cpu0 = selfCpuMs();
  const wall0 = process.hrtime.bigint();
  let n = 0;
  for (; n < o.calls; n++) {
    const client = who[n % who.length]!;
    const t0 = process.hrtime.bigint();
    const d = engine.decide(targets, client);
    const t1 = process.hrtime.bigint();
    samples[n] = Number(t1 - t0);
    // Keep the result alive and checked, so the call cannot be optimised away.
    if (d.targets.length === 0) throw new Error(`${strategy} over ${clusters} healthy clusters answered nothing`);
    if ((n & 1023) === 1023 && t1 > deadline) {
      n++;
      break;
    }
  }
  const wallSeconds = Number(process.hrtime.bigint() - wall0) / 1e9;
  const cpuSeconds = (selfCpuMs() - cpu0) / 1000;
  const answered = engine.decide(targets, who[0]!).targets.filter((t) => t.answered).length;
  const sorted = samples.subarray(0, n).sort();
  const us = (ns: number) => round(ns / 1000, 2);
  return {
    strategy,
    clusters,
    answered,
    calls: n,
    p50Us: us(q(sorted, 0.5)),
    p99Us: us(q(sorted, 0.99)),
    p999Us: us(q(sorted, 0.999)),
    maxUs: us(sorted[sorted.length - 1] ?? Number.NaN),
    perCoreSecond: round(n / Math.max(1e-6, cpuSeconds), 0),
    perSecond: round(n / wallSeconds, 0),
  };
}

/** Every strategy over each fleet size, one case after the other. */
export function measureEngine(sizes: readonly number[], o: EngineOptions, log: (line: string) => void): EngineCase[] {
  const out: EngineCase[] = [];
  for (const clusters of sizes) {
    for (const strategy of STRATEGIES) {
      const c = measureEngineCase(strategy, clusters, o);
      log(`  ${strategy} over ${clusters}: p50 ${c.p50Us} µs, p99 ${c.p99Us} µs, ${c.perCoreSecond.toLocaleString('en-US')} decisions/s per core (${c.calls} calls)`);
      out.push(c);
    }
  }
  return out;
}
