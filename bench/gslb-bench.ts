import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../e2e/controlplane/free-port.js';
import { queryDns } from '../pkg/gslb/dns-client.js';
import { round } from './api-report.js';
import { monotonicUs, newestProfile, summariseProfile, type ProfileWindow } from './cpu-profile.js';
import { startBenchFleet, type BenchFleet } from './bench-fleet.js';
import { ensureDebianTool, type DebianTool } from './gslb-debian-tool.js';
import { runNodeDnsLoad, type DnsLoadOptions, type DnsLoadRun, type DnsLoadTarget } from './gslb-dns-load.js';
import { runDnsperf } from './gslb-dnsperf.js';
import { measureEngine } from './gslb-engine.js';
import { timeUntilAnswer } from './gslb-failover.js';
import { DECISION_PATH, GSLB_ADDRESSES, GSLB_HOSTNAME, GSLB_NAMESPACE, GSLB_TTL_SECONDS, GSLB_ZONE, HEALTH_CHECK, Ingresses, answerOf, createGslbFixture } from './gslb-fixture.js';
import { startNsd, type ReferenceDns } from './gslb-reference-dns.js';
import { apiSummary, dnsSide, formatGslbReport, gslbVerdicts, writeGslbResult, type DnsComparison, type DnsSide, type GslbBenchResult, type IngressTrial, type MemberKill } from './gslb-report.js';
import { HttpPool } from './http-pool.js';
import { runFor } from './load-runner.js';
import { cpuMs, machineBusyMs, selfCpuMs } from './process-cpu.js';
import { startBenchRun } from './bench-run.js';

export interface GslbBenchOptions {
  /** Timed decide() calls per in-process case, after `warmupCalls`. */
  readonly calls: number;
  readonly warmupCalls: number;
  /** An in-process case stops early after this long. */
  readonly maxSecondsPerCase: number;
  /** Decision GETs in flight through the API. */
  readonly concurrency: number;
  /** Measuring time of the API run, and per DNS server (split over `rounds` alternating rounds). */
  readonly seconds: number;
  /** Warm-up before the API run and before each DNS server's rounds. */
  readonly warmupSeconds: number;
  readonly rounds: number;
  /** DNS queries outstanding from the load generator. */
  readonly dnsOutstanding: number;
  /** Ingress kills (each followed by a restart). */
  readonly ingressTrials: number;
  readonly pollIntervalMs: number;
}

export const DEFAULT_GSLB_OPTIONS: GslbBenchOptions = {
  calls: 200_000,
  warmupCalls: 20_000,
  maxSecondsPerCase: 10,
  concurrency: 16,
  seconds: 10,
  warmupSeconds: 2,
  rounds: 2,
  dnsOutstanding: 100,
  ingressTrials: 3,
  pollIntervalMs: 50,
};

const MEMBERS = 3;
const SIZES = [3, 100];
const FAILOVER_BOUND_S = HEALTH_CHECK.periodSeconds * HEALTH_CHECK.failureThreshold + HEALTH_CHECK.periodSeconds;
const POLL_TIMEOUT_MS = 20_000;
/** Seconds of the unloaded latency runs (one request or query at a time). */
const SINGLE_SECONDS = 3;

const log = (line: string) => console.error(line);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Size of an answer to the hostname's A query, no EDNS, when no name is compressed (RFC 1035 4.1.4). */
function uncompressed(records: number): number {
  const wireName = GSLB_HOSTNAME.split('.').reduce((n, label) => n + label.length + 1, 1);
  return 12 + wireName + 4 + records * (wireName + 10 + 4);
}

/** What the decision subresource excludes a cluster for now, if it does. */
async function excludedReason(herd: HttpPool, cluster: string): Promise<string | undefined> {
  const reply = await herd.request({ path: DECISION_PATH, keepBody: true }).catch(() => undefined);
  if (reply?.status !== 200) return undefined;
  const d = JSON.parse(reply.body!.toString('utf8')) as { excluded: { cluster: string; reason: string }[] };
  return d.excluded.find((e) => e.cluster === cluster)?.reason;
}

/** One load generator for both servers: dnsperf when Debian's package is there, else the Node generator. */
interface Generator {
  readonly name: string;
  /** It runs in this process, whose CPU time is already counted as ours. */
  readonly inProcess: boolean;
  run(target: DnsLoadTarget, o: DnsLoadOptions, tag: string): Promise<DnsLoadRun>;
}

function generatorFor(dnsperf: DebianTool, work: string): Generator {
  if (dnsperf.path) {
    const binary = dnsperf.path;
    let version = 'dnsperf';
    try {
      version = `dnsperf ${/Version (\S+)/.exec(execFileSync(binary, ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))?.[1] ?? ''}`.trim();
    } catch (err) {
      // dnsperf -h exits 1 after printing its usage.
      const out = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`;
      version = `dnsperf ${/Version (\S+)/.exec(out)?.[1] ?? ''}`.trim();
    }
    return {
      name: version,
      inProcess: false,
      run: (target, o, tag) => runDnsperf(binary, target, { ...o, sockets: 1 }, { queries: join(work, 'dnsperf-queries.txt'), output: join(work, `dnsperf-${tag}.out`) }),
    };
  }
  return {
    name: 'node UDP generator (bench/gslb-dns-load.ts)',
    inProcess: true,
    run: async (target, o) => {
      const c0 = selfCpuMs();
      const run = await runNodeDnsLoad(target, { ...o, sockets: 4 });
      return { ...run, clientCpuMs: selfCpuMs() - c0 };
    },
  };
}

/**
 * `npm run bench -- gslb`: global load balancing, in one run. The decision engine in process (every strategy over 3
 * and 100 clusters); then a fleet of 3 real kube-apiservers joined to a standalone Herd serving DNS, a
 * GlobalLoadBalancer over a FederatedService on them, and: decisions/s through the decision subresource, DNS
 * answers/s against NSD (Debian's package) serving the same answer from a static zone with the same load generator,
 * and the time from an ingress kill and from a member kill to the address leaving the answers. Prints the tables with
 * the targets, writes `.herd/bench/gslb-<timestamp>.json`, and tears everything down, also on an error or Ctrl-C.
 */
export async function runGslbBench(options: GslbBenchOptions = DEFAULT_GSLB_OPTIONS): Promise<GslbBenchResult> {
  const { root, startedAt, machine, teardown, work } = startBenchRun(log);
  // HERD_BENCH_CPU_PROFILE_DIR (read by startBenchFleet) makes Herd write a CPU profile; it is summarised per phase.
  const profileDir = process.env.HERD_BENCH_CPU_PROFILE_DIR;
  const windows: ProfileWindow[] = [];
  try {
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    const interrupted = () => {
      if (teardown.interrupted) throw new Error('interrupted');
    };

    // Debian's tools first: apt-get is busy work that must not overlap any measurement.
    const nsd = await ensureDebianTool('nsd', 'nsd', log);
    const dnsperf = await ensureDebianTool('dnsperf', 'dnsperf', log);
    for (const t of [nsd, dnsperf]) if (t.error) log(`${t.package}: ${t.error}`);
    const generator = generatorFor(dnsperf, work);

    // 1. In process, on a machine with nothing else of ours running yet.
    log(`decision engine in process: ${options.warmupCalls} warm-up calls, then ${options.calls} timed calls per case (at most ${options.maxSecondsPerCase} s each)`);
    const engine0 = { busy: machineBusyMs(), self: selfCpuMs(), at: Date.now() };
    const engine = measureEngine(SIZES, { calls: options.calls, warmups: options.warmupCalls, maxSecondsPerCase: options.maxSecondsPerCase }, log);
    const engineOtherCores = round(Math.max(0, machineBusyMs() - engine0.busy - (selfCpuMs() - engine0.self)) / Math.max(1, Date.now() - engine0.at), 2);
    interrupted();

    // 2. Through Herd.
    const dnsPort = await freePort();
    log(`starting a fleet of ${MEMBERS} members and Herd (standalone, DNS on 127.0.0.1:${dnsPort} for ${GSLB_ZONE}) under ${work}`);
    const fleet: BenchFleet = await startBenchFleet(
      work,
      teardown,
      { members: MEMBERS, namespaces: [GSLB_NAMESPACE], version, herdArgs: [`--dns-port=${dnsPort}`, `--dns-zone=${GSLB_ZONE}`, '--dns-bind-address=127.0.0.1'] },
      log,
    );
    const herdDns = { address: '127.0.0.1', port: dnsPort };
    log(`Herd at ${fleet.herd.url}; members ${fleet.members.map((m) => `${m.name} ${m.url}`).join(', ')}`);
    const ingresses = new Ingresses();
    teardown.add('ingress listeners', () => ingresses.stopAll());
    await ingresses.startAll(GSLB_ADDRESSES);
    log(`ingress listeners on ${GSLB_ADDRESSES.join(', ')} port ${ingresses.port}`);
    const herdPool = new HttpPool(fleet.herd.url, fleet.herd.tls, options.concurrency);
    teardown.add('connections', () => herdPool.close());
    const readySeconds = round(await createGslbFixture(herdPool, fleet.members, ingresses.port, herdDns, log), 2);
    log(`GlobalLoadBalancer ${GSLB_NAMESPACE}/web Ready, 3 healthy clusters, ${readySeconds} s after its create`);

    const allPids = () => [...fleet.herd.pids, ...fleet.members.map((m) => m.pid), fleet.etcdPid];
    const noise0 = { busy: machineBusyMs(), ours: cpuMs(allPids()) + selfCpuMs(), at: Date.now() };

    // API: decisions through the subresource.
    const path = `${DECISION_PATH}?clientRegion=us-east`;
    const check = await herdPool.expect({ path }, 200);
    const decision = JSON.parse(check.body!.toString('utf8')) as { targets: { answered: boolean }[] };
    if (decision.targets.filter((t) => t.answered).length !== MEMBERS) throw new Error(`the decision answers ${decision.targets.filter((t) => t.answered).length} clusters, not ${MEMBERS}: ${check.body!.toString('utf8').slice(0, 400)}`);
    const get = async () => {
      const reply = await herdPool.request({ path });
      if (reply.status !== 200) throw new Error(`GET ${path}: HTTP ${reply.status}`);
    };
    log(`API: GET …/decision?clientRegion=us-east, ${options.concurrency} in flight, ${options.warmupSeconds} s warm-up, then ${options.seconds} s`);
    await runFor(options.warmupSeconds * 1000, options.concurrency, get);
    const apiCpu0 = { herd: cpuMs(fleet.herd.pids), self: selfCpuMs() };
    const apiUs0 = monotonicUs();
    const apiRun = await runFor(options.seconds * 1000, options.concurrency, get);
    const api = apiSummary(path, options.concurrency, apiRun, check.bytes, cpuMs(fleet.herd.pids) - apiCpu0.herd, selfCpuMs() - apiCpu0.self);
    windows.push({ name: `Herd serving decisions over HTTPS (${options.concurrency} in flight)`, spans: [[apiUs0, monotonicUs()]] });
    log(`  ${api.perSecond} decisions/s, p50 ${api.p50Ms} ms, p99 ${api.p99Ms} ms`);
    // Without queueing: one request at a time.
    const single0 = { herd: cpuMs(fleet.herd.pids), self: selfCpuMs() };
    const singleRun = await runFor(SINGLE_SECONDS * 1000, 1, get);
    const apiSingle = apiSummary(path, 1, singleRun, check.bytes, cpuMs(fleet.herd.pids) - single0.herd, selfCpuMs() - single0.self);
    log(`  1 in flight: p50 ${apiSingle.p50Ms} ms, p99 ${apiSingle.p99Ms} ms`);
    interrupted();

    // DNS: Herd against the reference, the same generator for both.
    let reference: ReferenceDns | undefined;
    let referenceError: string | undefined;
    if (nsd.path) {
      try {
        reference = await startNsd(nsd.path, join(work, 'nsd'), { zone: GSLB_ZONE, hostname: GSLB_HOSTNAME, addresses: GSLB_ADDRESSES, ttl: GSLB_TTL_SECONDS }, teardown);
        log(`reference: ${reference.version} on 127.0.0.1:${reference.port} (${reference.config})`);
      } catch (err) {
        referenceError = `nsd did not start: ${err instanceof Error ? err.message : String(err)}`;
        log(referenceError);
      }
    } else {
      referenceError = nsd.error ?? 'nsd is not installed';
    }
    const sides: { name: string; target: DnsLoadTarget; pids: () => number[]; runs: DnsLoadRun[]; cpuMs: number }[] = [
      { name: 'Herd', target: { server: herdDns.address, port: herdDns.port, name: GSLB_HOSTNAME, type: 'A' }, pids: () => [...fleet.herd.pids], runs: [], cpuMs: 0 },
    ];
    if (reference) {
      const ref = reference;
      sides.push({ name: ref.version, target: { server: ref.address, port: ref.port, name: GSLB_HOSTNAME, type: 'A' }, pids: () => ref.pids(), runs: [], cpuMs: 0 });
    }
    const load = (o: Partial<DnsLoadOptions> & { seconds: number }) => ({ outstanding: options.dnsOutstanding, timeoutMs: 1000, ...o });
    log(`DNS: ${generator.name}, ${options.dnsOutstanding} queries outstanding over UDP; ${options.warmupSeconds} s warm-up per server, then ${options.rounds} alternating rounds of ${round(options.seconds / options.rounds, 2)} s each`);
    // dnsperf's and NSD's CPU over the whole DNS phase, warm-ups included: neither is background noise.
    const referencePids = reference ? reference.pids() : [];
    const referenceCpu0 = cpuMs(referencePids);
    let generatorCpuMs = 0;
    for (const s of sides) {
      const warm = await generator.run(s.target, load({ seconds: options.warmupSeconds }), `${s.name === 'Herd' ? 'herd' : 'reference'}-warmup`);
      generatorCpuMs += warm.clientCpuMs ?? 0;
    }
    const dnsSpans: [number, number][] = [];
    windows.push({ name: `Herd answering DNS (${options.dnsOutstanding} outstanding)`, spans: dnsSpans });
    for (let round_ = 0; round_ < options.rounds; round_++) {
      const order = round_ % 2 === 0 ? sides : [...sides].reverse();
      for (const s of order) {
        interrupted();
        const pids = s.pids();
        const c0 = cpuMs(pids);
        const us0 = monotonicUs();
        const run = await generator.run(s.target, load({ seconds: options.seconds / options.rounds }), `${s.name === 'Herd' ? 'herd' : 'reference'}-${round_ + 1}`);
        s.cpuMs += cpuMs(pids) - c0;
        if (s.name === 'Herd') dnsSpans.push([us0, monotonicUs()]);
        s.runs.push(run);
        generatorCpuMs += run.clientCpuMs ?? 0;
        log(`  ${s.name} round ${round_ + 1}: ${round(run.completed / run.seconds, 0)} answers/s, ${run.lost} lost`);
      }
    }
    // Without queueing: one query outstanding, each server in turn.
    const single: DnsSide[] = [];
    for (const s of sides) {
      const pids = s.pids();
      const c0 = cpuMs(pids);
      const run = await generator.run(s.target, load({ seconds: SINGLE_SECONDS, outstanding: 1 }), `${s.name === 'Herd' ? 'herd' : 'reference'}-single`);
      generatorCpuMs += run.clientCpuMs ?? 0;
      single.push(dnsSide(s.name, [run], cpuMs(pids) - c0));
      log(`  ${s.name}, 1 outstanding: p50 ${single[single.length - 1]!.p50Ms} ms, p99 ${single[single.length - 1]!.p99Ms} ms`);
    }
    const herdSide = dnsSide('Herd', sides[0]!.runs, sides[0]!.cpuMs);
    const refSide = sides[1] ? dnsSide(sides[1].name, sides[1].runs, sides[1].cpuMs) : undefined;
    // Everything else the machine did meanwhile: not Herd, the members, etcd, this process, NSD or dnsperf.
    const otherMs = machineBusyMs() - noise0.busy - (cpuMs(allPids()) + selfCpuMs() - noise0.ours) - (cpuMs(referencePids) - referenceCpu0) - (generator.inProcess ? 0 : generatorCpuMs);
    const backgroundCores = round(Math.max(0, otherMs) / (Date.now() - noise0.at), 2);
    const dns: DnsComparison = {
      generator: generator.name,
      outstanding: options.dnsOutstanding,
      seconds: options.seconds,
      rounds: options.rounds,
      herd: herdSide,
      single: { herd: single[0]!, ...(single[1] ? { reference: single[1] } : {}) },
      ...(refSide ? { reference: refSide, ratio: round(herdSide.answersPerSecond / refSide.answersPerSecond, 3) } : {}),
      ...(referenceError ? { referenceError } : {}),
    };
    // The same question, once each: the answers must match (3 A records) for the ratio to mean anything.
    const sample = async (port: number) => queryDns({ server: '127.0.0.1', port, name: GSLB_HOSTNAME, type: 'A', edns: false, timeoutMs: 1000 });
    const herdSample = await sample(herdDns.port);
    const refSample = reference ? await sample(reference.port) : undefined;
    interrupted();

    // Failover: ingress kills of member-3's address (then restarts), then member-3's kube-apiserver killed.
    const killed = fleet.members[MEMBERS - 1]!;
    const address = GSLB_ADDRESSES[MEMBERS - 1]!;
    const steady = GSLB_ADDRESSES.slice(0, MEMBERS - 1);
    const poll = { intervalMs: options.pollIntervalMs, timeoutMs: POLL_TIMEOUT_MS, steady };
    const ingress: IngressTrial[] = [];
    for (let trial = 1; trial <= options.ingressTrials; trial++) {
      interrupted();
      // Start each trial at another point of the 1 s round cadence.
      await sleep(1000 + Math.round((trial * 1000) / (options.ingressTrials + 1)));
      const before = await answerOf(herdDns);
      if (!before.includes(address)) throw new Error(`before ingress trial ${trial}: ${address} is not answered (${before.join(',')})`);
      log(`failover: ingress ${address} killed (trial ${trial})`);
      await ingresses.stop(address);
      const removed = await timeUntilAnswer(herdDns, performance.now(), (a) => !a.includes(address), poll);
      const reason = await excludedReason(herdPool, killed.name);
      await ingresses.start(address);
      const returned = await timeUntilAnswer(herdDns, performance.now(), (a) => a.includes(address), poll);
      log(`  out of the answers after ${removed.seconds ?? 'never'} s (${reason ?? '?'}), back ${returned.seconds ?? 'never'} s after the restart`);
      ingress.push({ address, removed, returned, ...(reason ? { excludedReason: reason } : {}) });
    }
    await sleep(1500);
    const before = await answerOf(herdDns);
    if (!before.includes(address)) throw new Error(`before the member kill: ${address} is not answered (${before.join(',')})`);
    log(`failover: ${killed.name}'s kube-apiserver (pid ${killed.pid}) SIGKILL`);
    process.kill(killed.pid, 'SIGKILL');
    const removed = await timeUntilAnswer(herdDns, performance.now(), (a) => !a.includes(address), poll);
    const reason = await excludedReason(herdPool, killed.name);
    log(`  out of the answers after ${removed.seconds ?? 'never'} s (${reason ?? '?'})`);
    const member: MemberKill = { member: killed.name, address, removed, ...(reason ? { excludedReason: reason } : {}) };

    const failover = { ingress, member, boundSeconds: FAILOVER_BOUND_S, pollIntervalMs: options.pollIntervalMs };
    const notes = [
      `the load generators (this process; dnsperf), Herd, the ${MEMBERS} member kube-apiservers with their etcd, an idle host apiserver and NSD share the machine's ${machine.cpus} cores: absolute figures include client cost and contention`,
      `in process: one DecisionEngine per strategy over 3 and 100 healthy clusters, each decide() call timed alone with process.hrtime.bigint (the timer's own ~0.1 µs included); Geo with ${SIZES[1]} clusters uses 10 regions, every region pair's distance and 2 client networks per region, and its clients are IPs looked up in them; decisions/s per core = calls ÷ this process's CPU seconds meanwhile; the p99.9 and max columns include garbage collection pauses`,
      `API: GET ${path} through Herd's HTTPS port with the bench's admin client certificate (mutual TLS, keep-alive), the body read to its end; Herd computes each decision from its last health round`,
      `DNS: A queries for ${GSLB_HOSTNAME} over UDP without EDNS, the same generator for both servers (${generator.name}${generator.name.startsWith('dnsperf') ? ': -c 1 -q outstanding -t 1 -v, latencies from its per-answer lines' : ''}); both answer with the 3 A records (Herd ${herdSample.answers.length} records in ${herdSample.bytes} bytes${refSample ? `, ${reference!.version} ${refSample.answers.length} in ${refSample.bytes}` : ''}${herdSample.bytes === uncompressed(herdSample.answers.length) ? ': Herd writes every owner name in full, without name compression' : ''}). The reference serves the same zone (SOA, NS, the hostname's 3 A records) from a static zone file, with one server process (server-count 1) as Herd answers on one event loop, rate limiting off, minimal responses and round robin on`,
      `Herd's DNS answers are its RoundRobin decision made per query from the last health round (probes every ${HEALTH_CHECK.periodSeconds} s ran during the measurements), NSD's are a static zone: the ratio is what the decision and Node's UDP path cost against a C server`,
      `failover: health check ${HEALTH_CHECK.type} on the ingress port, periodSeconds ${HEALTH_CHECK.periodSeconds}, timeoutSeconds ${HEALTH_CHECK.timeoutSeconds}, failureThreshold ${HEALTH_CHECK.failureThreshold}, successThreshold ${HEALTH_CHECK.successThreshold}; the bound is period × threshold + one period = ${FAILOVER_BOUND_S} s. DNS is polled every ${options.pollIntervalMs} ms from the kill (one query at a time, 500 ms deadline), so times include up to ${options.pollIntervalMs} ms of polling delay. "others missing" counts answers during the outage (and, for the ingress, the return) that lacked ${steady.join(' or ')}; "back in answers" is hysteresis: ${HEALTH_CHECK.successThreshold} passed rounds after the restart`,
      `an ingress kill closes the TCP listener of one address (the TCP probe is then refused); the member kill is SIGKILL of ${killed.name}'s kube-apiserver, which is not restarted`,
      `other processes on the machine used ${engineOtherCores} cores on average during the in-process cases, and ${backgroundCores} during the measurements through Herd (the kernel's own UDP work counts here too)${Math.max(engineOtherCores, backgroundCores) > 0.2 ? ': the machine was not quiet, so expect noise' : ''}`,
    ];
    const partial = { engine, dns, failover };
    const result: GslbBenchResult = {
      benchmark: 'gslb',
      startedAt,
      machine: { ...machine, backgroundCores, engineOtherCores },
      herd: `${fleet.herd.version}, DNS on 127.0.0.1:${dnsPort}`,
      members: `${MEMBERS} × kube-apiserver ${fleet.kubernetesVersion}`,
      params: { ...options },
      tools: [nsd, dnsperf].map((t) => ({ package: t.package, ...(t.path ? { path: t.path } : {}), installed: t.installed, ...(t.error ? { error: t.error } : {}) })),
      engine,
      readySeconds,
      api,
      apiSingle,
      dns,
      failover,
      verdicts: gslbVerdicts(partial),
      notes,
    };
    console.log(formatGslbReport(result));
    const out = writeGslbResult(join(root, '.herd', 'bench'), result);
    console.log(`\nresults: ${out}`);
    return result;
  } finally {
    log('tearing down');
    await teardown.run();
    const profile = profileDir ? newestProfile(profileDir) : undefined;
    if (profile && windows.length > 0) console.log(`\n${summariseProfile(profile, windows)}`);
  }
}
