import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { E2eFleet, FleetProvider } from './fleet-provider.js';

const run = promisify(execFile);

/** The shell script beside this module's source (kind-fleet.sh), found from source or from dist/. */
function script(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${join('dist', 'e2e')}`) ? resolve(here, '../../../e2e/fleet/kind-fleet.sh') : join(here, 'kind-fleet.sh');
}

/**
 * kind clusters, for machines with Docker: `kind-fleet.sh up` creates `herd-host` and `herd-member-1..N` with the same
 * aggregation settings and topology labels as the local fleet, and writes one kubeconfig with the contexts `host`
 * and `member-N`.
 */
export function kindProvider(env: NodeJS.ProcessEnv = process.env): FleetProvider {
  const members = env.HERD_E2E_MEMBERS ?? '2';
  const kubeconfig = resolve(env.HERD_E2E_KUBECONFIG ?? '.herd/kind/kubeconfig');
  const runEnv = { ...env, MEMBERS: members, KUBECONFIG_OUT: kubeconfig };
  return {
    async up(): Promise<E2eFleet> {
      await run('bash', [script(), 'up'], { env: runEnv, maxBuffer: 16 * 1024 * 1024 });
      return {
        provider: 'kind',
        kubeconfig,
        hostContext: 'host',
        memberContexts: Array.from({ length: Number(members) }, (_, i) => `member-${i + 1}`),
        kubectl: env.HERD_E2E_KUBECTL ?? 'kubectl',
      };
    },
    async down(): Promise<void> {
      await run('bash', [script(), 'down'], { env: runEnv });
    },
  };
}
