import { resolve } from 'node:path';
import { requireBinaries } from '../binaries/binary-locator.js';
import { buildMissingBinaries } from '../binaries/go-builder.js';
import { startLocalFleet, stopLocalFleet } from '../controlplane/local-fleet.js';
import type { E2eFleet, FleetProvider } from './fleet-provider.js';

/**
 * Real control planes as local processes, started once per test run: 3 members with workloads unless
 * `HERD_E2E_MEMBERS` says otherwise. Builds missing binaries first; a fleet left over from an interrupted run in the
 * same state directory is stopped before the new one starts.
 */
export function localProvider(env: NodeJS.ProcessEnv = process.env): FleetProvider {
  const stateDir = resolve(env.HERD_E2E_STATE_DIR ?? '.herd/e2e');
  const members = Number(env.HERD_E2E_MEMBERS ?? '3');
  return {
    async up(): Promise<E2eFleet> {
      await buildMissingBinaries({ onProgress: (p) => p.phase !== 'compiling' && console.log(`[e2e] building ${p.binaries.join(', ')}: ${p.phase}`) });
      await stopLocalFleet(stateDir);
      const state = await startLocalFleet({ stateDir, members, workloads: true, log: (line) => console.log(`[e2e fleet] ${line}`) });
      return {
        provider: 'local',
        kubeconfig: state.kubeconfig,
        hostContext: 'host',
        memberContexts: state.clusters.filter((c) => c.role === 'member').map((c) => c.context),
        kubectl: requireBinaries(env).kubectl,
        stateDir,
      };
    },
    async down(): Promise<void> {
      await stopLocalFleet(stateDir);
    },
  };
}
