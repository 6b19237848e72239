import { mkdirSync, writeFileSync } from 'node:fs';
import type { HerdStalls } from './herd-stalls.js';
import { join } from 'node:path';
import { round, type ApiBenchResult } from './api-report.js';
import type { FleetBenchOptions } from './fleet-bench.js';
import type { JoinRun } from './fleet-join.js';
import type { LoadSummary } from './fleet-load.js';
import type { FirstFullList, ListSamples } from './fleet-list.js';
import type { HerdMemory } from './fleet-memory.js';
import type { WatchRun } from './fleet-watch.js';
import { quantile } from './load-runner.js';

/** One side of a LIST comparison, in ms and bytes. */
export interface ListSide {
  readonly samplesMs: number[];
  readonly p50Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly bytes: number;
  readonly serverCpuMsPerList: number;
  readonly clientCpuMsPerList: number;
}

/** Merged LIST of M Pods through the view (M spread over the joined members) against one kube-apiserver holding all M. */
export interface FleetListResult {
  readonly objects: number;
  /** The creates before this M (joined members and the direct member side by side). */
  readonly load: LoadSummary;
  /** The view's first LISTs of this M: how long until one held every Pod. */
  readonly firstFullList: FirstFullList;
  readonly herd: ListSide;
  readonly direct: ListSide;
  /** Herd p50 ÷ direct p50. */
  readonly ratio: number;
}

/** The watch delay at one rate: Herd's view watch against the member's own watch, per object. */
export interface FleetWatchResult {
  readonly rate: number;
  readonly created: number;
  readonly achievedPerSecond: number;
  /** Herd's arrival − the direct arrival, ms. */
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The member's own path: its create → its ADDED on the direct watch, ms (informative). */
  readonly directP50Ms: number;
  readonly directP99Ms: number;
  readonly lostHerd: number;
  readonly lostDirect: number;
  readonly errors: number;
  readonly firstError?: string;
  /** Cores used on average meanwhile: Herd, the member and etcd, this process. */
  readonly cores: WatchCores;
  /** Herd's own event-loop stalls and collections during the phase. */
  readonly stalls: HerdStalls;
  /** Every object's Herd − direct delay, ms, in creation order. */
  readonly deltasMs: number[];
}

export interface WatchCores {
  readonly herd: number;
  readonly member: number;
  readonly client: number;
}

/** Herd's memory for the Pods its view caches, per Pod, against the Pod's JSON as a member serves it in a LIST. */
export interface FleetMemoryResult {
  readonly cachedPods: number;
  /** Bytes per Pod in the direct LIST (its body ÷ M). */
  readonly podJsonBytes: number;
  readonly before: HerdMemory;
  readonly after: HerdMemory;
  /** Δ of the /metrics heap (minimum of the samples) ÷ cached Pods. */
  readonly metricsHeapBytesPerPod: number;
  /** The same with Node's external memory (Buffers) added. */
  readonly metricsHeapExternalBytesPerPod: number;
  /** After a forced full GC (inspector): Δ heap, Δ external, and their sum, ÷ cached Pods. */
  readonly afterGc?: { readonly heapBytesPerPod: number; readonly externalBytesPerPod: number; readonly totalBytesPerPod: number };
  /**
   * With more than one M: (after-GC heap + external at the last M − the same at the first M) ÷ (last M − first M),
   * the cost of one more cached Pod once the cache and its fixed parts exist. Informative.
   */
  readonly marginalBytesPerPod?: number;
  /** The figure the target reads: after-GC heap + external when available, else /metrics heap + external. */
  readonly bytesPerPod: number;
  readonly basis: string;
  readonly ratio: number;
}

export interface FleetJoinResult extends JoinRun {
  /** Direct full LISTs of the same member's Pods, before the join. */
  readonly direct: ListSide;
  /** join → visible ÷ direct p50. */
  readonly ratio: number;
}

/** A target: a figure, what it must be, and whether it was. */
export interface FleetVerdict {
  readonly name: string;
  readonly value: number;
  readonly unit: '' | 'ms';
  readonly target: string;
  readonly met: boolean;
  readonly why?: string;
}

export interface FleetBenchResult {
  readonly benchmark: 'fleet';
  readonly startedAt: string;
  readonly machine: ApiBenchResult['machine'];
  readonly herd: string;
  readonly members: string;
  readonly params: FleetBenchOptions;
  readonly podTemplateBytes: number;
  readonly lists: FleetListResult[];
  readonly watch: FleetWatchResult[];
  readonly memory: FleetMemoryResult;
  readonly join: FleetJoinResult;
  readonly seconds: number;
  readonly verdicts: FleetVerdict[];
  readonly notes: string[];
}

const ms = (v: number) => round(v, 2);

export function listSide(s: ListSamples): ListSide {
  const n = Math.max(1, s.samplesMs.length);
  return {
    samplesMs: s.samplesMs.map(ms),
    p50Ms: ms(quantile(s.samplesMs, 0.5)),
    minMs: ms(Math.min(...s.samplesMs)),
    maxMs: ms(Math.max(...s.samplesMs)),
    bytes: s.bytes,
    serverCpuMsPerList: round(s.serverCpuMs / n, 1),
    clientCpuMsPerList: round(s.clientCpuMs / n, 1),
  };
}

export function watchSummary(r: WatchRun, cores: WatchCores, stalls: HerdStalls): FleetWatchResult {
  return {
    rate: r.rate,
    created: r.created,
    achievedPerSecond: round(r.created / (r.elapsedMs / 1000), 1),
    p50Ms: round(quantile(r.deltasMs, 0.5), 3),
    p90Ms: round(quantile(r.deltasMs, 0.9), 3),
    p99Ms: round(quantile(r.deltasMs, 0.99), 3),
    maxMs: round(r.deltasMs.length > 0 ? Math.max(...r.deltasMs) : Number.NaN, 3),
    directP50Ms: ms(quantile(r.directMs, 0.5)),
    directP99Ms: ms(quantile(r.directMs, 0.99)),
    lostHerd: r.lostHerd,
    lostDirect: r.lostDirect,
    errors: r.errors,
    ...(r.firstError ? { firstError: r.firstError } : {}),
    cores,
    stalls,
    deltasMs: r.deltasMs.map((d) => round(d, 2)),
  };
}

/** `steps`: Herd's memory after each M's LISTs, M ascending (the last one is `after`). */
export function memorySummary(cachedPods: number, podJsonBytes: number, before: HerdMemory, after: HerdMemory, steps: readonly { readonly pods: number; readonly memory: HerdMemory }[] = []): FleetMemoryResult {
  const per = (bytes: number) => round(bytes / cachedPods, 0);
  const metricsHeap = per(after.metrics.heapUsed - before.metrics.heapUsed);
  const metricsTotal = per(after.metrics.heapUsed + after.metrics.external - before.metrics.heapUsed - before.metrics.external);
  const b = before.afterGc;
  const a = after.afterGc;
  const afterGc = a && b
    ? { heapBytesPerPod: per(a.heapUsed - b.heapUsed), externalBytesPerPod: per(a.external - b.external), totalBytesPerPod: per(a.heapUsed + a.external - b.heapUsed - b.external) }
    : undefined;
  const bytesPerPod = afterGc?.totalBytesPerPod ?? metricsTotal;
  const first = steps[0];
  const last = steps[steps.length - 1];
  const total = (m: HerdMemory | undefined) => (m?.afterGc ? m.afterGc.heapUsed + m.afterGc.external : undefined);
  const firstTotal = total(first?.memory);
  const lastTotal = total(last?.memory);
  const marginal = first && last && last.pods > first.pods && firstTotal !== undefined && lastTotal !== undefined ? round((lastTotal - firstTotal) / (last.pods - first.pods), 0) : undefined;
  return {
    cachedPods,
    podJsonBytes: round(podJsonBytes, 0),
    before,
    after,
    metricsHeapBytesPerPod: metricsHeap,
    metricsHeapExternalBytesPerPod: metricsTotal,
    ...(afterGc ? { afterGc } : {}),
    ...(marginal !== undefined ? { marginalBytesPerPod: marginal } : {}),
    bytesPerPod,
    basis: afterGc ? 'V8 heap + external (Buffers) after a forced full GC' : '/metrics heap + external, minimum of the samples',
    ratio: round(bytesPerPod / podJsonBytes, 3),
  };
}

/** The targets: merged LIST ≤ 0.5; watch delay ≤ 1 ms p50 and ≤ 10 ms p99 with nothing lost; memory ≤ 1.5×; join ≤ 1.3. */
export function fleetVerdicts(lists: readonly FleetListResult[], watch: readonly FleetWatchResult[], memory: FleetMemoryResult, joined: FleetJoinResult): FleetVerdict[] {
  const lost = (w: FleetWatchResult) => (w.lostHerd > 0 ? `${w.lostHerd} of ${w.created} objects never arrived through the view` : undefined);
  return [
    ...lists.map((l) => ({ name: `merged LIST M=${count(l.objects)} Herd/direct p50`, value: l.ratio, unit: '' as const, target: '≤ 0.5', met: l.ratio <= 0.5 })),
    ...watch.flatMap((w) => {
      const why = lost(w);
      return [
        { name: `watch delay ${count(w.rate)} ev/s p50`, value: w.p50Ms, unit: 'ms' as const, target: '≤ 1 ms', met: w.p50Ms <= 1 && !why, ...(why ? { why } : {}) },
        { name: `watch delay ${count(w.rate)} ev/s p99`, value: w.p99Ms, unit: 'ms' as const, target: '≤ 10 ms', met: w.p99Ms <= 10 && !why, ...(why ? { why } : {}) },
      ];
    }),
    { name: 'memory per cached Pod ÷ its JSON', value: memory.ratio, unit: '', target: '≤ 1.5', met: memory.ratio <= 1.5 },
    { name: `join → visible (${count(joined.objects)} Pods) ÷ direct LIST`, value: joined.ratio, unit: '', target: '≤ 1.3', met: joined.ratio <= 1.3 },
  ];
}

/** `27→31 0, 36→6116 10000`; a long run of alike LISTs is shortened to its first and last. */
function timelineText(t: JoinRun['timeline']): string {
  const one = (l: JoinRun['timeline'][number]) => `${l.startMs}→${l.endMs} ${l.status === 200 ? l.items : `HTTP ${l.status}`}`;
  if (t.length <= 4) return t.map(one).join(', ');
  return `${one(t[0]!)}, … ${t.length - 3} more …, ${one(t[t.length - 2]!)}, ${one(t[t.length - 1]!)}`;
}

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const count = (v: number) => v.toLocaleString('en-US');
const mb = (bytes: number) => fmt(bytes / 1e6, 1);

/** The table, the verdicts and the notes, as printed at the end of `npm run bench -- fleet`. */
export function formatFleetReport(r: FleetBenchResult): string {
  const rows: [string, string, string, string][] = [['', 'Herd (view)', 'direct', 'Herd/direct']];
  for (const l of r.lists) {
    const m = `M=${count(l.objects)}`;
    rows.push(
      [`merged LIST ${m}: p50 ms (n=${l.herd.samplesMs.length})`, fmt(l.herd.p50Ms), fmt(l.direct.p50Ms), fmt(l.ratio, 2)],
      [`  ${m} min / max ms`, `${fmt(l.herd.minMs)} / ${fmt(l.herd.maxMs)}`, `${fmt(l.direct.minMs)} / ${fmt(l.direct.maxMs)}`, ''],
      [`  ${m} body MB`, mb(l.herd.bytes), mb(l.direct.bytes), fmt(l.herd.bytes / l.direct.bytes, 2)],
      [`  ${m} CPU per LIST ms: server / client`, `${fmt(l.herd.serverCpuMsPerList, 0)} / ${fmt(l.herd.clientCpuMsPerList, 0)}`, `${fmt(l.direct.serverCpuMsPerList, 0)} / ${fmt(l.direct.clientCpuMsPerList, 0)}`, ''],
      [`  ${m} view's first full LIST after s (LISTs; items in the first)`, `${fmt(l.firstFullList.ms / 1000, 2)} (${l.firstFullList.attempts}; ${count(l.firstFullList.firstItems)})`, '', ''],
      [`  ${m} load: pods created, /s`, `${count(l.load.created)} in ${fmt(l.load.seconds, 0)} s, ${fmt(l.load.perSecond, 0)}/s`, '', ''],
    );
  }
  for (const w of r.watch) {
    const rate = `${count(w.rate)} ev/s`;
    rows.push(
      [`watch ${rate} (achieved ${fmt(w.achievedPerSecond, 0)}/s, n=${w.created}): Herd − direct p50 / p90 ms`, `${fmt(w.p50Ms, 2)} / ${fmt(w.p90Ms, 2)}`, '', ''],
      [`  ${rate} Herd − direct p99 / max ms`, `${fmt(w.p99Ms, 2)} / ${fmt(w.maxMs, 2)}`, '', ''],
      [`  ${rate} create → ADDED on the direct watch p50 / p99 ms`, '', `${fmt(w.directP50Ms, 2)} / ${fmt(w.directP99Ms, 2)}`, ''],
      [`  ${rate} lost: view / direct; create errors`, `${w.lostHerd} / ${w.lostDirect}; ${w.errors}`, '', ''],
      [`  ${rate} cores: Herd / member and etcd / client`, `${fmt(w.cores.herd, 2)} / ${fmt(w.cores.member, 2)} / ${fmt(w.cores.client, 2)}`, '', ''],
      [`  ${rate} Herd's event loop: longest stall ms; GCs (≥ 10 ms)`, `${fmt(w.stalls.loopMaxMs, 0)}; ${Object.entries(w.stalls.gc).map(([k, g]) => `${k} ${g.count} (${g.over10ms})`).join(', ') || 'none'}`, '', ''],
    );
  }
  const mem = r.memory;
  rows.push([`memory per cached Pod, bytes (${count(mem.cachedPods)} Pods; direct: its JSON in a LIST)`, fmt(mem.bytesPerPod, 0), fmt(mem.podJsonBytes, 0), fmt(mem.ratio, 2)]);
  if (mem.afterGc) rows.push([`  after GC: heap + external bytes per Pod`, `${fmt(mem.afterGc.heapBytesPerPod, 0)} + ${fmt(mem.afterGc.externalBytesPerPod, 0)}`, '', '']);
  if (mem.marginalBytesPerPod !== undefined) {
    const ms = r.lists.map((l) => count(l.objects));
    rows.push([`  after GC: bytes per Pod from M=${ms[0]} to M=${ms[ms.length - 1]} (marginal)`, fmt(mem.marginalBytesPerPod, 0), '', fmt(mem.marginalBytesPerPod / mem.podJsonBytes, 2)]);
  }
  rows.push(
    [`  /metrics heap (min of ${mem.after.metrics.samples}) bytes per Pod; with external`, `${fmt(mem.metricsHeapBytesPerPod, 0)}; ${fmt(mem.metricsHeapExternalBytesPerPod, 0)}`, '', fmt(mem.metricsHeapBytesPerPod / mem.podJsonBytes, 2)],
    [`  Herd heap before → after MB (/metrics)`, `${mb(mem.before.metrics.heapUsed)} → ${mb(mem.after.metrics.heapUsed)}`, '', ''],
  );
  if (mem.before.afterGc && mem.after.afterGc) {
    rows.push([`  Herd heap + external after GC, before → after MB; RSS after`, `${mb(mem.before.afterGc.heapUsed + mem.before.afterGc.external)} → ${mb(mem.after.afterGc.heapUsed + mem.after.afterGc.external)}; ${mb(mem.after.afterGc.rss)}`, '', '']);
  }
  const j = r.join;
  rows.push(
    [`join ${j.member} (${count(j.objects)} Pods) → view lists them all, ms; direct full LIST p50`, fmt(j.visibleMs, 0), fmt(j.direct.p50Ms, 0), fmt(j.ratio, 2)],
    [`  joinMember done / first partial view LIST, ms; view LISTs`, `${fmt(j.joinCallMs, 0)} / ${j.firstItemsMs < 0 ? 'none' : fmt(j.firstItemsMs, 0)}; ${j.viewLists}`, '', ''],
    [`  view LISTs, ms from the join: start→end items`, timelineText(j.timeline), '', ''],
  );
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   ');
  const errors = r.watch.filter((w) => w.firstError).map((w) => `first create error at ${count(w.rate)} ev/s: ${w.firstError}`);
  return [
    `Herd fleet-view benchmark: ${r.herd} with ${r.members}, ${r.startedAt} (${fmt(r.seconds / 60, 1)} min)`,
    `machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, node ${r.machine.node}, load average at start ${r.machine.loadAverageAtStart.join(' ')}`,
    '',
    line(rows[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(1).map(line),
    ...errors,
    '',
    ...r.verdicts.map((v) => `${v.name} ${fmt(v.value, 2)}${v.unit ? ` ${v.unit}` : ''} (target ${v.target}): ${v.met ? 'met' : 'NOT met'}${v.why ? ` (${v.why})` : ''}`),
    '',
    ...r.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

/** Writes the result as `<dir>/fleet-<timestamp>.json`; returns the path. */
export function writeFleetResult(dir: string, r: FleetBenchResult): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `fleet-${r.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, JSON.stringify(r, null, 2) + '\n');
  return path;
}
