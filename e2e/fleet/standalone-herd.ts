import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../controlplane/free-port.js';
import { herdEntryPoint } from '../controlplane/herd-process.js';
import { writeKubeconfig } from '../controlplane/kubeconfig.js';
import { isRunning, startProcess, stopProcess, type ProcessRecord } from '../controlplane/managed-process.js';
import { createCA, issue, writePair } from '../controlplane/pki.js';
import { isHealthy, type TlsFiles } from '../controlplane/tls-request.js';
import { waitUntil } from '../controlplane/wait-until.js';

/** A `herd serve --mode standalone` process for tests that restart, kill or compact Herd itself. */
export interface StandaloneHerd {
  readonly url: string;
  /** Admin client (CN=e2e-admin, O=system:masters) and the serving CA. */
  readonly tls: Required<Pick<TlsFiles, 'caFile' | 'certFile' | 'keyFile'>>;
  readonly kubeconfig: string;
  readonly dataDir: string;
  /** SIGKILL: no shutdown at all. */
  kill(): void;
  /** Starts Herd again on the same port and data directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StandaloneHerdOptions {
  readonly compactionIntervalSeconds?: number;
  readonly minRequestTimeoutSeconds?: number;
  /** Store in etcd under this prefix instead of sqlite; replicas with the same prefix share data. */
  readonly etcd?: { readonly servers: string; readonly prefix: string };
}

export async function startStandaloneHerd(options: StandaloneHerdOptions = {}): Promise<StandaloneHerd> {
  const dir = mkdtempSync(join(tmpdir(), 'herd-standalone-'));
  const pki = join(dir, 'pki');
  const ca = await createCA('herd-e2e-ca');
  const caPaths = writePair(pki, 'ca', ca);
  const serving = writePair(pki, 'serving', await issue(ca, { subject: 'CN=herd', usage: 'server', dnsNames: ['localhost'], ips: ['127.0.0.1'] }));
  const client = writePair(pki, 'admin', await issue(ca, { subject: 'CN=e2e-admin, O=system:masters', usage: 'client' }));
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const dataDir = join(dir, 'data');
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, [{ context: 'herd', server: url, caFile: caPaths.cert, clientCertFile: client.cert, clientKeyFile: client.key }]);
  const args = [
    herdEntryPoint(),
    'serve',
    '--mode=standalone',
    `--secure-port=${port}`,
    `--tls-cert-file=${serving.cert}`,
    `--tls-private-key-file=${serving.key}`,
    `--client-ca-file=${caPaths.cert}`,
    `--data-dir=${dataDir}`,
    `--compaction-interval=${options.compactionIntervalSeconds ?? 300}`,
    `--min-request-timeout=${options.minRequestTimeoutSeconds ?? 1800}`,
    '--log-level=warn',
    ...(options.etcd ? ['--storage=etcd', `--etcd-servers=${options.etcd.servers}`, `--etcd-prefix=${options.etcd.prefix}`] : []),
  ];
  const tls = { caFile: caPaths.cert, certFile: client.cert, keyFile: client.key };
  let record: ProcessRecord;
  const launch = async () => {
    record = startProcess({ name: 'herd', binary: process.execPath, args, log: join(dir, 'herd.log'), healthUrl: `${url}/readyz` });
    await waitUntil(record, () => isHealthy(`${url}/readyz`, tls), 60_000);
  };
  await launch();
  return {
    url,
    tls,
    kubeconfig,
    dataDir,
    kill: () => {
      if (isRunning(record)) process.kill(record.pid, 'SIGKILL');
    },
    restart: launch,
    stop: async () => {
      await stopProcess(record);
    },
  };
}
