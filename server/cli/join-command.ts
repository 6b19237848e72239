import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_HERD_NAMESPACE } from '../../api/federation/v1alpha1/well-known.js';
import { ClusterClient, connectionFromKubeconfig } from '../../pkg/members/cluster-client.js';
import type { CredentialStore } from '../../pkg/members/credential-store.js';
import { DirectoryCredentialStore } from '../../pkg/members/directory-credential-store.js';
import { HostSecretCredentialStore } from '../../pkg/members/host-secret-credential-store.js';
import { joinMember, unjoinMember } from '../../pkg/members/join-member.js';

const out = (line: string) => process.stdout.write(line + '\n');

/** `--label k=v`, repeatable, into one map. */
function collectLabel(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const i = value.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError('must be key=value');
  return { ...previous, [value.slice(0, i)]: value.slice(i + 1) };
}

/** The kubeconfig kubectl would use: the first file of $KUBECONFIG that exists, else ~/.kube/config. */
export function defaultKubeconfig(env: NodeJS.ProcessEnv = process.env): string {
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  return listed.find((p) => existsSync(p)) ?? listed[0] ?? join(homedir(), '.kube', 'config');
}

interface HerdTarget {
  herdKubeconfig?: string;
  herdContext?: string;
  namespace: string;
  credentialsDir?: string;
}

/**
 * Herd's API and the credential store for a command: aggregated, the host (the Secret goes to the host namespace
 * through the same kubeconfig); standalone (`--credentials-dir`), Herd itself and the directory it reads.
 */
function target(opts: HerdTarget): { herd: ClusterClient; credentials: CredentialStore; where: (ref: { namespace: string; name: string }) => string } {
  const kubeconfig = opts.herdKubeconfig ?? defaultKubeconfig();
  const herd = new ClusterClient(connectionFromKubeconfig(kubeconfig, opts.herdContext));
  if (opts.credentialsDir) {
    const dir = opts.credentialsDir;
    return { herd, credentials: new DirectoryCredentialStore(dir), where: (ref) => `${join(dir, ref.namespace, ref.name)}/` };
  }
  return { herd, credentials: new HostSecretCredentialStore(herd), where: (ref) => `Secret ${ref.namespace}/${ref.name} on ${herd.connection.server}` };
}

function herdOptions(cmd: Command): Command {
  return cmd
    .option('--herd-kubeconfig <file>', "kubeconfig reaching Herd's API: the host cluster (aggregated), or Herd itself (standalone) (default: $KUBECONFIG or ~/.kube/config)")
    .option('--herd-context <name>', 'context in --herd-kubeconfig (default: its current context)')
    .option('--namespace <ns>', 'namespace of the member credentials (the Secret on the host, or a folder of --credentials-dir)', DEFAULT_HERD_NAMESPACE)
    .option('--credentials-dir <dir>', 'standalone Herd: write the credentials to this directory (the one `herd serve --member-credentials-dir` reads) instead of a Secret on the host');
}

export function joinCommand(): Command {
  return herdOptions(
    new Command('join')
      .description('join a cluster to the fleet: store its credentials for Herd and create its MemberCluster')
      .argument('<name>', 'name of the MemberCluster (a DNS-1123 subdomain, at most 63 characters)')
      .requiredOption('--kubeconfig <file>', "the member's kubeconfig; its user must hold a token or a client certificate (exec plugins are not supported)")
      .option('--context <name>', 'context of the member in --kubeconfig (default: its current context)')
      .option('--region <region>', 'region of the member (label topology.kubernetes.io/region)')
      .option('--zone <zone>', 'zone of the member (label topology.kubernetes.io/zone)')
      .option('--label <key=value>', 'a label for the MemberCluster; repeat for more', collectLabel),
  ).action(
    async (
      name: string,
      opts: HerdTarget & { kubeconfig: string; context?: string; region?: string; zone?: string; label?: Record<string, string> },
    ) => {
      const t = target(opts);
      try {
        const r = await joinMember({
          name,
          kubeconfig: opts.kubeconfig,
          ...(opts.context ? { context: opts.context } : {}),
          herd: t.herd,
          credentials: t.credentials,
          namespace: opts.namespace,
          ...(opts.region ? { region: opts.region } : {}),
          ...(opts.zone ? { zone: opts.zone } : {}),
          labels: opts.label ?? {},
        });
        const spec = r.memberCluster.spec;
        out(`credentials (${r.credentialKind}) written to ${t.where(r.secretRef)}`);
        const topology = [spec.region && `region ${spec.region}`, spec.zone && `zone ${spec.zone}`].filter(Boolean).join(', ');
        out(`membercluster/${name} ${r.created ? 'created' : 'updated'}: ${spec.apiEndpoint}${topology ? `, ${topology}` : ''}`);
        out(`check it with: kubectl get membercluster ${name} -o wide`);
      } finally {
        await t.herd.close();
      }
    },
  );
}

export function unjoinCommand(): Command {
  return herdOptions(
    new Command('unjoin')
      .description("remove a cluster from the fleet: delete its MemberCluster (Herd removes its objects from the member first) and its credentials")
      .argument('<name>', 'name of the MemberCluster')
      .option('--orphan', "leave Herd's objects in the member instead of removing them", false)
      .option('--timeout <seconds>', 'how long to wait for the MemberCluster to go', (v) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of seconds');
        return n;
      }, 60),
  ).action(async (name: string, opts: HerdTarget & { orphan: boolean; timeout: number }) => {
    const t = target(opts);
    try {
      const r = await unjoinMember({
        name,
        herd: t.herd,
        credentials: t.credentials,
        namespace: opts.namespace,
        orphan: opts.orphan,
        timeoutMs: opts.timeout * 1000,
        log: out,
      });
      out(r.found ? `membercluster/${name} deleted${opts.orphan ? " (Herd's objects left in the member)" : ''}` : `membercluster/${name} was not joined`);
      if (r.removedCredentials) out(`credentials ${t.where(r.removedCredentials)} removed`);
    } finally {
      await t.herd.close();
    }
  });
}
