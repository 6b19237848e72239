/**
 * What every e2e suite gets: a kubeconfig with a host context and member contexts, and the kubectl to drive them.
 * Providers: `local` (default; real control planes as local processes), `kind` (for machines with Docker),
 * `existing` (clusters someone else runs). Chosen by `HERD_E2E_PROVIDER`.
 */
export interface E2eFleet {
  readonly provider: 'local' | 'kind' | 'existing';
  readonly kubeconfig: string;
  readonly hostContext: string;
  readonly memberContexts: readonly string[];
  readonly kubectl: string;
  /** The local provider's state directory (fleet.json, logs); absent for other providers. */
  readonly stateDir?: string;
}

export interface FleetProvider {
  up(): Promise<E2eFleet>;
  down(): Promise<void>;
}

export type ProviderName = E2eFleet['provider'];

export function providerName(env: NodeJS.ProcessEnv = process.env): ProviderName {
  const name = env.HERD_E2E_PROVIDER ?? 'local';
  if (name !== 'local' && name !== 'kind' && name !== 'existing') {
    throw new Error(`HERD_E2E_PROVIDER must be local, kind or existing, got "${name}"`);
  }
  return name;
}
