import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { quantile, type RunResult } from './load-runner.js';

/** What one server measured, in the units printed. */
export interface SideResult {
  readonly server: string;
  /** Size of one stored object as a GET returns it, and of the full LIST body. */
  readonly objectBytes: number;
  readonly listItems: number;
  readonly listBytes: number;
  readonly load: { readonly count: number; readonly errors: number; readonly seconds: number; readonly perSecond: number; readonly p50Ms: number; readonly p99Ms: number; readonly serverCpuSeconds: number; readonly clientCpuSeconds: number };
  readonly list: { readonly samplesMs: number[]; readonly p50Ms: number; readonly p90Ms: number; readonly serverCpuMsPerList: number; readonly clientCpuMsPerList: number };
  readonly pagedList: { readonly limit: number; readonly pages: number; readonly ms: number };
  readonly get: { readonly count: number; readonly errors: number; readonly perSecond: number; readonly p50Ms: number; readonly p99Ms: number; readonly serverCpuMsPerRequest: number; readonly clientCpuMsPerRequest: number };
}

export interface Verdict {
  readonly name: string;
  readonly ratio: number;
  readonly target: string;
  readonly met: boolean;
}

export interface ApiBenchResult {
  readonly benchmark: 'api';
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly memoryGiB: number; readonly node: string; readonly loadAverageAtStart: number[]; readonly backgroundCores?: number };
  readonly params: { readonly objects: number; readonly concurrency: number; readonly listWarmups: number; readonly listIterations: number; readonly getSeconds: number; readonly getRounds: number; readonly pageLimit: number };
  readonly herd: SideResult;
  readonly kube: SideResult;
  readonly ratios: { readonly listP50: number; readonly listP90: number; readonly getPerSecond: number; readonly getP99: number; readonly loadPerSecond: number };
  readonly verdicts: Verdict[];
  readonly notes: string[];
}

export function machineInfo(): ApiBenchResult['machine'] {
  const all = cpus();
  return {
    cpus: all.length,
    cpuModel: all[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Load summary of a create run. */
export function loadSummary(run: RunResult, serverCpuMs: number, clientCpuMs: number): SideResult['load'] {
  const seconds = run.elapsedMs / 1000;
  return {
    count: run.count,
    errors: run.errors,
    seconds: round(seconds, 2),
    perSecond: round(run.count / seconds, 0),
    p50Ms: round(quantile(run.latenciesMs, 0.5), 2),
    p99Ms: round(quantile(run.latenciesMs, 0.99), 2),
    serverCpuSeconds: round(serverCpuMs / 1000, 2),
    clientCpuSeconds: round(clientCpuMs / 1000, 2),
  };
}

export function getSummary(run: RunResult, serverCpuMs: number, clientCpuMs: number): SideResult['get'] {
  return {
    count: run.count,
    errors: run.errors,
    perSecond: round(run.count / (run.elapsedMs / 1000), 0),
    p50Ms: round(quantile(run.latenciesMs, 0.5), 2),
    p99Ms: round(quantile(run.latenciesMs, 0.99), 2),
    serverCpuMsPerRequest: round(serverCpuMs / Math.max(1, run.count), 3),
    clientCpuMsPerRequest: round(clientCpuMs / Math.max(1, run.count), 3),
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The two targets of the issue: LIST p50 ratio ≤ 0.5, GET/s ratio ≥ 1.0. */
export function verdicts(ratios: ApiBenchResult['ratios']): Verdict[] {
  return [
    { name: 'LIST ratio', ratio: ratios.listP50, target: '≤ 0.5', met: ratios.listP50 <= 0.5 },
    { name: 'GET/s ratio', ratio: ratios.getPerSecond, target: '≥ 1.0', met: ratios.getPerSecond >= 1.0 },
  ];
}

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');

/** The table, the verdicts and the notes, as printed at the end of `npm run bench -- api`. */
export function formatReport(r: ApiBenchResult): string {
  const { herd: h, kube: k, ratios } = r;
  const rows: [string, string, string, string][] = [
    ['', 'Herd', 'kube-apiserver', 'herd/kube'],
    ['object size (GET body, bytes)', fmt(h.objectBytes, 0), fmt(k.objectBytes, 0), fmt(h.objectBytes / k.objectBytes, 2)],
    [`LIST body (${fmt(h.listItems, 0)} / ${fmt(k.listItems, 0)} items, MB)`, fmt(h.listBytes / 1e6, 1), fmt(k.listBytes / 1e6, 1), fmt(h.listBytes / k.listBytes, 2)],
    [`load: creates/s (${r.params.concurrency} in flight)`, fmt(h.load.perSecond, 0), fmt(k.load.perSecond, 0), fmt(ratios.loadPerSecond, 2)],
    ['load: create p50 / p99 ms', `${fmt(h.load.p50Ms)} / ${fmt(h.load.p99Ms)}`, `${fmt(k.load.p50Ms)} / ${fmt(k.load.p99Ms)}`, ''],
    ['load: CPU s, server / client', `${fmt(h.load.serverCpuSeconds)} / ${fmt(h.load.clientCpuSeconds)}`, `${fmt(k.load.serverCpuSeconds)} / ${fmt(k.load.clientCpuSeconds)}`, ''],
    [`LIST all p50 ms (n=${r.params.listIterations})`, fmt(h.list.p50Ms), fmt(k.list.p50Ms), fmt(ratios.listP50, 2)],
    ['LIST all p90 ms', fmt(h.list.p90Ms), fmt(k.list.p90Ms), fmt(ratios.listP90, 2)],
    ['LIST all: CPU ms per LIST, server / client', `${fmt(h.list.serverCpuMsPerList, 0)} / ${fmt(h.list.clientCpuMsPerList, 0)}`, `${fmt(k.list.serverCpuMsPerList, 0)} / ${fmt(k.list.clientCpuMsPerList, 0)}`, ''],
    [`LIST paged (limit=${r.params.pageLimit}) total ms`, `${fmt(h.pagedList.ms)} (${h.pagedList.pages} p)`, `${fmt(k.pagedList.ms)} (${k.pagedList.pages} p)`, fmt(h.pagedList.ms / k.pagedList.ms, 2)],
    [`GET/s (${r.params.concurrency} in flight, ${r.params.getSeconds} s)`, fmt(h.get.perSecond, 0), fmt(k.get.perSecond, 0), fmt(ratios.getPerSecond, 2)],
    ['GET p50 / p99 ms (ratio of p99)', `${fmt(h.get.p50Ms, 2)} / ${fmt(h.get.p99Ms, 2)}`, `${fmt(k.get.p50Ms, 2)} / ${fmt(k.get.p99Ms, 2)}`, fmt(ratios.getP99, 2)],
    ['GET: CPU ms per request, server / client', `${fmt(h.get.serverCpuMsPerRequest, 2)} / ${fmt(h.get.clientCpuMsPerRequest, 2)}`, `${fmt(k.get.serverCpuMsPerRequest, 2)} / ${fmt(k.get.clientCpuMsPerRequest, 2)}`, ''],
    ['errors (load / GET)', `${h.load.errors} / ${h.get.errors}`, `${k.load.errors} / ${k.get.errors}`, ''],
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   ');
  const out = [
    `Herd API benchmark: ${h.server} vs ${k.server}, ${r.params.objects} objects, ${r.startedAt}`,
    `machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, node ${r.machine.node}, load average at start ${r.machine.loadAverageAtStart.join(' ')}`,
    '',
    line(rows[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(1).map(line),
    '',
    ...r.verdicts.map((v) => `${v.name} ${fmt(v.ratio, 2)} (target ${v.target}): ${v.met ? 'met' : 'NOT met'}`),
    '',
    ...r.notes.map((n) => `note: ${n}`),
  ];
  return out.join('\n');
}

/** Writes the result as `<dir>/api-<timestamp>.json`; returns the path. */
export function writeResult(dir: string, r: ApiBenchResult): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `api-${r.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, JSON.stringify(r, null, 2) + '\n');
  return path;
}
