import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { requireBinaries, type BinaryPaths } from '../binaries/binary-locator.js';
import { KUBERNETES_VERSION } from '../binaries/components.js';
import { KWOK_STAGES_FILE } from '../binaries/kwok-stages.js';
import { writeFleetContexts } from '../../server/cli/fleet-contexts.js';
import { createClusterPki, type ClusterPki } from './cluster-pki.js';
import { HOST_CONTROLLERS, etcdArgs, kubeApiserverArgs, kubeControllerManagerArgs, kubeSchedulerArgs, kwokArgs } from './component-args.js';
import { readFleetState, writeFleetState, type ClusterRecord, type FleetState } from './fleet-state.js';
import { freePorts } from './free-port.js';
import { writeKubeconfig } from './kubeconfig.js';
import { isRunning, startProcess, stopProcess, type ProcessRecord } from './managed-process.js';
import { createSimulatedNodes, readyNodeCount } from './simulated-nodes.js';
import { DEV_DNS_ZONE, createHerdFiles, herdEntryPoint, herdServeArgs } from './herd-process.js';
import { HERD_API_SERVICES, registrationManifests } from './herd-registration.js';
import { joinFleetMembers } from './join-fleet-members.js';
import { isHealthy, tlsRequest, type TlsFiles } from './tls-request.js';
import { memberTopology } from './topology.js';
import { ComponentStartError, waitUntil } from './wait-until.js';

export const DEFAULT_STATE_DIR = '.herd/dev';
export const SIMULATED_NODES_PER_MEMBER = 3;

export interface FleetUpOptions {
  readonly stateDir?: string;
  readonly members?: number;
  /** Members also run kube-controller-manager, kube-scheduler and kwok with simulated nodes. */
  readonly workloads?: boolean;
  readonly binaries?: BinaryPaths;
  /** Progress lines, e.g. `host kube-apiserver ready (7.9 s)`. */
  readonly log?: (line: string) => void;
  /** How long each component may take to become ready. */
  readonly readyTimeoutMs?: number;
  /** Also run Herd (`herd serve`, aggregated), register it on the host and join every member to it. Default true. */
  readonly herd?: boolean;
}

/** Thrown when a fleet is already running in the state directory. */
export class FleetRunningError extends Error {}

interface Plan {
  readonly cluster: ClusterRecord;
  readonly pki: ClusterPki;
  readonly ports: { readonly controllerManager: number; readonly scheduler: number; readonly kwok: number };
}

/**
 * Starts one shared etcd, a host kube-apiserver with the aggregation layer and kube-controller-manager, and N member
 * kube-apiservers (with controllers, scheduler and kwok nodes when `workloads`), each with its own PKI, on free ports.
 * Everything is recorded in `<stateDir>/fleet.json` as it starts; on failure everything started is stopped again and
 * the error names the failing component with the tail of its log.
 */
export async function startLocalFleet(options: FleetUpOptions = {}): Promise<FleetState> {
  const stateDir = resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  const members = options.members ?? 3;
  const workloads = options.workloads ?? false;
  const timeout = options.readyTimeoutMs ?? 180_000;
  const log = options.log ?? (() => {});
  if (!Number.isInteger(members) || members < 1 || members > 20) throw new RangeError(`--members must be 1 to 20, got ${members}`);

  const previous = readFleetState(stateDir);
  if (previous?.processes.some(isRunning)) {
    throw new FleetRunningError(`a fleet is already running in ${stateDir}; stop it with \`herd dev down --state-dir ${stateDir}\``);
  }
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const bin = options.binaries ?? requireBinaries();
  const started = Date.now();
  const since = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  const ports = await freePorts(4 + (1 + members) * 4);
  let next = 0;
  const port = () => ports[next++]!;
  const etcdClient = port();
  const etcdPeer = port();
  const etcdUrl = `http://127.0.0.1:${etcdClient}`;

  log(`generating PKI for host and ${members} member${members === 1 ? '' : 's'}`);
  const names = ['host', ...Array.from({ length: members }, (_, i) => `member-${i + 1}`)];
  const plans: Plan[] = await Promise.all(
    names.map(async (name, i): Promise<Plan> => {
      const dir = join(stateDir, name);
      mkdirSync(join(dir, 'logs'), { recursive: true });
      const pki = await createClusterPki(join(dir, 'pki'), name, { frontProxy: i === 0 });
      const apiPort = port();
      const cluster: ClusterRecord = {
        name,
        role: i === 0 ? 'host' : 'member',
        context: name,
        server: `https://127.0.0.1:${apiPort}`,
        port: apiPort,
        etcdPrefix: `/herd-dev/${name}`,
        caFile: pki.caFile,
        clientCertFile: pki.adminCertFile,
        clientKeyFile: pki.adminKeyFile,
        kubeconfig: join(dir, 'admin.kubeconfig'),
        ...(i > 0 ? memberTopology(i) : {}),
        ...(pki.frontProxy ? { frontProxy: pki.frontProxy } : {}),
      };
      writeKubeconfig(cluster.kubeconfig, [{ context: name, server: cluster.server, caFile: cluster.caFile, clientCertFile: cluster.clientCertFile, clientKeyFile: cluster.clientKeyFile }]);
      return { cluster, pki, ports: { controllerManager: port(), scheduler: port(), kwok: port() } };
    }),
  );

  const state: FleetState = {
    version: 1,
    stateDir,
    kubeconfig: join(stateDir, 'kubeconfig'),
    kubernetesVersion: KUBERNETES_VERSION,
    workloads,
    startedAt: new Date().toISOString(),
    etcd: { url: etcdUrl },
    clusters: plans.map((p) => p.cluster),
    processes: [],
  };
  writeKubeconfig(
    state.kubeconfig,
    state.clusters.map((c) => ({ context: c.context, server: c.server, caFile: c.caFile, clientCertFile: c.clientCertFile, clientKeyFile: c.clientKeyFile })),
  );
  const start = (name: string, binary: string, args: string[], logDir: string, healthUrl?: string): ProcessRecord => {
    const record = startProcess({ name, binary, args, log: join(logDir, `${name.split('/').pop()}.log`), ...(healthUrl ? { healthUrl } : {}) });
    state.processes.push(record);
    writeFleetState(state);
    return record;
  };

  try {
    const etcd = start('etcd', bin.etcd, etcdArgs({ dataDir: join(stateDir, 'etcd'), clientPort: etcdClient, peerPort: etcdPeer }), stateDir, `${etcdUrl}/health`);
    await waitUntil(etcd, () => isHealthy(`${etcdUrl}/health`, {}), timeout);
    log(`etcd ready (${since()})`);

    const apiservers = plans.map((p) => ({
      plan: p,
      record: start(
        `${p.cluster.name}/kube-apiserver`,
        bin['kube-apiserver'],
        kubeApiserverArgs({ etcdUrl, etcdPrefix: p.cluster.etcdPrefix, port: p.cluster.port, pki: p.pki, aggregator: p.cluster.role === 'host' }),
        join(stateDir, p.cluster.name, 'logs'),
        `${p.cluster.server}/readyz`,
      ),
    }));
    log(`starting ${apiservers.length} kube-apiservers`);
    await Promise.all(
      apiservers.map(async ({ plan, record }) => {
        await waitUntil(record, () => isHealthy(`${plan.cluster.server}/readyz`, adminTls(plan.cluster)), timeout);
        log(`${plan.cluster.name} kube-apiserver ready at ${plan.cluster.server} (${since()})`);
      }),
    );

    const controllers: { record: ProcessRecord; url: string }[] = [];
    for (const p of plans) {
      const logs = join(stateDir, p.cluster.name, 'logs');
      const kcm = p.cluster.role === 'host' ? [...HOST_CONTROLLERS] : workloads ? ['*'] : undefined;
      if (kcm) {
        const url = `https://127.0.0.1:${p.ports.controllerManager}/healthz`;
        const args = kubeControllerManagerArgs({ kubeconfig: p.cluster.kubeconfig, port: p.ports.controllerManager, pki: p.pki, controllers: kcm });
        controllers.push({ record: start(`${p.cluster.name}/kube-controller-manager`, bin['kube-controller-manager'], args, logs, url), url });
      }
      if (p.cluster.role === 'member' && workloads) {
        const schedUrl = `https://127.0.0.1:${p.ports.scheduler}/healthz`;
        const sched = kubeSchedulerArgs({ kubeconfig: p.cluster.kubeconfig, port: p.ports.scheduler });
        controllers.push({ record: start(`${p.cluster.name}/kube-scheduler`, bin['kube-scheduler'], sched, logs, schedUrl), url: schedUrl });
        const configFile = join(dirname(bin.kwok), KWOK_STAGES_FILE);
        const kwokUrl = `http://127.0.0.1:${p.ports.kwok}/healthz`;
        const kwok = kwokArgs({ kubeconfig: p.cluster.kubeconfig, port: p.ports.kwok, configFile });
        controllers.push({ record: start(`${p.cluster.name}/kwok`, bin.kwok, kwok, logs, kwokUrl), url: kwokUrl });
        await createSimulatedNodes(p.cluster, SIMULATED_NODES_PER_MEMBER);
      }
    }
    if (controllers.length > 0) log(`starting ${controllers.length} controllers${workloads ? ', schedulers and kwok' : ''}`);
    await Promise.all(controllers.map(({ record, url }) => waitUntil(record, () => isHealthy(url, { insecure: true }), timeout, 'healthy')));
    if (workloads) {
      for (const p of plans.filter((x) => x.cluster.role === 'member')) {
        const kwok = state.processes.find((r) => r.name === `${p.cluster.name}/kwok`)!;
        await waitUntil(kwok, async () => (await readyNodeCount(p.cluster)) >= SIMULATED_NODES_PER_MEMBER, timeout, `reporting ${SIMULATED_NODES_PER_MEMBER} Ready nodes`);
      }
      log(`${members * SIMULATED_NODES_PER_MEMBER} simulated nodes Ready`);
    }
    if (options.herd ?? true) {
      const herdPort = port();
      const dnsPort = port();
      const host = plans[0]!;
      const files = await createHerdFiles(join(stateDir, 'herd'), host.cluster, host.pki.caKeyFile);
      const url = `https://127.0.0.1:${herdPort}`;
      // RBAC first: Herd reads the authentication ConfigMap as it starts.
      await applyManifests(bin.kubectl, host.cluster.kubeconfig, registrationManifests({ port: herdPort, caPem: readFileSync(files.caFile, 'utf8') }));
      const herd = start('herd', process.execPath, herdServeArgs(herdEntryPoint(), files, herdPort, dnsPort), join(stateDir, 'herd'), `${url}/readyz`);
      state.herd = { url, port: herdPort, caFile: files.caFile, dataDir: files.dataDir, dns: { address: '127.0.0.1', port: dnsPort, zone: DEV_DNS_ZONE } };
      writeFleetState(state);
      await waitUntil(herd, () => isHealthy(`${url}/readyz`, { caFile: files.caFile }), timeout);
      for (const name of HERD_API_SERVICES) await waitUntil(herd, () => apiServiceAvailable(host.cluster, name), timeout, `Available as the APIService ${name}`);
      log(`herd serving ${HERD_API_SERVICES.join(' and ')} through the host (${since()})`);
      const memberClusters = state.clusters.filter((c) => c.role === 'member');
      await joinFleetMembers(host.cluster, memberClusters, log);
      // The fleet view and each member through Herd, with the host's admin credentials (as `herd kubeconfig --fleet`).
      const written = writeFleetContexts({ kubeconfigs: [state.kubeconfig], context: host.cluster.context, members: memberClusters.map((c) => c.name) });
      log(`kubeconfig contexts for the fleet view: ${written.contexts.map((c) => c.name).join(', ')}`);
    }
    log(`fleet ready in ${since()}: kubeconfig ${state.kubeconfig}`);
    return state;
  } catch (err) {
    log(`start failed; stopping the ${state.processes.length} processes started`);
    await stopFleetProcesses(state.processes);
    throw err;
  }
}

async function applyManifests(kubectl: string, kubeconfig: string, manifests: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile(kubectl, ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], (err, _stdout, stderr) =>
      err ? reject(new Error(`kubectl apply of Herd's registration failed: ${stderr || err.message}`)) : resolve(),
    );
    child.stdin?.end(manifests);
  });
}

async function apiServiceAvailable(host: ClusterRecord, name: string): Promise<boolean> {
  try {
    const res = await tlsRequest(`${host.server}/apis/apiregistration.k8s.io/v1/apiservices/${name}`, adminTls(host));
    if (res.status !== 200) return false;
    const svc = JSON.parse(res.body) as { status?: { conditions?: { type: string; status: string }[] } };
    return svc.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') ?? false;
  } catch {
    return false;
  }
}

export function adminTls(c: Pick<ClusterRecord, 'caFile' | 'clientCertFile' | 'clientKeyFile'>): TlsFiles {
  return { caFile: c.caFile, certFile: c.clientCertFile, keyFile: c.clientKeyFile };
}

/** Stops processes in reverse start order: controllers, then apiservers, then etcd. */
export async function stopFleetProcesses(processes: readonly ProcessRecord[]): Promise<string[]> {
  const stopped: string[] = [];
  const reversed = [...processes].reverse();
  const tiers = [
    reversed.filter((p) => !p.name.endsWith('kube-apiserver') && p.name !== 'etcd'),
    reversed.filter((p) => p.name.endsWith('kube-apiserver')),
    reversed.filter((p) => p.name === 'etcd'),
  ];
  for (const tier of tiers) {
    const results = await Promise.all(tier.map(async (p) => ((await stopProcess(p)) ? p.name : undefined)));
    stopped.push(...results.filter((n): n is string => n !== undefined));
  }
  return stopped;
}

/** Stops every process recorded in `<stateDir>/fleet.json` and removes the state directory. */
export async function stopLocalFleet(stateDir: string = DEFAULT_STATE_DIR): Promise<{ stopped: string[]; found: boolean }> {
  const dir = resolve(stateDir);
  const state = readFleetState(dir);
  if (!state) return { stopped: [], found: false };
  const stopped = await stopFleetProcesses(state.processes);
  rmSync(dir, { recursive: true, force: true });
  return { stopped, found: true };
}

export { ComponentStartError };
