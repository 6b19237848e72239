import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './api-report.js';
import { startBenchFleet } from './bench-fleet.js';
import { NameSource, measureLatency, measureThroughput, settle, type FanoutContext, type MemberTarget } from './fanout-measure.js';
import { DEPLOYMENTS_PATH, FANOUT_NAMESPACE, deploymentTemplate, type DeploymentTemplate } from './fanout-payload.js';
import { fanoutVerdicts, formatFanoutReport, latencySummary, throughputSide, writeFanoutResult, type FanoutBenchResult } from './fanout-report.js';
import { HttpPool } from './http-pool.js';
import { MemberWatch } from './member-watch.js';
import { cpuMs, machineBusyMs, selfCpuMs } from './process-cpu.js';
import { startBenchRun } from './bench-run.js';

export interface FanoutBenchOptions {
  /** Measured latency samples per N (federated and direct each), after `warmups`. */
  readonly objects: number;
  readonly warmups: number;
  /** Creates in flight during the throughput runs. */
  readonly concurrency: number;
  /** Measured throughput time per side, split over `rounds` alternating rounds, after `warmupSeconds` each. */
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly rounds: number;
  /** Give every object its own template (label app=<name>) instead of one shared template. */
  readonly uniqueTemplates: boolean;
}

export const DEFAULT_FANOUT_OPTIONS: FanoutBenchOptions = {
  objects: 200,
  warmups: 20,
  concurrency: 16,
  seconds: 10,
  warmupSeconds: 2,
  rounds: 2,
  uniqueTemplates: false,
};

/** The fleet size; latency is measured for N = 1 (the first member) and N = all of them. */
const MEMBERS = 3;
const ARRIVAL_TIMEOUT_MS = 30_000;

const log = (line: string) => console.error(line);

/**
 * `npm run bench -- fanout`: a local fleet of 3 real kube-apiservers joined to a standalone Herd, all started here.
 * Measures, in one run, the time from a FederatedDeployment create until its Deployment exists in all N members
 * against a direct create on the slowest of them (N = 1 and 3), and sustained federated creates/s to 3 members
 * against direct creates/s to one. Prints the table with the ratios and targets, writes
 * `.herd/bench/fanout-<timestamp>.json`, and tears everything down, also on an error or Ctrl-C.
 */
export async function runFanoutBench(options: FanoutBenchOptions = DEFAULT_FANOUT_OPTIONS): Promise<FanoutBenchResult> {
  const { root, startedAt, machine, teardown, work } = startBenchRun(log);
  try {
    log(`starting a fleet of ${MEMBERS} members and Herd (standalone) under ${work}`);
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    const fleet = await startBenchFleet(work, teardown, { members: MEMBERS, namespaces: [FANOUT_NAMESPACE], version }, log);
    log(`Herd at ${fleet.herd.url}; members ${fleet.members.map((m) => `${m.name} ${m.url}`).join(', ')}`);

    const herdPool = new HttpPool(fleet.herd.url, fleet.herd.tls, options.concurrency);
    const memberPools = fleet.members.map((m) => new HttpPool(m.url, m.tls, options.concurrency));
    teardown.add('connections', () => Promise.all([herdPool, ...memberPools].map((p) => p.close())));
    const watches: MemberWatch[] = [];
    teardown.add('member watches', () => Promise.all(watches.map((w) => w.close())));
    for (const m of fleet.members) watches.push(await MemberWatch.open(m.name, m.url, DEPLOYMENTS_PATH, m.tls));
    const members: MemberTarget[] = fleet.members.map((m, i) => ({ name: m.name, pool: memberPools[i]!, watch: watches[i]! }));

    const shared = deploymentTemplate();
    const template = (name: string): DeploymentTemplate => (options.uniqueTemplates ? deploymentTemplate(name) : shared);
    const memberPids = [...fleet.members.map((m) => m.pid), fleet.etcdPid];
    const ctx: FanoutContext = { herd: herdPool, members, template, arrivalTimeoutMs: ARRIVAL_TIMEOUT_MS, herdPids: fleet.herd.pids, memberPids };
    const names = new NameSource();
    const interrupted = () => teardown.interrupted;

    const allPids = [...fleet.herd.pids, ...memberPids];
    const noise0 = { busy: machineBusyMs(), ours: cpuMs(allPids) + selfCpuMs(), at: Date.now() };
    const latency = [];
    for (const targets of [members.slice(0, 1), members]) {
      log(`latency N=${targets.length}: ${options.warmups} warm-ups, then ${options.objects} federated and ${options.objects} direct creates, one at a time, interleaved`);
      await settle(ctx.herdPids);
      latency.push(latencySummary(await measureLatency(ctx, targets, { warmups: options.warmups, samples: options.objects }, names, interrupted)));
    }
    log(`throughput N=${members.length}: ${options.concurrency} in flight, ${options.warmupSeconds} s warm-up each, then ${options.seconds} s each in ${options.rounds} alternating rounds`);
    const throughput = await measureThroughput(
      ctx,
      { seconds: options.seconds, warmupSeconds: options.warmupSeconds, rounds: options.rounds, concurrency: options.concurrency },
      names,
      interrupted,
    );
    const otherMs = machineBusyMs() - noise0.busy - (cpuMs(allPids) + selfCpuMs() - noise0.ours);
    const backgroundCores = round(Math.max(0, otherMs) / (Date.now() - noise0.at), 2);
    if (teardown.interrupted) throw new Error('interrupted');

    const federated = throughputSide(throughput.federated);
    const direct = throughputSide(throughput.direct);
    const ratio = round(federated.perSecond / direct.perSecond, 3);
    const result: FanoutBenchResult = {
      benchmark: 'fanout',
      startedAt,
      machine: { ...machine, backgroundCores },
      herd: fleet.herd.version,
      members: `${MEMBERS} × kube-apiserver ${fleet.kubernetesVersion}`,
      params: {
        objects: options.objects,
        warmups: options.warmups,
        concurrency: options.concurrency,
        seconds: options.seconds,
        warmupSeconds: options.warmupSeconds,
        rounds: options.rounds,
        uniqueTemplates: options.uniqueTemplates,
      },
      latency,
      throughput: {
        n: members.length,
        federated,
        direct,
        ratio,
        memberWritesPerSecond: {
          federated: round(federated.perSecond * members.length, 1),
          direct: direct.perSecond,
          ratio: round((federated.perSecond * members.length) / direct.perSecond, 3),
        },
        memberWritesPerHerdCore: round((federated.perSecond * members.length) / Math.max(0.01, federated.herdCores), 0),
      },
      verdicts: fanoutVerdicts(latency, ratio),
      notes: [
        `the load generator (this process), Herd, the ${MEMBERS} member kube-apiservers, their shared etcd and an idle host apiserver share the machine's ${machine.cpus} cores: absolute numbers include client cost and contention; compare the ratios`,
        'federated = from just before the POST of the FederatedDeployment to Herd until the watch of every target member delivered the ADDED event of its Deployment; direct = the same Deployment POSTed to the N members at once, until the last 201. The federated time includes the members\' watch delivery, shown as "ADDED event after the 201" for the direct creates',
        options.uniqueTemplates
          ? 'every object has its own template (label app=<name>): each federated create costs Herd a server-side dry run of its template on one member'
          : "all objects share one template: Herd's server-side dry run of the template (remembered by template hash) ran once, not per create; --unique-templates measures the other case",
        'direct objects carry the Deployment Herd renders (template, its label and annotations) with federation.herd.io/managed=false, so Herd\'s member watches never see them; the members run no controllers, so nothing rolls out',
        `throughput: closed loops with ${options.concurrency} in flight; a federated loop starts its next create once the previous one is in all ${members.length} members, so its time runs from the first POST to the last arrival; direct creates go to ${members[0]!.name}`,
        `the ${members.length} members share this machine's cores, so a federated create (${members.length} member writes) costs the members about ${members.length}× the CPU of a direct one: here the throughput ratio cannot get far above 1/${members.length}, while the target assumes members on machines of their own. The member writes/s row (informative) compares the write rate the members sustained on each side`,
        `other processes on the machine used ${backgroundCores} cores on average during the measurements${backgroundCores > 0.2 ? ': the machine was not quiet, so expect noise' : ''}`,
      ],
    };
    console.log(formatFanoutReport(result));
    const path = writeFanoutResult(join(root, '.herd', 'bench'), result);
    console.log(`\nresults: ${path}`);
    return result;
  } finally {
    log('tearing down');
    await teardown.run();
  }
}
