import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { existingProvider } from './existing-provider.js';
import type { E2eFleet, FleetProvider } from './fleet-provider.js';
import { providerName } from './fleet-provider.js';
import { kindProvider } from './kind-provider.js';
import { localProvider } from './local-provider.js';

declare module 'vitest' {
  export interface ProvidedContext {
    fleet: E2eFleet;
  }
}

let provider: FleetProvider | undefined;

/** One fleet for the whole e2e run, shared by every suite through `inject('fleet')`. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = providerName();
  provider = name === 'kind' ? kindProvider() : name === 'existing' ? existingProvider() : localProvider();
  const fleet = await provider.up();
  project.provide('fleet', fleet);
  return async () => {
    await provider?.down();
  };
}
