import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round, type ApiBenchResult } from './api-report.js';
import type { EngineCase } from './gslb-engine.js';
import type { AnswerChange } from './gslb-failover.js';
import type { DnsLoadRun } from './gslb-dns-load.js';
import { quantile, type RunResult } from './load-runner.js';

/** Decisions through the decision subresource: a closed loop of GETs. */
export interface ApiDecisions {
  readonly path: string;
  readonly concurrency: number;
  readonly count: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly responseBytes: number;
  readonly herdCores: number;
  readonly clientCores: number;
}

/** One DNS server under the load generator, all rounds together. */
export interface DnsSide {
  readonly server: string;
  readonly sent: number;
  readonly completed: number;
  readonly lost: number;
  readonly seconds: number;
  /** NOERROR answers per second. */
  readonly answersPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** dnsperf's own figures, when it ran: the average and the largest latency. */
  readonly avgMs?: number;
  readonly maxMs?: number;
  readonly responseBytes: number;
  readonly rcodes: Readonly<Record<string, number>>;
  /** The server's CPU time per answer (user + system, all its processes), µs. */
  readonly serverCpuUsPerAnswer: number;
  readonly serverCores: number;
  /** The load generator's cores meanwhile. */
  readonly clientCores?: number;
}

export interface DnsComparison {
  readonly generator: string;
  readonly outstanding: number;
  /** Measuring time per side, in `rounds` alternating rounds after a warm-up each. */
  readonly seconds: number;
  readonly rounds: number;
  readonly herd: DnsSide;
  readonly reference?: DnsSide;
  /** The same servers with one query outstanding: latency without queueing. */
  readonly single: { readonly herd: DnsSide; readonly reference?: DnsSide };
  /** Why there is no reference figure. */
  readonly referenceError?: string;
  /** Herd answers/s ÷ reference answers/s. */
  readonly ratio?: number;
}

export interface IngressTrial {
  readonly address: string;
  readonly removed: AnswerChange;
  readonly excludedReason?: string;
  readonly returned: AnswerChange;
}

export interface MemberKill {
  readonly member: string;
  readonly address: string;
  readonly removed: AnswerChange;
  readonly excludedReason?: string;
}

/** A target: the figure, its unit, and whether it is met; `met` undefined when it could not be measured. */
export interface GslbVerdict {
  readonly name: string;
  readonly value?: number;
  readonly unit: string;
  readonly target: string;
  readonly met?: boolean;
  readonly why?: string;
}

export interface GslbBenchResult {
  readonly benchmark: 'gslb';
  readonly startedAt: string;
  readonly machine: ApiBenchResult['machine'] & { readonly engineOtherCores?: number };
  readonly herd: string;
  readonly members: string;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  /** Debian packages and what became of them in this run. */
  readonly tools: readonly { readonly package: string; readonly path?: string; readonly installed: boolean; readonly error?: string }[];
  readonly engine: readonly EngineCase[];
  readonly readySeconds: number;
  readonly api: ApiDecisions;
  /** One request at a time. */
  readonly apiSingle: ApiDecisions;
  readonly dns: DnsComparison;
  readonly failover: { readonly ingress: readonly IngressTrial[]; readonly member?: MemberKill; readonly boundSeconds: number; readonly pollIntervalMs: number };
  readonly verdicts: readonly GslbVerdict[];
  readonly notes: readonly string[];
}

const ms = (v: number) => round(v, 3);

export function apiSummary(path: string, concurrency: number, run: RunResult, bytes: number, herdCpuMs: number, clientCpuMs: number): ApiDecisions {
  return {
    path,
    concurrency,
    count: run.count,
    errors: run.errors,
    ...(run.firstError ? { firstError: run.firstError } : {}),
    seconds: round(run.elapsedMs / 1000, 2),
    perSecond: round(run.count / (run.elapsedMs / 1000), 0),
    p50Ms: ms(quantile(run.latenciesMs, 0.5)),
    p99Ms: ms(quantile(run.latenciesMs, 0.99)),
    responseBytes: bytes,
    herdCores: round(herdCpuMs / run.elapsedMs, 2),
    clientCores: round(clientCpuMs / run.elapsedMs, 2),
  };
}

/** Rounds of one server merged: counts and time summed, latencies pooled. */
export function dnsSide(server: string, runs: readonly DnsLoadRun[], serverCpuMs: number): DnsSide {
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const completed = runs.reduce((s, r) => s + r.completed, 0);
  const rcodes: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.rcodes)) rcodes[k] = (rcodes[k] ?? 0) + v;
  const latencies = new Float64Array(runs.reduce((s, r) => s + r.latenciesMs.length, 0));
  let i = 0;
  for (const r of runs) for (const l of r.latenciesMs) latencies[i++] = l;
  latencies.sort();
  const at = (p: number) => (latencies.length === 0 ? Number.NaN : latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(p * latencies.length) - 1))]!);
  const reported = runs.map((r) => r.reported).filter((r): r is NonNullable<DnsLoadRun['reported']> => r !== undefined);
  const answers = rcodes.NOERROR ?? 0;
  return {
    server,
    sent: runs.reduce((s, r) => s + r.sent, 0),
    completed,
    lost: runs.reduce((s, r) => s + r.lost, 0),
    seconds: round(seconds, 2),
    answersPerSecond: round(answers / seconds, 0),
    p50Ms: ms(at(0.5)),
    p99Ms: ms(at(0.99)),
    ...(reported.length === runs.length && runs.length > 0
      ? {
          avgMs: ms(reported.reduce((s, r, k) => s + r.avgLatencyMs * runs[k]!.completed, 0) / Math.max(1, completed)),
          maxMs: ms(Math.max(...reported.map((r) => r.maxLatencyMs))),
        }
      : {}),
    responseBytes: Math.round(runs.reduce((s, r) => s + r.responseBytes * r.completed, 0) / Math.max(1, completed)),
    rcodes,
    serverCpuUsPerAnswer: round((serverCpuMs * 1000) / Math.max(1, completed), 2),
    serverCores: round(serverCpuMs / (seconds * 1000), 2),
    ...(runs.every((r) => r.clientCpuMs !== undefined) ? { clientCores: round(runs.reduce((n, r) => n + r.clientCpuMs!, 0) / (seconds * 1000), 2) } : {}),
  };
}

const fmt = (v: number | undefined, digits = 1) => (v !== undefined && Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');

function table(rows: string[][]): string[] {
  const cols = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) => widths.map((w, c) => (c === 0 ? (row[c] ?? '').padEnd(w) : (row[c] ?? '').padStart(w))).join('   ').trimEnd();
  return [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
}

/** The issue's targets: in-process p99 ≤ 1 ms, DNS answers/s ≥ 0.5 × the reference's, failover ≤ 4 s. */
export function gslbVerdicts(r: Pick<GslbBenchResult, 'engine' | 'dns' | 'failover'>): GslbVerdict[] {
  const worst = [...r.engine].sort((a, b) => b.p99Us - a.p99Us)[0];
  const out: GslbVerdict[] = [];
  if (worst) out.push({ name: `decision p99 in process (worst case: ${worst.strategy} over ${worst.clusters})`, value: round(worst.p99Us / 1000, 4), unit: 'ms', target: '≤ 1 ms', met: worst.p99Us <= 1000 });
  out.push(
    r.dns.ratio !== undefined
      ? { name: `DNS answers/s, Herd ÷ ${r.dns.reference?.server ?? 'reference'}`, value: r.dns.ratio, unit: '', target: '≥ 0.5', met: r.dns.ratio >= 0.5 }
      : { name: 'DNS answers/s, Herd ÷ reference', unit: '', target: '≥ 0.5', why: r.dns.referenceError ?? 'the reference did not run' },
  );
  const bound = r.failover.boundSeconds;
  const m = r.failover.member;
  if (m) {
    out.push(
      m.removed.seconds !== undefined
        ? { name: `failover, ${m.member} kube-apiserver killed → out of the answers`, value: m.removed.seconds, unit: 's', target: `≤ ${bound} s`, met: m.removed.seconds <= bound }
        : { name: `failover, ${m.member} kube-apiserver killed → out of the answers`, unit: 's', target: `≤ ${bound} s`, met: false, why: 'it was still answered when polling gave up' },
    );
  }
  if (r.failover.ingress.length > 0) {
    const times = r.failover.ingress.map((t) => t.removed.seconds);
    const worstIngress = times.some((t) => t === undefined) ? undefined : Math.max(...(times as number[]));
    out.push(
      worstIngress !== undefined
        ? { name: `failover, ingress killed → out of the answers (worst of ${times.length})`, value: worstIngress, unit: 's', target: `≤ ${bound} s`, met: worstIngress <= bound }
        : { name: 'failover, ingress killed → out of the answers', unit: 's', target: `≤ ${bound} s`, met: false, why: 'an ingress kill was still answered when polling gave up' },
    );
  }
  return out;
}

function verdictLine(v: GslbVerdict): string {
  if (v.met === undefined) return `${v.name}: not measured (target ${v.target}): ${v.why ?? ''}`;
  const value = v.unit === 'ms' ? `${fmt(v.value, 3)} ms` : v.unit === 's' ? `${fmt(v.value, 2)} s` : fmt(v.value, 2);
  return `${v.name} ${value} (target ${v.target}): ${v.met ? 'met' : 'NOT met'}${v.why ? ` (${v.why})` : ''}`;
}

function change(c: AnswerChange): string {
  return c.seconds !== undefined ? fmt(c.seconds, 2) : 'never';
}

/** The tables, the verdicts and the notes, as printed at the end of `npm run bench -- gslb`. */
export function formatGslbReport(r: GslbBenchResult): string {
  const engine = table([
    ['decide() in process', 'answered', 'p50 µs', 'p99 µs', 'p99.9 µs', 'max µs', 'decisions/s per core', 'calls'],
    ...r.engine.map((c) => [`${c.strategy}, ${c.clusters} healthy clusters`, String(c.answered), fmt(c.p50Us, 2), fmt(c.p99Us, 2), fmt(c.p999Us, 2), fmt(c.maxUs, 1), fmt(c.perCoreSecond, 0), fmt(c.calls, 0)]),
  ]);
  const a = r.api;
  const d = r.dns;
  const h = d.herd;
  const ref = d.reference;
  const side = (s: DnsSide | undefined, f: (s: DnsSide) => string) => (s ? f(s) : 'n/a');
  const through = table([
    ['through Herd', 'Herd', ref ? `${ref.server} (reference)` : 'reference', 'Herd/reference'],
    [`API: decisions/s (${a.concurrency} in flight, ${fmt(a.seconds, 1)} s)`, fmt(a.perSecond, 0), '', ''],
    ['API: latency p50 / p99 ms', `${fmt(a.p50Ms, 2)} / ${fmt(a.p99Ms, 2)}`, '', ''],
    ['API: cores Herd / client; response bytes', `${fmt(a.herdCores, 2)} / ${fmt(a.clientCores, 2)}; ${a.responseBytes}`, '', ''],
    ['API: decisions / errors', `${a.count} / ${a.errors}`, '', ''],
    [`API: latency at 1 in flight p50 / p99 ms (${fmt(r.apiSingle.perSecond, 0)}/s)`, `${fmt(r.apiSingle.p50Ms, 2)} / ${fmt(r.apiSingle.p99Ms, 2)}`, '', ''],
    [`DNS: answers/s (UDP, ${d.outstanding} outstanding, ${d.generator})`, fmt(h.answersPerSecond, 0), side(ref, (s) => fmt(s.answersPerSecond, 0)), d.ratio !== undefined ? fmt(d.ratio, 2) : 'n/a'],
    ['DNS: latency p50 / p99 ms', `${fmt(h.p50Ms, 3)} / ${fmt(h.p99Ms, 3)}`, side(ref, (s) => `${fmt(s.p50Ms, 3)} / ${fmt(s.p99Ms, 3)}`), ref ? fmt(h.p99Ms / ref.p99Ms, 2) : ''],
    ...(h.avgMs !== undefined ? [['DNS: latency average / max ms (dnsperf)', `${fmt(h.avgMs, 3)} / ${fmt(h.maxMs, 1)}`, side(ref, (s) => `${fmt(s.avgMs, 3)} / ${fmt(s.maxMs, 1)}`), '']] : []),
    ['DNS: server CPU µs per answer', fmt(h.serverCpuUsPerAnswer, 2), side(ref, (s) => fmt(s.serverCpuUsPerAnswer, 2)), ref ? fmt(h.serverCpuUsPerAnswer / ref.serverCpuUsPerAnswer, 2) : ''],
    ['DNS: cores server / load generator', `${fmt(h.serverCores, 2)} / ${fmt(h.clientCores, 2)}`, side(ref, (s) => `${fmt(s.serverCores, 2)} / ${fmt(s.clientCores, 2)}`), ''],
    ['DNS: latency at 1 outstanding p50 / p99 ms', `${fmt(d.single.herd.p50Ms, 3)} / ${fmt(d.single.herd.p99Ms, 3)}`, side(d.single.reference, (s) => `${fmt(s.p50Ms, 3)} / ${fmt(s.p99Ms, 3)}`), d.single.reference ? fmt(d.single.herd.p99Ms / d.single.reference.p99Ms, 2) : ''],
    ['DNS: response bytes', String(h.responseBytes), side(ref, (s) => String(s.responseBytes)), ''],
    ['DNS: queries sent / answered / lost', `${h.sent} / ${h.completed} / ${h.lost}`, side(ref, (s) => `${s.sent} / ${s.completed} / ${s.lost}`), ''],
    ['DNS: rcodes', Object.entries(h.rcodes).map(([k, v]) => `${k} ${v}`).join(', '), side(ref, (s) => Object.entries(s.rcodes).map(([k, v]) => `${k} ${v}`).join(', ')), ''],
  ]);
  const f = r.failover;
  const failRows: string[][] = [['failover (DNS polled every ' + f.pollIntervalMs + ' ms)', 'out of answers s', 'reason', 'polls / failed', 'others missing', 'back in answers s']];
  for (const [i, t] of f.ingress.entries()) {
    failRows.push([`ingress ${t.address} killed (trial ${i + 1})`, change(t.removed), t.excludedReason ?? '?', `${t.removed.polls} / ${t.removed.failedPolls}`, `${t.removed.steadyMissing + t.returned.steadyMissing}`, change(t.returned)]);
  }
  const others = [...f.ingress.flatMap((t) => [t.removed, t.returned]), ...(f.member ? [f.member.removed] : [])];
  const answers = others.reduce((n, c) => n + c.polls - c.failedPolls, 0);
  const missing = others.reduce((n, c) => n + c.steadyMissing, 0);
  const failedPolls = others.reduce((n, c) => n + c.failedPolls, 0);
  if (f.member) failRows.push([`${f.member.member} kube-apiserver SIGKILL (${f.member.address})`, change(f.member.removed), f.member.excludedReason ?? '?', `${f.member.removed.polls} / ${f.member.removed.failedPolls}`, String(f.member.removed.steadyMissing), 'not restarted']);
  const errors = [a.firstError && `API: ${a.firstError}`].filter(Boolean);
  const tools = r.tools.map((t) => `${t.package}: ${t.error ? `unavailable (${t.error})` : `${t.path}${t.installed ? ', installed by this run with apt-get' : ''}`}`);
  return [
    `Herd global load balancing benchmark: ${r.herd} → ${r.members}, ${r.startedAt}`,
    `machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, node ${r.machine.node}, load average at start ${r.machine.loadAverageAtStart.join(' ')}; other processes ${r.machine.engineOtherCores ?? '?'} cores in process, ${r.machine.backgroundCores ?? '?'} through Herd`,
    `Debian tools: ${tools.join('; ')}`,
    '',
    ...engine,
    '',
    `GlobalLoadBalancer Ready with 3 healthy clusters ${fmt(r.readySeconds, 2)} s after its create`,
    ...through,
    ...errors.map((e) => `first error ${e}`),
    ...(d.referenceError ? [`reference DNS server: could not run: ${d.referenceError}`] : []),
    '',
    ...table(failRows),
    `the other clusters' addresses were in ${missing === 0 ? 'every one' : `${answers - missing}`} of the ${answers} answers polled during the outages and returns${missing > 0 ? `; first answer without them: ${others.find((c) => c.firstBadAnswer)?.firstBadAnswer}` : ''}; ${failedPolls} polls failed`,
    '',
    ...r.verdicts.map(verdictLine),
    '',
    ...r.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

/** Writes the result as `<dir>/gslb-<timestamp>.json` (latencies are summarised, not kept); returns the path. */
export function writeGslbResult(dir: string, r: GslbBenchResult): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `gslb-${r.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, JSON.stringify(r, null, 2) + '\n');
  return path;
}
