import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigEntry {
  /** Context name; the cluster and user entries are named after it. */
  readonly context: string;
  readonly server: string;
  readonly caFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

/** A kubeconfig document with one context per entry, the first being current. File paths stay paths (absolute). */
export function renderKubeconfig(entries: readonly KubeconfigEntry[]): string {
  if (entries.length === 0) throw new Error('a kubeconfig needs at least one context');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': entries[0]!.context,
    clusters: entries.map((e) => ({ name: e.context, cluster: { server: e.server, 'certificate-authority': e.caFile } })),
    users: entries.map((e) => ({
      name: `${e.context}-admin`,
      user: { 'client-certificate': e.clientCertFile, 'client-key': e.clientKeyFile },
    })),
    contexts: entries.map((e) => ({ name: e.context, context: { cluster: e.context, user: `${e.context}-admin` } })),
  });
}

export function writeKubeconfig(path: string, entries: readonly KubeconfigEntry[]): void {
  writeFileSync(path, renderKubeconfig(entries), { mode: 0o600 });
}
