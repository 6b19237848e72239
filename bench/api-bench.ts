import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkList, loadObjects, measureGets, measureLists, pagedList, type PhaseSpan, type Subject } from './api-measure.js';
import { BENCH_NAMESPACE, fitValue, herdShape, kubeShape, loadPod } from './api-payload.js';
import { formatReport, getSummary, loadSummary, round, verdicts, writeResult, type ApiBenchResult, type SideResult } from './api-report.js';
import { startHerd, startKubeBaseline, type BenchServer } from './bench-servers.js';
import { monotonicUs, newestProfile, summariseProfile, type ProfileWindow } from './cpu-profile.js';
import { HttpPool } from './http-pool.js';
import { quantile } from './load-runner.js';
import { cpuMs, machineBusyMs, selfCpuMs } from './process-cpu.js';
import { startBenchRun } from './bench-run.js';

export interface ApiBenchOptions {
  readonly objects: number;
  /** Requests in flight while loading and during GET/s. */
  readonly concurrency: number;
  readonly listWarmups: number;
  readonly listIterations: number;
  readonly getSeconds: number;
  readonly getRounds: number;
  readonly pageLimit: number;
  /** Also write a V8 CPU profile of Herd into `.herd/bench/profiles/`. */
  readonly profile: boolean;
}

export const DEFAULT_API_OPTIONS: ApiBenchOptions = {
  objects: 10_000,
  concurrency: 32,
  listWarmups: 2,
  listIterations: 10,
  getSeconds: 10,
  getRounds: 2,
  pageLimit: 500,
  profile: false,
};

const log = (line: string) => console.error(line);

/**
 * `npm run bench -- api`: Herd (standalone, sqlite) against a real kube-apiserver, both started here and measured
 * in the same run: load, full LIST, paged LIST, GET/s. Prints a table with the ratios and the two targets, writes
 * `.herd/bench/api-<timestamp>.json`, and tears everything down, also on an error or Ctrl-C.
 */
export async function runApiBench(options: ApiBenchOptions = DEFAULT_API_OPTIONS): Promise<ApiBenchResult> {
  const { root, startedAt, machine, teardown, work } = startBenchRun(log);
  const profileDir = options.profile ? join(root, '.herd', 'bench', 'profiles', startedAt.replace(/[:.]/g, '-')) : undefined;
  const windows = new Map<string, ProfileWindow>();
  const span: PhaseSpan = (subject, phase, startUs, endUs) => {
    if (subject !== 'herd') return;
    const w = windows.get(phase) ?? { name: `Herd ${phase}`, spans: [] };
    w.spans.push([startUs, endUs]);
    windows.set(phase, w);
  };
  try {
    log(`starting a kube-apiserver (fleet of one member) and Herd (standalone) under ${work}`);
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    // Both starts settle before anything fails, so each has registered its teardown by then.
    const started = await Promise.allSettled([
      startKubeBaseline(join(work, 'fleet'), teardown, log),
      startHerd(join(work, 'herd'), teardown, { version, ...(profileDir ? { cpuProfileDir: profileDir } : {}) }),
    ]);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [kube, herd] = started.map((r) => (r as PromiseFulfilledResult<BenchServer>).value) as [BenchServer, BenchServer];
    log(`kube-apiserver at ${kube.url}, Herd at ${herd.url}`);
    const pools = [new HttpPool(kube.url, kube.tls, options.concurrency), new HttpPool(herd.url, herd.tls, options.concurrency)];
    teardown.add('connections', () => Promise.all(pools.map((p) => p.close())));
    const [kubePool, herdPool] = pools as [HttpPool, HttpPool];

    const pod = loadPod(root);
    const herdSubject: Subject = { name: 'herd', pool: herdPool, shape: herdShape(pod.object), pids: herd.pids };
    await kubePool.expect({ method: 'POST', path: '/api/v1/namespaces', body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: BENCH_NAMESPACE } }) }, 201);
    const kubeValue = await fitKubeValue(herdPool, kubePool, herdSubject, pod.text);
    const kubeSubject: Subject = { name: 'kube', pool: kubePool, shape: kubeShape(kubeValue), pids: kube.pids };
    const subjects = [herdSubject, kubeSubject];

    const loads = new Map<string, SideResult['load']>();
    for (const s of subjects) {
      log(`loading ${options.objects} objects into ${s.name} (${options.concurrency} in flight)`);
      const t0 = monotonicUs();
      const { run, serverCpuMs, clientCpuMs } = await loadObjects(s, options.objects, options.concurrency);
      if (run.errors > 0) throw new Error(`loading ${s.name} failed: ${run.firstError}`);
      loads.set(s.name, loadSummary(run, serverCpuMs, clientCpuMs));
      if (s.name === 'herd') windows.set('load', { name: 'Herd load (creates)', spans: [[t0, monotonicUs()]] });
      log(`  ${run.count} in ${(run.elapsedMs / 1000).toFixed(1)} s`);
    }

    const checks = new Map<string, { items: number; bytes: number; objectBytes: number }>();
    for (const s of subjects) {
      const listed = await checkList(s);
      if (listed.items !== options.objects) throw new Error(`${s.name} lists ${listed.items} objects, not ${options.objects}`);
      const one = await s.pool.expect({ path: s.shape.itemPath('obj-00000') }, 200);
      checks.set(s.name, { ...listed, objectBytes: one.bytes });
    }
    // CPU used by anything but the two servers and this client during the measurements: other work on the machine.
    const allPids = [...herd.pids, ...kube.pids];
    const noise0 = { busy: machineBusyMs(), ours: cpuMs(allPids) + selfCpuMs(), at: Date.now() };
    log(`LIST of all ${options.objects}: ${options.listWarmups} warm-ups, then ${options.listIterations} each, interleaved`);
    const lists = await measureLists(subjects, options.listWarmups, options.listIterations, span);
    log(`paged LIST (limit=${options.pageLimit})`);
    const paged = new Map<string, { ms: number; pages: number }>();
    for (const s of subjects) paged.set(s.name, await pagedList(s, options.pageLimit));
    log(`GET/s: ${options.concurrency} in flight, ${options.getSeconds} s each in ${options.getRounds} alternating rounds after 2 s warm-up`);
    const gets = await measureGets(
      subjects,
      { objects: options.objects, seconds: options.getSeconds, warmupSeconds: 2, rounds: options.getRounds, concurrency: options.concurrency },
      span,
    );
    const otherMs = machineBusyMs() - noise0.busy - (cpuMs(allPids) + selfCpuMs() - noise0.ours);
    const backgroundCores = round(Math.max(0, otherMs) / (Date.now() - noise0.at), 2);

    const side = (s: Subject, server: BenchServer): SideResult => {
      const check = checks.get(s.name)!;
      const list = lists.get(s.name)!;
      const get = gets.get(s.name)!;
      return {
        server: server.version,
        objectBytes: check.objectBytes,
        listItems: check.items,
        listBytes: check.bytes,
        load: loads.get(s.name)!,
        list: {
          samplesMs: list.samplesMs.map((v) => round(v, 2)),
          p50Ms: round(quantile(list.samplesMs, 0.5), 2),
          p90Ms: round(quantile(list.samplesMs, 0.9), 2),
          serverCpuMsPerList: round(list.serverCpuMs / list.samplesMs.length, 1),
          clientCpuMsPerList: round(list.clientCpuMs / list.samplesMs.length, 1),
        },
        pagedList: { limit: options.pageLimit, pages: paged.get(s.name)!.pages, ms: round(paged.get(s.name)!.ms, 1) },
        get: getSummary(get.run, get.serverCpuMs, get.clientCpuMs),
      };
    };
    if (teardown.interrupted) throw new Error('interrupted');
    const h = side(herdSubject, herd);
    const k = side(kubeSubject, kube);
    const ratios = {
      listP50: round(h.list.p50Ms / k.list.p50Ms, 3),
      listP90: round(h.list.p90Ms / k.list.p90Ms, 3),
      getPerSecond: round(h.get.perSecond / k.get.perSecond, 3),
      getP99: round(h.get.p99Ms / k.get.p99Ms, 3),
      loadPerSecond: round(h.load.perSecond / k.load.perSecond, 3),
    };
    const result: ApiBenchResult = {
      benchmark: 'api',
      startedAt,
      machine: { ...machine, backgroundCores },
      params: {
        objects: options.objects,
        concurrency: options.concurrency,
        listWarmups: options.listWarmups,
        listIterations: options.listIterations,
        getSeconds: options.getSeconds,
        getRounds: options.getRounds,
        pageLimit: options.pageLimit,
      },
      herd: h,
      kube: k,
      ratios,
      verdicts: verdicts(ratios),
      notes: [
        `the load generator (this process), Herd, kube-apiserver and etcd share the machine's ${machine.cpus} cores: absolute numbers include client cost and contention; compare the ratios`,
        'Herd stores FederatedConfigMaps (spec.template = the 2.6 KB Pod) in sqlite; kube-apiserver stores ConfigMaps whose data holds the Pod as text, fitted to the same GET size; kube LISTs are served from its watch cache',
        'server CPU = user+system time of the server processes during the phase (kube includes etcd, shared with the idle fleet host); client = this process',
        `other processes on the machine used ${backgroundCores} cores on average during the LIST and GET phases${backgroundCores > 0.2 ? ': the machine was not quiet, so expect noise' : ''}`,
      ],
    };
    console.log(formatReport(result));
    const path = writeResult(join(root, '.herd', 'bench'), result);
    console.log(`\nresults: ${path}`);
    return result;
  } finally {
    log('tearing down');
    await teardown.run();
    const profile = profileDir ? newestProfile(profileDir) : undefined;
    if (profile) console.log(`\n${summariseProfile(profile, [...windows.values()])}`);
  }
}

/**
 * The ConfigMap value that makes a stored ConfigMap as large (as a GET returns it) as a stored FederatedConfigMap:
 * one of each is created, read back and deleted, and the Pod text is cut or padded by the difference.
 */
async function fitKubeValue(herdPool: HttpPool, kubePool: HttpPool, herd: Subject, podText: string): Promise<string> {
  const name = 'obj-calib';
  const measure = async (pool: HttpPool, collectionPath: string, body: string) => {
    await pool.expect({ method: 'POST', path: collectionPath, body }, 201);
    const bytes = (await pool.expect({ path: `${collectionPath}/${name}` }, 200)).bytes;
    await pool.expect({ method: 'DELETE', path: `${collectionPath}/${name}` }, 200);
    return bytes;
  };
  const herdBytes = await measure(herdPool, herd.shape.collectionPath, herd.shape.createBody(name));
  const probe = kubeShape(podText);
  const kubeBytes = await measure(kubePool, probe.collectionPath, probe.createBody(name));
  log(`object size: FederatedConfigMap ${herdBytes} B, ConfigMap with the Pod text ${kubeBytes} B: fitting the ConfigMap`);
  return fitValue(podText, herdBytes - kubeBytes);
}
