import { resolve } from 'node:path';
import { readFleetState, type FleetState } from './fleet-state.js';
import { adminTls } from './local-fleet.js';
import { isRunning } from './managed-process.js';
import { isHealthy, type TlsFiles } from './tls-request.js';

export interface ComponentHealth {
  readonly name: string;
  readonly pid: number;
  readonly running: boolean;
  /** undefined when the component has no health endpoint. */
  readonly healthy: boolean | undefined;
  readonly url: string | undefined;
}

export interface FleetStatus {
  readonly state: FleetState;
  readonly components: readonly ComponentHealth[];
}

/** Health of every process of the fleet in `stateDir`: alive by pid, and healthy by its readyz/healthz endpoint. */
export async function fleetStatus(stateDir: string): Promise<FleetStatus | undefined> {
  const state = readFleetState(resolve(stateDir));
  if (!state) return undefined;
  const components = await Promise.all(
    state.processes.map(async (p): Promise<ComponentHealth> => {
      const running = isRunning(p);
      const cluster = state.clusters.find((c) => p.name === `${c.name}/kube-apiserver`);
      const tls: TlsFiles = cluster ? adminTls(cluster) : { insecure: true };
      const healthy = p.healthUrl === undefined ? undefined : running && (await isHealthy(p.healthUrl, tls));
      return { name: p.name, pid: p.pid, running, healthy, url: p.healthUrl };
    }),
  );
  return { state, components };
}
