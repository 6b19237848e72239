import { KubeConfig } from '@kubernetes/client-node';
import { Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import { GROUP, PLACEMENT_SUBRESOURCE, VERSION } from '../../api/federation/v1alpha1/well-known.js';
import { ClusterClient, connectionFromKubeconfig } from '../../pkg/members/cluster-client.js';
import { defaultKubeconfig } from './join-command.js';
import { formatPlacementTable, type PlacementExplanationView } from './placement-table.js';

interface ApiResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  shortNames?: string[];
}

/** Finds the Federated resource a user typed: plural, singular, kind or short name, any case. */
export function findResource(resources: readonly ApiResource[], typed: string): ApiResource | undefined {
  const t = typed.toLowerCase().replace(new RegExp(`\\.${GROUP.replace(/\./g, '\\.')}$`), '');
  return resources.find(
    (r) => !r.name.includes('/') && (r.name === t || r.singularName === t || r.kind.toLowerCase() === t || (r.shortNames ?? []).includes(t)),
  );
}

function contextNamespace(kubeconfig: string, context: string | undefined): string | undefined {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc.getContextObject(context ?? kc.getCurrentContext())?.namespace || undefined;
}

/** `herd explain <kind>/<name>`: for each member, whether the placement chooses it, and why not. */
export function explainCommand(): Command {
  return new Command('explain')
    .description("Show where a Federated object goes: each member, chosen or not, the filter that rejected it, its score and replicas (the object's placement subresource).")
    .argument('<kind/name>', 'the Federated object, such as federateddeployment/web or fdeploy/web')
    .option('-n, --namespace <ns>', 'namespace of the object (default: the context\'s namespace, else default)')
    .option('-o, --output <format>', 'table, json or yaml', 'table')
    .option('--herd-kubeconfig <file>', "kubeconfig reaching Herd's API (default: $KUBECONFIG or ~/.kube/config)")
    .option('--herd-context <name>', 'context in --herd-kubeconfig (default: its current context)')
    .action(async (ref: string, opts: { namespace?: string; output: string; herdKubeconfig?: string; herdContext?: string }) => {
      const slash = ref.indexOf('/');
      if (slash <= 0 || slash === ref.length - 1) throw new Error(`expected <kind>/<name>, such as federateddeployment/web; got "${ref}"`);
      if (!['table', 'json', 'yaml'].includes(opts.output)) throw new Error(`--output must be table, json or yaml; got "${opts.output}"`);
      const kubeconfig = opts.herdKubeconfig ?? defaultKubeconfig();
      const herd = new ClusterClient(connectionFromKubeconfig(kubeconfig, opts.herdContext));
      try {
        const list = await herd.getJson<{ resources: ApiResource[] }>(`/apis/${GROUP}/${VERSION}`);
        const resource = findResource(list.resources, ref.slice(0, slash));
        if (!resource) throw new Error(`the server doesn't have a resource type "${ref.slice(0, slash)}" in ${GROUP}`);
        if (!list.resources.some((r) => r.name === `${resource.name}/${PLACEMENT_SUBRESOURCE}`)) {
          throw new Error(`${resource.kind} has no ${PLACEMENT_SUBRESOURCE} subresource: only Federated kinds are placed`);
        }
        const name = ref.slice(slash + 1);
        const ns = opts.namespace ?? contextNamespace(kubeconfig, opts.herdContext) ?? 'default';
        const base = resource.namespaced ? `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(ns)}` : `/apis/${GROUP}/${VERSION}`;
        const res = await herd.call('GET', `${base}/${resource.name}/${encodeURIComponent(name)}/${PLACEMENT_SUBRESOURCE}`);
        if (res.status !== 200) {
          const message = (JSON.parse(res.body) as { message?: string }).message ?? `HTTP ${res.status}`;
          throw new Error(message);
        }
        const explanation = JSON.parse(res.body) as PlacementExplanationView;
        if (opts.output === 'json') process.stdout.write(JSON.stringify(explanation, null, 2) + '\n');
        else if (opts.output === 'yaml') process.stdout.write(toYaml(explanation));
        else process.stdout.write(formatPlacementTable(resource.kind, explanation));
      } finally {
        await herd.close();
      }
    });
}
