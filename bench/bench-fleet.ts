import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { herdEntryPoint } from '../e2e/controlplane/herd-process.js';
import { writeKubeconfig } from '../e2e/controlplane/kubeconfig.js';
import { startLocalFleet, stopLocalFleet } from '../e2e/controlplane/local-fleet.js';
import { tlsRequest } from '../e2e/controlplane/tls-request.js';
import { startHerd, type BenchServer } from './bench-servers.js';
import type { ClientTls } from './http-pool.js';
import type { Teardown } from './teardown.js';

/** One member cluster: its own kube-apiserver, reached directly with its admin client certificate. */
export interface BenchMember {
  readonly name: string;
  readonly url: string;
  readonly tls: ClientTls;
  /** Its kube-apiserver; etcd is shared by every cluster of the fleet and listed in `BenchFleet.etcdPid`. */
  readonly pid: number;
  /** Its admin kubeconfig and context: what `herd join` reads. */
  readonly kubeconfig: string;
  readonly context: string;
  readonly region?: string;
  readonly zone?: string;
}

/** Standalone Herd with the first members joined and Ready, and every member started (joined or not). */
export interface BenchFleet {
  readonly herd: BenchServer;
  /** Every member, `member-1` first; the first `joined` of them are joined to Herd. */
  readonly members: readonly BenchMember[];
  readonly etcdPid: number;
  readonly kubernetesVersion: string;
  /** A kubeconfig reaching Herd as its admin (`herd join --herd-kubeconfig`). */
  readonly herdKubeconfig: string;
  /** The directory Herd reads member credentials from (`herd join --credentials-dir`). */
  readonly credentialsDir: string;
}

export interface BenchFleetOptions {
  /** Member clusters started. */
  readonly members: number;
  /** How many of them (the first ones) are joined before this resolves; default all. */
  readonly joined?: number;
  /** Namespaces created directly in every member. */
  readonly namespaces: readonly string[];
  /** Herd's version, for the report. */
  readonly version: string;
  /** Run Herd with the V8 inspector on 127.0.0.1 at this port (`node --inspect`), e.g. to force a GC before reading its heap. */
  readonly herdInspectPort?: number;
  /** More `herd serve` flags for Herd (e.g. `--dns-port=N`). */
  readonly herdArgs?: readonly string[];
}

const READY_TIMEOUT_MS = 180_000;
const MEMBERCLUSTERS = '/apis/federation.herd.io/v1alpha1/memberclusters';

/**
 * Under `work`: a local fleet of `members` clusters (real kube-apiservers, one shared etcd, no controllers on the
 * members, no aggregated Herd) and, started alongside, `herd serve --mode standalone` reading member credentials from
 * a directory. Each member gets `namespaces`, created directly; the first `joined` members are joined with
 * `herd join --credentials-dir`, as a user of standalone Herd would. Resolves once those MemberClusters are Ready
 * and Herd serves FederatedDeployments. Everything started is registered with `teardown`.
 */
export async function startBenchFleet(work: string, teardown: Teardown, o: BenchFleetOptions, log: (line: string) => void): Promise<BenchFleet> {
  const fleetDir = join(work, 'fleet');
  const herdDir = join(work, 'herd');
  const credentialsDir = join(herdDir, 'member-credentials');
  teardown.add('local fleet', () => stopLocalFleet(fleetDir));
  const profileDir = process.env.HERD_BENCH_CPU_PROFILE_DIR;
  // Both starts settle before anything fails, so each has registered its teardown by then.
  const started = await Promise.allSettled([
    startLocalFleet({ stateDir: fleetDir, members: o.members, workloads: false, herd: false, log: (line) => log(`  fleet: ${line}`) }),
    startHerd(herdDir, teardown, {
      version: o.version,
      memberCredentialsDir: credentialsDir,
      ...(profileDir ? { cpuProfileDir: profileDir } : {}),
      ...(o.herdInspectPort !== undefined ? { inspectPort: o.herdInspectPort } : {}),
      ...(o.herdArgs ? { extraArgs: o.herdArgs } : {}),
    }),
  ]);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const state = (started[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof startLocalFleet>>>).value;
  const herd = (started[1] as PromiseFulfilledResult<BenchServer>).value;
  const pid = (name: string) => {
    const record = state.processes.find((p) => p.name === name);
    if (!record) throw new Error(`the fleet did not start ${name}`);
    return record.pid;
  };
  const members: BenchMember[] = state.clusters
    .filter((c) => c.role === 'member')
    .map((c) => ({
      name: c.name,
      url: c.server,
      tls: { caFile: c.caFile, certFile: c.clientCertFile, keyFile: c.clientKeyFile },
      pid: pid(`${c.name}/kube-apiserver`),
      kubeconfig: c.kubeconfig,
      context: c.context,
      ...(c.region ? { region: c.region } : {}),
      ...(c.zone ? { zone: c.zone } : {}),
    }));

  for (const m of members) {
    for (const namespace of o.namespaces) {
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      const res = await tlsRequest(`${m.url}/api/v1/namespaces`, m.tls, { method: 'POST', body, timeoutMs: 30_000 });
      if (res.status !== 201) throw new Error(`creating namespace ${namespace} in ${m.name}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    }
  }

  const herdKubeconfig = join(herdDir, 'admin.kubeconfig');
  writeKubeconfig(herdKubeconfig, [{ context: 'herd', server: herd.url, caFile: herd.tls.caFile, clientCertFile: herd.tls.certFile, clientKeyFile: herd.tls.keyFile }]);
  const joined = members.slice(0, o.joined ?? members.length);
  for (const m of joined) {
    const args = ['join', m.name, '--kubeconfig', m.kubeconfig, '--context', m.context, '--herd-kubeconfig', herdKubeconfig, '--credentials-dir', credentialsDir];
    if (m.region) args.push('--region', m.region);
    if (m.zone) args.push('--zone', m.zone);
    await herdCli(args);
    log(`joined ${m.name} to Herd (herd join --credentials-dir)`);
  }
  await waitFor(`MemberClusters ${joined.map((m) => m.name).join(', ')} Ready`, () => allReady(herd, joined.map((m) => m.name)));
  await waitFor('Herd serving federateddeployments', async () => {
    const res = await tlsRequest(`${herd.url}/apis/federation.herd.io/v1alpha1`, herd.tls).catch(() => undefined);
    return res?.status === 200 && res.body.includes('"federateddeployments"');
  });
  return { herd, members, etcdPid: pid('etcd'), kubernetesVersion: state.kubernetesVersion, herdKubeconfig, credentialsDir };
}

/** `node dist/server/herd.js <args>`; rejects with its output when it fails. */
function herdCli(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [herdEntryPoint(), ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`herd ${args.slice(0, 2).join(' ')} failed: ${(stderr || stdout || err.message).trim()}`));
      else resolve();
    });
  });
}

async function allReady(herd: BenchServer, names: readonly string[]): Promise<boolean> {
  const res = await tlsRequest(`${herd.url}${MEMBERCLUSTERS}`, herd.tls).catch(() => undefined);
  if (res?.status !== 200) return false;
  const list = JSON.parse(res.body) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] };
  const ready = new Set(list.items.filter((i) => i.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((i) => i.metadata.name));
  return names.every((n) => ready.has(n));
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${READY_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
