import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCA, createSigningKey, issue, writePair } from './pki.js';

/** Paths of one cluster's PKI, all under `<stateDir>/<cluster>/pki`. */
export interface ClusterPki {
  readonly caFile: string;
  readonly caKeyFile: string;
  readonly servingCertFile: string;
  readonly servingKeyFile: string;
  readonly adminCertFile: string;
  readonly adminKeyFile: string;
  readonly serviceAccountKeyFile: string;
  readonly serviceAccountPublicFile: string;
  /** Host only: the aggregation layer's front-proxy CA and the client certificate kube-apiserver proxies with. */
  readonly frontProxy?: {
    readonly caFile: string;
    readonly clientCertFile: string;
    readonly clientKeyFile: string;
  };
}

export const FRONT_PROXY_CLIENT_NAME = 'front-proxy-client';

/**
 * One CA per cluster signs the serving certificate and the client certificates (as kubeadm's cluster CA does); the host
 * also gets a separate front-proxy CA, because the aggregation layer must not share a CA with client authentication.
 * The admin certificate is in `system:masters`.
 */
export async function createClusterPki(dir: string, cluster: string, opts: { frontProxy: boolean }): Promise<ClusterPki> {
  const ca = await createCA(`herd-${cluster}-ca`);
  const caPaths = writePair(dir, 'ca', ca);
  const serving = writePair(
    dir,
    'apiserver',
    await issue(ca, {
      subject: 'CN=kube-apiserver',
      usage: 'server',
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
      ips: ['127.0.0.1', '10.0.0.1'],
    }),
  );
  const admin = writePair(dir, 'admin', await issue(ca, { subject: 'CN=herd-admin, O=system:masters', usage: 'client' }));
  const sa = await createSigningKey();
  const serviceAccountKeyFile = join(dir, 'sa.key');
  const serviceAccountPublicFile = join(dir, 'sa.pub');
  writeFileSync(serviceAccountKeyFile, sa.keyPem, { mode: 0o600 });
  writeFileSync(serviceAccountPublicFile, sa.publicPem);

  let frontProxy: ClusterPki['frontProxy'];
  if (opts.frontProxy) {
    const fpCa = await createCA('herd-front-proxy-ca');
    const fpCaPaths = writePair(dir, 'front-proxy-ca', fpCa);
    const client = writePair(dir, 'front-proxy-client', await issue(fpCa, { subject: `CN=${FRONT_PROXY_CLIENT_NAME}`, usage: 'client' }));
    frontProxy = { caFile: fpCaPaths.cert, clientCertFile: client.cert, clientKeyFile: client.key };
  }
  return {
    caFile: caPaths.cert,
    caKeyFile: caPaths.key,
    servingCertFile: serving.cert,
    servingKeyFile: serving.key,
    adminCertFile: admin.cert,
    adminKeyFile: admin.key,
    serviceAccountKeyFile,
    serviceAccountPublicFile,
    ...(frontProxy ? { frontProxy } : {}),
  };
}
