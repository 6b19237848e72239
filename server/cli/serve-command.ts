import { Command, InvalidArgumentError, Option } from 'commander';
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
    .option('--kubeconfig <file>', "aggregated mode: Herd's credentials for the host cluster")
    .option('--client-ca-file <file>', 'standalone mode: CA for client certificates (CN = user, O = groups)')
    .option('--token-auth-file <file>', 'standalone mode: static bearer tokens, CSV token,user,uid,"group1,group2"')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace', 'info')
    .option('--min-request-timeout <seconds>', 'watches without timeoutSeconds end after a random time in [this, 2×this) seconds', (v) => Number(v), 1800)
    .option('--compaction-interval <seconds>', 'history kept for watches and paged lists; older resourceVersions get 410 (0: never compact)', (v) => Number(v), 300)
    .action(async (opts: { mode: 'aggregated' | 'standalone'; bindAddress: string; securePort: number; tlsCertFile: string; tlsPrivateKeyFile: string; dataDir: string; kubeconfig?: string; clientCaFile?: string; tokenAuthFile?: string; logLevel: string; compactionInterval: number; minRequestTimeout: number }) => {
      const server = await startServer({
        mode: opts.mode,
        bindAddress: opts.bindAddress,
        securePort: opts.securePort,
        tlsCertFile: opts.tlsCertFile,
        tlsKeyFile: opts.tlsPrivateKeyFile,
        dataDir: opts.dataDir,
        logLevel: opts.logLevel,
        compactionIntervalSeconds: opts.compactionInterval,
        minRequestTimeoutSeconds: opts.minRequestTimeout,
        ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
        ...(opts.clientCaFile ? { clientCaFile: opts.clientCaFile } : {}),
        ...(opts.tokenAuthFile ? { tokenAuthFile: opts.tokenAuthFile } : {}),
      });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}
