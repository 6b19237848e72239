import { FRONT_PROXY_CLIENT_NAME, type ClusterPki } from './cluster-pki.js';

/** Command lines of the control-plane components of the local fleet. Pure functions: easy to read and to test. */

export interface EtcdArgs {
  readonly dataDir: string;
  readonly clientPort: number;
  readonly peerPort: number;
}

export function etcdArgs(o: EtcdArgs): string[] {
  return [
    '--name=herd-dev',
    `--data-dir=${o.dataDir}`,
    `--listen-client-urls=http://127.0.0.1:${o.clientPort}`,
    `--advertise-client-urls=http://127.0.0.1:${o.clientPort}`,
    `--listen-peer-urls=http://127.0.0.1:${o.peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${o.peerPort}`,
    `--initial-cluster=herd-dev=http://127.0.0.1:${o.peerPort}`,
    // A throwaway development store: skipping fsync makes start-up and tests far faster.
    '--unsafe-no-fsync=true',
    '--quota-backend-bytes=8589934592',
    '--log-level=warn',
  ];
}

export interface ApiserverArgs {
  readonly etcdUrl: string;
  /** Every cluster of the fleet shares one etcd under its own prefix. */
  readonly etcdPrefix: string;
  readonly port: number;
  readonly pki: ClusterPki;
  /** Host only: configure the aggregation layer from `pki.frontProxy`. */
  readonly aggregator: boolean;
}

export function kubeApiserverArgs(o: ApiserverArgs): string[] {
  const args = [
    `--etcd-servers=${o.etcdUrl}`,
    `--etcd-prefix=${o.etcdPrefix}`,
    '--bind-address=127.0.0.1',
    // Without a default route kube-apiserver cannot pick an address by itself.
    '--advertise-address=127.0.0.1',
    `--secure-port=${o.port}`,
    `--tls-cert-file=${o.pki.servingCertFile}`,
    `--tls-private-key-file=${o.pki.servingKeyFile}`,
    `--client-ca-file=${o.pki.caFile}`,
    '--authorization-mode=Node,RBAC',
    '--service-cluster-ip-range=10.0.0.0/24',
    `--service-account-issuer=https://127.0.0.1:${o.port}`,
    `--service-account-key-file=${o.pki.serviceAccountPublicFile}`,
    `--service-account-signing-key-file=${o.pki.serviceAccountKeyFile}`,
    '--allow-privileged=true',
    // A loopback advertise address fails validation of the `kubernetes` Service's endpoints; nothing needs them here.
    '--endpoint-reconciler-type=none',
    '--profiling=false',
  ];
  if (o.aggregator) {
    const fp = o.pki.frontProxy;
    if (!fp) throw new Error('the aggregation layer needs the front-proxy PKI');
    args.push(
      `--requestheader-client-ca-file=${fp.caFile}`,
      `--requestheader-allowed-names=${FRONT_PROXY_CLIENT_NAME}`,
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-username-headers=X-Remote-User',
      `--proxy-client-cert-file=${fp.clientCertFile}`,
      `--proxy-client-key-file=${fp.clientKeyFile}`,
      // Left off on purpose: with aggregator routing enabled an ExternalName Service (how a local APIService reaches
      // 127.0.0.1) is refused.
      '--enable-aggregator-routing=false',
    );
  }
  return args;
}

export interface ControllerManagerArgs {
  readonly kubeconfig: string;
  readonly port: number;
  readonly pki: ClusterPki;
  /** `*` for every default controller (members with workloads), or the few the host needs. */
  readonly controllers: readonly string[];
}

export const HOST_CONTROLLERS = [
  'namespace-controller',
  'garbage-collector-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'root-ca-certificate-publisher-controller',
  'clusterrole-aggregation-controller',
] as const;

/** What kube-controller-manager and kube-scheduler share: credentials, a loopback health port, no leader election. */
function controllerBaseArgs(o: { kubeconfig: string; port: number }): string[] {
  return [
    `--kubeconfig=${o.kubeconfig}`,
    `--authentication-kubeconfig=${o.kubeconfig}`,
    `--authorization-kubeconfig=${o.kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${o.port}`,
    '--leader-elect=false',
  ];
}

export function kubeControllerManagerArgs(o: ControllerManagerArgs): string[] {
  return [
    ...controllerBaseArgs(o),
    `--controllers=${o.controllers.join(',')}`,
    `--service-account-private-key-file=${o.pki.serviceAccountKeyFile}`,
    `--root-ca-file=${o.pki.caFile}`,
    `--cluster-signing-cert-file=${o.pki.caFile}`,
    `--cluster-signing-key-file=${o.pki.caKeyFile}`,
    '--use-service-account-credentials=false',
    '--profiling=false',
  ];
}

export function kubeSchedulerArgs(o: { kubeconfig: string; port: number }): string[] {
  return [...controllerBaseArgs(o), '--profiling=false'];
}

/** Annotation marking the nodes kwok simulates. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export function kwokArgs(o: { kubeconfig: string; port: number; configFile: string }): string[] {
  return [
    `--kubeconfig=${o.kubeconfig}`,
    `--config=${o.configFile}`,
    '--manage-all-nodes=false',
    `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
    `--server-address=127.0.0.1:${o.port}`,
    // Simulated kubelets renew node Leases, so the node lifecycle controller keeps the nodes Ready.
    '--node-lease-duration-seconds=40',
    '--cidr=10.244.0.0/16',
  ];
}
