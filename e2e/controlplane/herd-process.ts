import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterRecord } from './fleet-state.js';
import { HERD_HOST_USER, HERD_NAMESPACE, HERD_SERVICE } from './herd-registration.js';
import { writeKubeconfig } from './kubeconfig.js';
import { createCA, importCA, issue, writePair, type CertificateAuthority } from './pki.js';

/** The built `herd` CLI (dist/server/herd.js) of this checkout; the fleet runs Herd from it. */
export function herdEntryPoint(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      const entry = join(dir, 'dist', 'server', 'herd.js');
      if (!existsSync(entry)) throw new Error(`${entry} is missing; run \`npm run build\` first`);
      return entry;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the project root (package.json) above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export interface HerdFiles {
  readonly caFile: string;
  readonly servingCertFile: string;
  readonly servingKeyFile: string;
  /** Herd's own identity on the host, for delegated authentication/authorization and namespace lookups. */
  readonly hostKubeconfig: string;
  readonly dataDir: string;
}

/**
 * Herd's PKI in the dev fleet: its own CA signs the serving certificate with the name the aggregator checks
 * (`herd-apiserver.herd-system.svc`) plus localhost; the host CA signs Herd's client certificate.
 */
export async function createHerdFiles(dir: string, host: ClusterRecord, hostCaKeyFile: string): Promise<HerdFiles> {
  const ca = await createCA('herd-apiserver-ca');
  const caPaths = writePair(join(dir, 'pki'), 'ca', ca);
  const serving = writePair(
    join(dir, 'pki'),
    'serving',
    await issue(ca, { subject: `CN=${HERD_SERVICE}`, usage: 'server', dnsNames: [`${HERD_SERVICE}.${HERD_NAMESPACE}.svc`, 'localhost'], ips: ['127.0.0.1'] }),
  );
  const hostCa = await loadCA(host.caFile, hostCaKeyFile);
  const client = writePair(join(dir, 'pki'), 'host-client', await issue(hostCa, { subject: `CN=${HERD_HOST_USER}`, usage: 'client' }));
  const hostKubeconfig = join(dir, 'host.kubeconfig');
  writeKubeconfig(hostKubeconfig, [{ context: 'host', server: host.server, caFile: host.caFile, clientCertFile: client.cert, clientKeyFile: client.key }]);
  return { caFile: caPaths.cert, servingCertFile: serving.cert, servingKeyFile: serving.key, hostKubeconfig, dataDir: join(dir, 'data') };
}

function loadCA(certFile: string, keyFile: string): Promise<CertificateAuthority> {
  return importCA(readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8'));
}

/** DNS zone of the dev fleet's GlobalLoadBalancers. */
export const DEV_DNS_ZONE = 'herd.local';

/** Command line of `herd serve` in aggregated mode behind the dev host, serving DNS on `dnsPort` when given. */
export function herdServeArgs(entry: string, files: HerdFiles, port: number, dnsPort?: number): string[] {
  return [
    entry,
    'serve',
    '--mode=aggregated',
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    `--tls-cert-file=${files.servingCertFile}`,
    `--tls-private-key-file=${files.servingKeyFile}`,
    `--kubeconfig=${files.hostKubeconfig}`,
    `--data-dir=${files.dataDir}`,
    ...(dnsPort ? [`--dns-port=${dnsPort}`, `--dns-zone=${DEV_DNS_ZONE}`] : []),
  ];
}
