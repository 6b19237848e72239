import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round, type ApiBenchResult, type Verdict } from './api-report.js';
import { quantile } from './load-runner.js';
import type { LatencySamples, ThroughputRun } from './fanout-measure.js';
import type { FanoutBenchOptions } from './fanout-bench.js';

/** Latency for one N, in ms: federated (POST to Herd → ADDED in all N members) against direct (POST to all N → last 201). */
export interface FanoutLatency {
  readonly n: number;
  readonly members: readonly string[];
  readonly samples: number;
  /** Request body of one create: the FederatedDeployment to Herd, the Deployment to a member. */
  readonly bodyBytes: { readonly federated: number; readonly direct: number };
  readonly federated: { readonly p50Ms: number; readonly p90Ms: number; readonly p99Ms: number; readonly postP50Ms: number; readonly postP99Ms: number };
  readonly direct: { readonly p50Ms: number; readonly p90Ms: number; readonly p99Ms: number; readonly watchLagP50Ms: number; readonly watchLagP99Ms: number };
  readonly ratioP50: number;
  readonly ratioP99: number;
}

/** One throughput side: creates/s and what it cost. */
export interface FanoutThroughputSide {
  readonly count: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Cores used on average during the runs. */
  readonly herdCores: number;
  readonly memberCores: number;
  readonly clientCores: number;
}

export interface FanoutBenchResult {
  readonly benchmark: 'fanout';
  readonly startedAt: string;
  readonly machine: ApiBenchResult['machine'];
  readonly herd: string;
  readonly members: string;
  readonly params: FanoutBenchOptions;
  readonly latency: FanoutLatency[];
  readonly throughput: {
    readonly n: number;
    readonly federated: FanoutThroughputSide;
    readonly direct: FanoutThroughputSide;
    readonly ratio: number;
    /**
     * Writes the members took per second: federated creates/s × N against direct creates/s. Informative: the members
     * share this machine's cores, so this shows how much of their shared write capacity the federated creates used.
     */
    readonly memberWritesPerSecond: { readonly federated: number; readonly direct: number; readonly ratio: number };
    /** Member writes per second (federated creates/s × N) per core of Herd's CPU. */
    readonly memberWritesPerHerdCore: number;
  };
  readonly verdicts: Verdict[];
  readonly notes: string[];
}

const ms = (v: number) => round(v, 2);

export function latencySummary(s: LatencySamples): FanoutLatency {
  const f50 = quantile(s.federatedMs, 0.5);
  const f99 = quantile(s.federatedMs, 0.99);
  const d50 = quantile(s.directMs, 0.5);
  const d99 = quantile(s.directMs, 0.99);
  return {
    n: s.members.length,
    members: s.members,
    samples: s.federatedMs.length,
    bodyBytes: { ...s.bytes },
    federated: {
      p50Ms: ms(f50),
      p90Ms: ms(quantile(s.federatedMs, 0.9)),
      p99Ms: ms(f99),
      postP50Ms: ms(quantile(s.federatedPostMs, 0.5)),
      postP99Ms: ms(quantile(s.federatedPostMs, 0.99)),
    },
    direct: {
      p50Ms: ms(d50),
      p90Ms: ms(quantile(s.directMs, 0.9)),
      p99Ms: ms(d99),
      watchLagP50Ms: ms(quantile(s.directWatchLagMs, 0.5)),
      watchLagP99Ms: ms(quantile(s.directWatchLagMs, 0.99)),
    },
    ratioP50: round(f50 / d50, 3),
    ratioP99: round(f99 / d99, 3),
  };
}

export function throughputSide(t: ThroughputRun): FanoutThroughputSide {
  const seconds = t.run.elapsedMs / 1000;
  return {
    count: t.run.count,
    errors: t.run.errors,
    ...(t.run.firstError ? { firstError: t.run.firstError } : {}),
    seconds: round(seconds, 2),
    perSecond: round(t.run.count / seconds, 1),
    p50Ms: ms(quantile(t.run.latenciesMs, 0.5)),
    p99Ms: ms(quantile(t.run.latenciesMs, 0.99)),
    herdCores: round(t.herdCpuMs / t.run.elapsedMs, 2),
    memberCores: round(t.memberCpuMs / t.run.elapsedMs, 2),
    clientCores: round(t.clientCpuMs / t.run.elapsedMs, 2),
  };
}

/** The targets: latency ratio ≤ 1.3 at p50 and ≤ 1.6 at p99 for every N; throughput ratio ≥ 0.8. */
export function fanoutVerdicts(latency: readonly FanoutLatency[], throughputRatio: number): Verdict[] {
  return [
    ...latency.flatMap((l) => [
      { name: `latency ratio N=${l.n} p50`, ratio: l.ratioP50, target: '≤ 1.3', met: l.ratioP50 <= 1.3 },
      { name: `latency ratio N=${l.n} p99`, ratio: l.ratioP99, target: '≤ 1.6', met: l.ratioP99 <= 1.6 },
    ]),
    { name: 'throughput ratio N=3', ratio: throughputRatio, target: '≥ 0.8', met: throughputRatio >= 0.8 },
  ];
}

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');

/** The table, the verdicts and the notes, as printed at the end of `npm run bench -- fanout`. */
export function formatFanoutReport(r: FanoutBenchResult): string {
  const t = r.throughput;
  const rows: [string, string, string, string][] = [['', 'federated (Herd)', 'direct', 'fed/direct']];
  const bytes = r.latency[r.latency.length - 1]?.bodyBytes;
  if (bytes) rows.push(['create request body (bytes)', fmt(bytes.federated, 0), fmt(bytes.direct, 0), '']);
  for (const l of r.latency) {
    const where = l.n === 1 ? l.members[0]! : `all ${l.n}`;
    rows.push(
      [`N=${l.n} create → in ${where}: p50 ms (n=${l.samples})`, fmt(l.federated.p50Ms, 2), fmt(l.direct.p50Ms, 2), fmt(l.ratioP50, 2)],
      [`N=${l.n} create → in ${where}: p90 ms`, fmt(l.federated.p90Ms, 2), fmt(l.direct.p90Ms, 2), fmt(l.federated.p90Ms / l.direct.p90Ms, 2)],
      [`N=${l.n} create → in ${where}: p99 ms`, fmt(l.federated.p99Ms, 2), fmt(l.direct.p99Ms, 2), fmt(l.ratioP99, 2)],
      [`N=${l.n} Herd's 201 (federated) p50 / p99 ms`, `${fmt(l.federated.postP50Ms, 2)} / ${fmt(l.federated.postP99Ms, 2)}`, '', ''],
      [`N=${l.n} ADDED event after the 201 (direct) p50 / p99 ms`, '', `${fmt(l.direct.watchLagP50Ms, 2)} / ${fmt(l.direct.watchLagP99Ms, 2)}`, ''],
    );
  }
  rows.push(
    [`N=${t.n} creates/s (${r.params.concurrency} in flight, ${r.params.seconds} s; direct: ${r.latency[0]?.members[0] ?? 'one member'})`, fmt(t.federated.perSecond, 0), fmt(t.direct.perSecond, 0), fmt(t.ratio, 2)],
    [`N=${t.n} member writes/s (federated: creates/s × ${t.n})`, fmt(t.memberWritesPerSecond.federated, 0), fmt(t.memberWritesPerSecond.direct, 0), fmt(t.memberWritesPerSecond.ratio, 2)],
    [`N=${t.n} under load: create → in all p50 / p99 ms`, `${fmt(t.federated.p50Ms)} / ${fmt(t.federated.p99Ms)}`, `${fmt(t.direct.p50Ms)} / ${fmt(t.direct.p99Ms)}`, ''],
    [`N=${t.n} under load: cores Herd / members / client`, `${fmt(t.federated.herdCores, 2)} / ${fmt(t.federated.memberCores, 2)} / ${fmt(t.federated.clientCores, 2)}`, `${fmt(t.direct.herdCores, 2)} / ${fmt(t.direct.memberCores, 2)} / ${fmt(t.direct.clientCores, 2)}`, ''],
    ['member writes/s per Herd core', fmt(t.memberWritesPerHerdCore, 0), '', ''],
    [`N=${t.n} creates/s runs: objects / errors`, `${t.federated.count} / ${t.federated.errors}`, `${t.direct.count} / ${t.direct.errors}`, ''],
  );
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   ');
  const errors = [t.federated.firstError && `federated: ${t.federated.firstError}`, t.direct.firstError && `direct: ${t.direct.firstError}`].filter(Boolean);
  return [
    `Herd fan-out benchmark: ${r.herd} → ${r.members}, ${r.params.objects} objects per N, ${r.startedAt}`,
    `machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, node ${r.machine.node}, load average at start ${r.machine.loadAverageAtStart.join(' ')}`,
    '',
    line(rows[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(1).map(line),
    ...errors.map((e) => `first error ${e}`),
    '',
    ...r.verdicts.map((v) => `${v.name} ${fmt(v.ratio, 2)} (target ${v.target}): ${v.met ? 'met' : 'NOT met'}`),
    '',
    ...r.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

/** Writes the result as `<dir>/fanout-<timestamp>.json`; returns the path. */
export function writeFanoutResult(dir: string, r: FanoutBenchResult): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `fanout-${r.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, JSON.stringify(r, null, 2) + '\n');
  return path;
}
