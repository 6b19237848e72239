import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../e2e/controlplane/free-port.js';
import { herdEntryPoint } from '../e2e/controlplane/herd-process.js';
import { startLocalFleet, stopLocalFleet } from '../e2e/controlplane/local-fleet.js';
import { startProcess, stopProcess } from '../e2e/controlplane/managed-process.js';
import { createCA, issue, writePair } from '../e2e/controlplane/pki.js';
import { isHealthy, tlsRequest } from '../e2e/controlplane/tls-request.js';
import { waitUntil } from '../e2e/controlplane/wait-until.js';
import type { ClientTls } from './http-pool.js';
import type { Teardown } from './teardown.js';

/** A server under test: where it listens, how to authenticate as an admin, and the processes doing its work. */
export interface BenchServer {
  readonly url: string;
  readonly tls: ClientTls;
  /** Processes whose CPU time counts for this server (kube-apiserver includes its etcd). */
  readonly pids: readonly number[];
  readonly version: string;
  readonly log: string;
}

const READY_TIMEOUT_MS = 180_000;

/**
 * The baseline: a fleet of one member (real kube-apiserver and etcd, no controllers on the member) in `stateDir`;
 * the member is the server under test. The fleet's host apiserver shares the etcd but sits idle.
 */
export async function startKubeBaseline(stateDir: string, teardown: Teardown, log: (line: string) => void): Promise<BenchServer> {
  teardown.add('local fleet', () => stopLocalFleet(stateDir));
  const state = await startLocalFleet({ stateDir, members: 1, workloads: false, herd: false, log: (line) => log(`  fleet: ${line}`) });
  const member = state.clusters.find((c) => c.role === 'member');
  if (!member) throw new Error('the fleet has no member cluster');
  const pid = (name: string) => {
    const record = state.processes.find((p) => p.name === name);
    if (!record) throw new Error(`the fleet did not start ${name}`);
    return record.pid;
  };
  const apiserver = state.processes.find((p) => p.name === `${member.name}/kube-apiserver`);
  return {
    url: member.server,
    tls: { caFile: member.caFile, certFile: member.clientCertFile, keyFile: member.clientKeyFile },
    pids: [pid(`${member.name}/kube-apiserver`), pid('etcd')],
    version: `kube-apiserver ${state.kubernetesVersion}`,
    log: apiserver?.log ?? '',
  };
}

export interface HerdOptions {
  /** Write a V8 CPU profile of Herd (node --cpu-prof) into this directory when it exits. */
  readonly cpuProfileDir?: string;
  readonly version: string;
  /** Where Herd reads member credentials (`--member-credentials-dir`); `herd join --credentials-dir` writes there. */
  readonly memberCredentialsDir?: string;
  /** Run Herd with the V8 inspector listening on 127.0.0.1 at this port (`node --inspect`). */
  readonly inspectPort?: number;
  /** More `herd serve` flags, after the ones above (e.g. `--dns-port=N`). */
  readonly extraArgs?: readonly string[];
}

/**
 * `herd serve --mode standalone` from this checkout's build, with its own CA, serving certificate for 127.0.0.1 and
 * an admin client certificate (CN=bench, O=system:masters), sqlite data under `dir`. Logs at warn: kube-apiserver
 * does not log every request either. Ready once /readyz answers and discovery serves FederatedConfigMaps.
 */
export async function startHerd(dir: string, teardown: Teardown, options: HerdOptions): Promise<BenchServer> {
  const pki = join(dir, 'pki');
  const ca = await createCA('herd-bench-ca');
  const caPaths = writePair(pki, 'ca', ca);
  const serving = writePair(pki, 'serving', await issue(ca, { subject: 'CN=herd', usage: 'server', dnsNames: ['localhost'], ips: ['127.0.0.1'] }));
  const client = writePair(pki, 'bench', await issue(ca, { subject: 'CN=bench, O=system:masters', usage: 'client' }));
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  if (options.cpuProfileDir) mkdirSync(options.cpuProfileDir, { recursive: true });
  const inspect = options.inspectPort !== undefined ? [`--inspect=127.0.0.1:${options.inspectPort}`] : [];
  const args = [
    ...profile,
    ...inspect,
    herdEntryPoint(),
    'serve',
    '--mode=standalone',
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    `--tls-cert-file=${serving.cert}`,
    `--tls-private-key-file=${serving.key}`,
    `--client-ca-file=${caPaths.cert}`,
    `--data-dir=${join(dir, 'data')}`,
    ...(options.memberCredentialsDir ? [`--member-credentials-dir=${options.memberCredentialsDir}`] : []),
    '--log-level=warn',
    ...(options.extraArgs ?? []),
  ];
  const log = join(dir, 'herd.log');
  const record = startProcess({ name: 'herd', binary: process.execPath, args, log, healthUrl: `${url}/readyz` });
  // A profile is only written on a clean exit: give Herd time to close its store.
  teardown.add('herd', () => stopProcess(record, 30_000));
  const tls = { caFile: caPaths.cert, certFile: client.cert, keyFile: client.key };
  await waitUntil(record, () => isHealthy(`${url}/readyz`, tls), READY_TIMEOUT_MS);
  await waitUntil(
    record,
    async () => {
      const res = await tlsRequest(`${url}/apis/federation.herd.io/v1alpha1`, tls).catch(() => undefined);
      return res?.status === 200 && res.body.includes('"federatedconfigmaps"');
    },
    READY_TIMEOUT_MS,
    'serving federatedconfigmaps',
  );
  return { url, tls, pids: [record.pid], version: `herd ${options.version} (sqlite)`, log };
}
