import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../e2e/controlplane/free-port.js';
import { round } from './api-report.js';
import { startBenchFleet, type BenchMember } from './bench-fleet.js';
import { settle } from './fanout-measure.js';
import { JOIN_POLL_GAP_MS, measureJoin } from './fleet-join.js';
import { firstFullList, measureLists, type ListSubject } from './fleet-list.js';
import { loadPods, type PodBatch } from './fleet-load.js';
import { readHerdMemory, type HerdMemory } from './fleet-memory.js';
import { CLUSTER_LABEL, CONFIGMAPS_PATH, JOIN_POD_MARKER, POD_MARKER, POD_NAMESPACE, PODS_PATH, PodTemplate, VIEW_PREFIX, WATCH_NAMESPACE, defaultServiceAccount, joinPodName, podName, viewPath } from './fleet-payload.js';
import { fleetVerdicts, formatFleetReport, listSide, memorySummary, watchSummary, writeFleetResult, type FleetBenchResult, type FleetJoinResult, type FleetListResult, type FleetWatchResult } from './fleet-report.js';
import { measureWatchDelay, type WatchContext } from './fleet-watch.js';
import { watchHerdStalls } from './herd-stalls.js';
import { HttpPool } from './http-pool.js';
import { MemberWatch } from './member-watch.js';
import { cpuMs, machineBusyMs, selfCpuMs } from './process-cpu.js';
import { startBenchRun } from './bench-run.js';

export interface FleetBenchOptions {
  /** Pods in the merged LIST, ascending: each M is loaded on top of the previous one, then measured. */
  readonly objects: readonly number[];
  /** Creates in flight per stream while loading (the joined members, the direct member and the late member side by side). */
  readonly concurrency: number;
  /** Full LISTs per side and M: `warmups` discarded, then `iterations` measured. */
  readonly warmups: number;
  readonly iterations: number;
  /** Events per second created in member-1 for the watch delay, each for `watchSeconds` (after `watchWarmupSeconds` once). */
  readonly rates: readonly number[];
  readonly watchSeconds: number;
  readonly watchWarmupSeconds: number;
  /** Pods in the member that joins late. */
  readonly joinObjects: number;
  /** /metrics reads per memory figure (the minimum counts). */
  readonly memorySamples: number;
}

export const DEFAULT_FLEET_OPTIONS: FleetBenchOptions = {
  objects: [10_000, 100_000],
  concurrency: 48,
  warmups: 2,
  iterations: 5,
  rates: [100, 1000],
  watchSeconds: 5,
  watchWarmupSeconds: 1,
  joinObjects: 10_000,
  memorySamples: 5,
};

/** member-1…3 are joined and hold the view's Pods; member-4 holds all of them for the direct LIST; member-5 joins late. */
const JOINED = 3;
const MEMBERS = 5;
const FILL_TIMEOUT_MS = 180_000;
const ARRIVAL_TIMEOUT_MS = 30_000;
const JOIN_TIMEOUT_MS = 180_000;

const log = (line: string) => console.error(line);
const count = (n: number) => n.toLocaleString('en-US');

/**
 * `npm run bench -- fleet`: a local fleet of 5 real kube-apiservers and a standalone Herd with 3 of them joined, all
 * started here. Measures, in one run, the fleet view against the members themselves: the merged LIST of M Pods
 * against one kube-apiserver holding all M, the delay Herd's view watch adds over the member's own watch, Herd's
 * memory per cached Pod against the Pod's JSON, and the time from joining a member to the view listing all its
 * Pods against a direct LIST of them. Prints the table with the ratios and targets, writes
 * `.herd/bench/fleet-<timestamp>.json`, and tears everything down, also on an error or Ctrl-C.
 */
export async function runFleetBench(options: FleetBenchOptions = DEFAULT_FLEET_OPTIONS): Promise<FleetBenchResult> {
  const began = Date.now();
  const { root, startedAt, machine, teardown, work } = startBenchRun(log);
  const interrupted = () => {
    if (teardown.interrupted) throw new Error('interrupted');
  };
  try {
    log(`starting a fleet of ${MEMBERS} members and Herd (standalone, with the inspector) under ${work}`);
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    const inspectPort = await freePort();
    const fleet = await startBenchFleet(
      work,
      teardown,
      { members: MEMBERS, joined: JOINED, namespaces: [POD_NAMESPACE, WATCH_NAMESPACE], version, herdInspectPort: inspectPort },
      log,
    );
    const joined = fleet.members.slice(0, JOINED);
    const direct = fleet.members[JOINED]!;
    const late = fleet.members[JOINED + 1]!;
    log(`Herd at ${fleet.herd.url}; joined ${joined.map((m) => m.name).join(', ')}; direct LISTs from ${direct.name}; ${late.name} joins last`);

    const herdPool = new HttpPool(fleet.herd.url, fleet.herd.tls, 4);
    const pools = new Map<string, HttpPool>(fleet.members.map((m) => [m.name, new HttpPool(m.url, m.tls, options.concurrency)]));
    const pool = (m: BenchMember) => pools.get(m.name)!;
    teardown.add('connections', () => Promise.all([herdPool, ...pools.values()].map((p) => p.close())));
    const sa = defaultServiceAccount();
    for (const m of fleet.members) await pool(m).expect({ method: 'POST', path: sa.path, body: sa.body }, 201);

    // Before any Pod is listed through it: the view answers (discovery), and its ConfigMaps cache (the watch phase's) runs.
    await herdPool.expect({ path: `${VIEW_PREFIX}/api/v1` }, 200).catch((err: unknown) => {
      throw new Error(`Herd does not serve the fleet view at ${VIEW_PREFIX}: ${err instanceof Error ? err.message : String(err)}`);
    });
    await herdPool.expect({ path: viewPath(CONFIGMAPS_PATH) }, 200);

    const template = new PodTemplate(root);
    const herdPids = fleet.herd.pids;
    const memberPids = [...fleet.members.map((m) => m.pid), fleet.etcdPid];
    const allPids = [...herdPids, ...memberPids];
    // Idle kube-apiservers never go fully quiet; what must be quiet before a measurement is Herd and what it is compared with.
    const quiet = [...herdPids, direct.pid, fleet.etcdPid];
    const noise0 = { busy: machineBusyMs(), ours: cpuMs(allPids) + selfCpuMs(), at: Date.now() };

    const herdList: ListSubject = { name: 'herd', pool: herdPool, path: viewPath(PODS_PATH), marker: POD_MARKER, pids: herdPids };
    const directList: ListSubject = { name: 'direct', pool: pool(direct), path: PODS_PATH, marker: POD_MARKER, pids: [direct.pid, fleet.etcdPid] };
    const lists: FleetListResult[] = [];
    let before: HerdMemory | undefined;
    const steps: { pods: number; memory: HerdMemory }[] = [];
    let loaded = 0;
    for (const m of options.objects) {
      const batches: PodBatch[] = [
        { pool: (i) => pool(joined[i % JOINED]!), name: podName, from: loaded, to: m },
        { pool: () => pool(direct), name: podName, from: loaded, to: m },
        ...(loaded === 0 ? [{ pool: () => pool(late), name: joinPodName, from: 0, to: options.joinObjects }] : []),
      ];
      const what = `${count(m - loaded)} pods spread over ${joined.map((x) => x.name).join(', ')}, the same into ${direct.name}${loaded === 0 ? `, ${count(options.joinObjects)} into ${late.name}` : ''}`;
      log(`loading ${what}, ${options.concurrency} in flight each`);
      const load = await loadPods('pods', batches, template, options.concurrency);
      loaded = m;
      interrupted();
      await settle(quiet, 30_000);
      if (!before) {
        log(`Herd's memory before the view lists any pod (${options.memorySamples} /metrics samples, then a forced GC)`);
        before = await readHerdMemory(herdPool, inspectPort, options.memorySamples);
      }
      log(`merged LIST of ${count(m)} pods: the view's first LISTs until one holds them all`);
      await firstFullList(directList, m, FILL_TIMEOUT_MS);
      const first = await firstFullList(herdList, m, FILL_TIMEOUT_MS);
      await settle(quiet, 30_000);
      log(`merged LIST of ${count(m)} pods: ${options.warmups} warm-ups, then ${options.iterations} LISTs each, interleaved`);
      const samples = await measureLists([herdList, directList], m, options.warmups, options.iterations);
      const herd = listSide(samples.get('herd')!);
      const directSide = listSide(samples.get('direct')!);
      lists.push({ objects: m, load: { created: load.created, seconds: round(load.seconds, 1), perSecond: round(load.perSecond, 0) }, firstFullList: first, herd, direct: directSide, ratio: round(herd.p50Ms / directSide.p50Ms, 3) });
      interrupted();
      await settle(quiet, 30_000);
      log(`Herd's memory with ${count(m)} pods cached`);
      steps.push({ pods: m, memory: await readHerdMemory(herdPool, inspectPort, m === options.objects[options.objects.length - 1] ? options.memorySamples : 1) });
    }

    const after = steps[steps.length - 1]!.memory;
    const last = lists[lists.length - 1]!;
    const memory = memorySummary(loaded, last.direct.bytes / loaded, before!, after, steps);
    interrupted();

    log(`watch delay: ConfigMaps created in ${joined[0]!.name} at ${options.rates.join(', ')} events/s, ${options.watchSeconds} s each, watched directly and through the view`);
    const watches: MemberWatch[] = [];
    teardown.add('watches', () => Promise.all(watches.map((w) => w.close())));
    watches.push(await MemberWatch.open(joined[0]!.name, joined[0]!.url, CONFIGMAPS_PATH, joined[0]!.tls));
    watches.push(await MemberWatch.open('the fleet view', fleet.herd.url, viewPath(CONFIGMAPS_PATH), fleet.herd.tls));
    const podText = readFileSync(join(root, 'bench', 'data', 'pod.json'), 'utf8').trim();
    const ctx: WatchContext = { member: pool(joined[0]!), direct: watches[0]!, herd: watches[1]!, podText, arrivalTimeoutMs: ARRIVAL_TIMEOUT_MS, maxInFlight: 64 };
    await measureWatchDelay(ctx, options.rates[0]!, options.watchWarmupSeconds, (i) => `warmup-${String(i).padStart(6, '0')}`);
    const watch: FleetWatchResult[] = [];
    for (const rate of options.rates) {
      await settle(quiet, 10_000);
      const memberCpu = [joined[0]!.pid, fleet.etcdPid];
      const cpu0 = { herd: cpuMs(herdPids), member: cpuMs(memberCpu), client: selfCpuMs(), at: Date.now() };
      const stalls = await watchHerdStalls(herdPool);
      const run = await measureWatchDelay(ctx, rate, options.watchSeconds, (i) => `cm-${rate}-${String(i).padStart(6, '0')}`);
      const cores = (usedMs: number) => round(usedMs / Math.max(1, Date.now() - cpu0.at), 2);
      watch.push(watchSummary(run, { herd: cores(cpuMs(herdPids) - cpu0.herd), member: cores(cpuMs(memberCpu) - cpu0.member), client: cores(selfCpuMs() - cpu0.client) }, await stalls()));
      interrupted();
    }
    await Promise.all(watches.splice(0).map((w) => w.close()));

    log(`join: ${options.warmups} + ${options.iterations} direct LISTs of ${late.name}'s ${count(options.joinObjects)} pods, then join it and LIST it through the view until all are there`);
    const lateList: ListSubject = { name: 'direct', pool: pool(late), path: PODS_PATH, marker: JOIN_POD_MARKER, pids: [late.pid, fleet.etcdPid] };
    await firstFullList(lateList, options.joinObjects, FILL_TIMEOUT_MS);
    const lateDirect = listSide((await measureLists([lateList], options.joinObjects, options.warmups, options.iterations)).get('direct')!);
    await settle([...herdPids, late.pid, fleet.etcdPid], 10_000);
    const run = await measureJoin(fleet, late, herdPool, options.joinObjects, JOIN_TIMEOUT_MS);
    const joinResult: FleetJoinResult = {
      ...run,
      joinCallMs: round(run.joinCallMs, 1),
      firstItemsMs: round(run.firstItemsMs, 1),
      visibleMs: round(run.visibleMs, 1),
      direct: lateDirect,
      ratio: round(run.visibleMs / lateDirect.p50Ms, 3),
    };

    const otherMs = machineBusyMs() - noise0.busy - (cpuMs(allPids) + selfCpuMs() - noise0.ours);
    const backgroundCores = round(Math.max(0, otherMs) / (Date.now() - noise0.at), 2);
    interrupted();

    const result: FleetBenchResult = {
      benchmark: 'fleet',
      startedAt,
      machine: { ...machine, backgroundCores },
      herd: fleet.herd.version,
      members: `${JOINED} joined kube-apiserver ${fleet.kubernetesVersion} members (+ ${direct.name} for the direct LISTs, ${late.name} joined last)`,
      params: options,
      podTemplateBytes: template.templateBytes,
      lists,
      watch,
      memory,
      join: joinResult,
      seconds: round((Date.now() - began) / 1000, 0),
      verdicts: fleetVerdicts(lists, watch, memory, joinResult),
      notes: [
        `the load generator (this process), Herd, ${MEMBERS} member kube-apiservers, their shared etcd and an idle host apiserver share the machine's ${machine.cpus} cores: absolute numbers include client cost and contention; compare the ratios`,
        `Pods are the canonical Pod (${template.templateBytes} bytes) with unique names; a member resets status on create (Pending: no scheduler, no kubelet) and adds its own fields, so each is ${count(Math.round(memory.podJsonBytes))} bytes in a LIST. The view's M Pods are spread evenly over ${joined.map((x) => x.name).join(', ')} in namespace ${POD_NAMESPACE}; ${direct.name} (not joined) holds all M for the direct LIST`,
        `merged LIST: full LISTs, no limit, no resourceVersion (both sides serve from their cache), JSON, no compression, body read to the last byte; Herd's through ${VIEW_PREFIX}${PODS_PATH} with its admin client certificate. Herd's body is larger: every item carries the herd.io/cluster label and annotation`,
        `watch delay: both watches are read by this process (one clock). Herd's watch starts from its view's list token; ConfigMaps (the Pod as text, about 3 KB) in ${WATCH_NAMESPACE} of ${joined[0]!.name}, created open-loop on schedule (at most 64 in flight); per object, Herd's ADDED − the direct ADDED. Herd's view then caches ${count(loaded)} Pods`,
        `memory: ${memory.basis}; "before" was read before the view listed any Pod (its ConfigMaps cache already running), "after" with ${count(loaded)} Pods cached, so the difference also holds whatever else the LISTs left (such as the view's event window). Herd runs with --inspect on 127.0.0.1 for the forced GC; nothing else changes. The /metrics rows are prom-client's default gauges without a forced GC`,
        `join: ${late.name} holds ${count(options.joinObjects)} Pods (names of their own, so nothing collides) while the view's Pod cache is running; the clock starts just before joinMember (what \`herd join --credentials-dir\` runs, here in this process: credentials written, MemberCluster created) and stops at the last byte of the first view LIST (-l ${CLUSTER_LABEL}=${late.name}) that holds all of them; LISTs follow each other ${JOIN_POLL_GAP_MS} ms apart. Direct: full LISTs of the same Pods from ${late.name}, before the join`,
        `other processes on the machine used ${backgroundCores} cores on average during the run${backgroundCores > 0.2 ? ': the machine was not quiet, so expect noise' : ''}`,
      ],
    };
    console.log(formatFleetReport(result));
    const path = writeFleetResult(join(root, '.herd', 'bench'), result);
    console.log(`\nresults: ${path}`);
    return result;
  } finally {
    log('tearing down');
    await teardown.run();
  }
}
