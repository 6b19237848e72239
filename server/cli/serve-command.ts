import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_HERD_NAMESPACE } from '../../api/federation/v1alpha1/well-known.js';
import { startServer } from '../serve.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('must be a port number (1-65535)');
  return n;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description("serve Herd's API (federation.herd.io) over HTTPS, behind a host cluster's aggregation layer or standalone")
    .addOption(new Option('--mode <mode>', 'aggregated: delegated authentication/authorization to the host; standalone: own client CA and token file').choices(['aggregated', 'standalone']).default('aggregated'))
    .option('--bind-address <ip>', 'address to listen on', '127.0.0.1')
    .option('--secure-port <port>', 'HTTPS port', port, 8443)
    .requiredOption('--tls-cert-file <file>', 'serving certificate (PEM); behind an aggregator it must name <service>.<namespace>.svc')
    .requiredOption('--tls-private-key-file <file>', 'serving key (PEM)')
    .option('--data-dir <dir>', 'where the embedded sqlite store keeps herd.db', '.herd/data')
    .addOption(new Option('--storage <backend>', 'sqlite (embedded, one replica) or etcd (several replicas share it)').choices(['sqlite', 'etcd']).default('sqlite'))
    .option('--etcd-servers <urls>', 'etcd client URLs, comma-separated (with --storage=etcd)', (v) => v.split(',').map((s) => s.trim()).filter(Boolean), [] as string[])
    .option('--etcd-prefix <prefix>', 'etcd key prefix; replicas sharing data use the same one', '/herd')
    .option('--etcd-cafile <file>', 'CA of the etcd servers')
    .option('--etcd-certfile <file>', 'client certificate for etcd')
    .option('--etcd-keyfile <file>', 'client key for etcd')
    .option('--kubeconfig <file>', "aggregated mode: Herd's credentials for the host cluster")
    .option('--client-ca-file <file>', 'standalone mode: CA for client certificates (CN = user, O = groups)')
    .option('--token-auth-file <file>', 'standalone mode: static bearer tokens, CSV token,user,uid,"group1,group2"')
    .option('--herd-namespace <ns>', 'aggregated mode: namespace on the host holding the member credential Secrets', DEFAULT_HERD_NAMESPACE)
    .option('--member-credentials-dir <dir>', 'standalone mode: directory of member credentials, <namespace>/<name>/{token,tls.crt,tls.key} (default: <data-dir>/member-credentials)')
    .option('--default-not-ready-toleration-seconds <seconds>', 'how long objects stay placed on a member that is not Ready before replicas move away, unless they tolerate the federation.herd.io/not-ready taint otherwise', (v) => Number(v), 300)
    .option('--member-concurrency <n>', 'member writes in flight per member cluster', (v) => Number(v), 32)
    .option('--fleet-cache-max-bytes <bytes>', 'ceiling on the memory of the fleet view caches (estimated from the cached JSON); beyond it idle caches are dropped, then requests get 503', (v) => Number(v), 1024 * 1024 * 1024)
    .option('--fleet-cache-idle-seconds <seconds>', 'a fleet view cache nobody read or watched for this long is stopped', (v) => Number(v), 300)
    .option('--dns-zone <zone>', 'DNS zone of GlobalLoadBalancer hostnames; by default each answers for <name>.<namespace>.<zone>', 'herd.local')
    .option('--dns-port <port>', 'serve DNS for GlobalLoadBalancers over UDP and TCP on this port (default: no DNS server)', port)
    .option('--dns-bind-address <ip>', 'address the DNS server listens on (default: --bind-address)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace', 'info')
    .option('--min-request-timeout <seconds>', 'watches without timeoutSeconds end after a random time in [this, 2×this) seconds', (v) => Number(v), 1800)
    .option('--compaction-interval <seconds>', 'history kept for watches and paged lists; older resourceVersions get 410 (0: never compact)', (v) => Number(v), 300)
    .action(async (opts: { mode: 'aggregated' | 'standalone'; bindAddress: string; securePort: number; tlsCertFile: string; tlsPrivateKeyFile: string; dataDir: string; kubeconfig?: string; clientCaFile?: string; tokenAuthFile?: string; logLevel: string; compactionInterval: number; minRequestTimeout: number; storage: 'sqlite' | 'etcd'; etcdServers: string[]; etcdPrefix: string; etcdCafile?: string; etcdCertfile?: string; etcdKeyfile?: string; herdNamespace: string; memberCredentialsDir?: string; defaultNotReadyTolerationSeconds: number; memberConcurrency: number; fleetCacheMaxBytes: number; fleetCacheIdleSeconds: number; dnsZone: string; dnsPort?: number; dnsBindAddress?: string }) => {
      const server = await startServer({
        mode: opts.mode,
        bindAddress: opts.bindAddress,
        securePort: opts.securePort,
        tlsCertFile: opts.tlsCertFile,
        tlsKeyFile: opts.tlsPrivateKeyFile,
        dataDir: opts.dataDir,
        storage: opts.storage,
        etcd: {
          servers: opts.etcdServers,
          prefix: opts.etcdPrefix,
          ...(opts.etcdCafile ? { caFile: opts.etcdCafile } : {}),
          ...(opts.etcdCertfile ? { certFile: opts.etcdCertfile } : {}),
          ...(opts.etcdKeyfile ? { keyFile: opts.etcdKeyfile } : {}),
        },
        logLevel: opts.logLevel,
        compactionIntervalSeconds: opts.compactionInterval,
        minRequestTimeoutSeconds: opts.minRequestTimeout,
        ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
        ...(opts.clientCaFile ? { clientCaFile: opts.clientCaFile } : {}),
        ...(opts.tokenAuthFile ? { tokenAuthFile: opts.tokenAuthFile } : {}),
        herdNamespace: opts.herdNamespace,
        defaultNotReadyTolerationSeconds: opts.defaultNotReadyTolerationSeconds,
        memberConcurrency: opts.memberConcurrency,
        fleetCacheMaxBytes: opts.fleetCacheMaxBytes,
        fleetCacheIdleSeconds: opts.fleetCacheIdleSeconds,
        dnsZone: opts.dnsZone,
        ...(opts.dnsPort !== undefined ? { dnsPort: opts.dnsPort } : {}),
        ...(opts.dnsBindAddress ? { dnsBindAddress: opts.dnsBindAddress } : {}),
        ...(opts.memberCredentialsDir ? { memberCredentialsDir: opts.memberCredentialsDir } : {}),
      });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}
