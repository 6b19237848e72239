import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FLEET_CONTEXT, memberContextName, writeFleetContexts } from '../../server/cli/fleet-contexts.js';
import type { E2eFleet } from './fleet-provider.js';

/** Names of the contexts in a kubeconfig file. */
export function contextNames(kubeconfig: string): string[] {
  const doc = parse(readFileSync(kubeconfig, 'utf8')) as { contexts?: { name: string }[] } | null;
  return (doc?.contexts ?? []).map((c) => c.name);
}

/**
 * The fleet with a kubeconfig holding the fleet view's contexts, `fleet` and `<member>@fleet` (the member contexts'
 * names are taken as the members' names, as in the local and kind fleets). The local fleet's kubeconfig has them
 * (`herd dev up` writes them); for other providers they are written, as `herd kubeconfig --fleet` does, into a file of
 * their own next to nothing else, so the provider's kubeconfig is never changed.
 */
export function withFleetViewContexts(fleet: E2eFleet): E2eFleet {
  const wanted = [FLEET_CONTEXT, ...fleet.memberContexts.map(memberContextName)];
  const have = contextNames(fleet.kubeconfig);
  if (wanted.every((c) => have.includes(c))) return fleet;
  const output = join(mkdtempSync(join(tmpdir(), 'herd-fleet-view-')), 'kubeconfig');
  writeFleetContexts({ kubeconfigs: [fleet.kubeconfig], context: fleet.hostContext, members: fleet.memberContexts, output });
  return { ...fleet, kubeconfig: output };
}
