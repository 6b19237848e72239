import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { writeFleetContexts } from '../../server/cli/fleet-contexts.js';
import type { E2eFleet } from './fleet-provider.js';
import { kubectlOk } from './kubectl.js';

/** Another identity on the host: its user name (what members see through Herd) and the fleet to drive it with. */
export interface TokenUser {
  readonly username: string;
  /** The fleet with a kubeconfig of this user only: contexts host, fleet and `<member>@fleet`, with its token. */
  readonly fleet: E2eFleet;
}

interface FlatKubeconfig {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: { cluster: string; user?: string; namespace?: string } }[];
  'current-context': string;
}

/**
 * A ServiceAccount of the host as a user of the fleet: it authenticates to the host with a bound token, and Herd passes
 * its name (`system:serviceaccount:<ns>:<name>`) and groups to the members, where RBAC for that name decides what it
 * sees. Members need not know the token: they never authenticate it. Works on every provider (no CA key needed).
 * The namespace must exist on the host.
 */
export async function hostTokenUser(fleet: E2eFleet, namespace: string, name: string): Promise<TokenUser> {
  const host = fleet.hostContext;
  await kubectlOk(fleet, host, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } }));
  const token = (await kubectlOk(fleet, host, ['create', 'token', name, '-n', namespace, '--duration=2h'])).trim();
  // The host context on its own, CA inline, with the token instead of the admin's credentials.
  const flat = parse(await kubectlOk(fleet, host, ['config', 'view', '--raw', '--minify', '--flatten'])) as FlatKubeconfig;
  const user = `${name}-token`;
  const config: FlatKubeconfig = {
    ...flat,
    users: [{ name: user, user: { token } }],
    contexts: flat.contexts.map((c) => ({ ...c, context: { ...c.context, user } })),
    'current-context': host,
  };
  const kubeconfig = join(mkdtempSync(join(tmpdir(), `herd-user-${name}-`)), 'kubeconfig');
  writeFileSync(kubeconfig, stringify(config), { mode: 0o600 });
  writeFleetContexts({ kubeconfigs: [kubeconfig], context: host, members: fleet.memberContexts });
  return { username: `system:serviceaccount:${namespace}:${name}`, fleet: { ...fleet, kubeconfig } };
}
