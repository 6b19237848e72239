import type { E2eFleet, FleetProvider } from './fleet-provider.js';

/**
 * Clusters someone else runs: `HERD_E2E_KUBECONFIG`, `HERD_E2E_HOST_CONTEXT` and `HERD_E2E_MEMBER_CONTEXTS`
 * (comma-separated), with `HERD_E2E_KUBECTL` (default `kubectl`). Nothing is started or stopped.
 */
export function existingProvider(env: NodeJS.ProcessEnv = process.env): FleetProvider {
  return {
    async up(): Promise<E2eFleet> {
      const kubeconfig = env.HERD_E2E_KUBECONFIG;
      const hostContext = env.HERD_E2E_HOST_CONTEXT;
      const members = (env.HERD_E2E_MEMBER_CONTEXTS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (!kubeconfig || !hostContext || members.length === 0) {
        throw new Error('the existing provider needs HERD_E2E_KUBECONFIG, HERD_E2E_HOST_CONTEXT and HERD_E2E_MEMBER_CONTEXTS');
      }
      return { provider: 'existing', kubeconfig, hostContext, memberContexts: members, kubectl: env.HERD_E2E_KUBECTL ?? 'kubectl' };
    },
    async down(): Promise<void> {},
  };
}
