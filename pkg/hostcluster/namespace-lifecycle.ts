import { LRUCache } from 'lru-cache';
import type { ClusterClient } from '../members/cluster-client.js';

export type NamespacePhase = 'Active' | 'Terminating' | 'Missing';

/**
 * The phase of a host namespace, for namespace lifecycle on creates: missing namespaces get 404 and terminating ones
 * 403, as kube-apiserver's NamespaceLifecycle admission answers. Active answers are cached briefly; a missing or
 * terminating namespace is always re-read, so a just-created namespace is usable at once.
 */
export function namespaceLifecycle(host: ClusterClient, ttlMs = 5000): (namespace: string) => Promise<NamespacePhase> {
  const active = new LRUCache<string, true>({ max: 10_000, ttl: ttlMs });
  return async (namespace) => {
    if (active.has(namespace)) return 'Active';
    const res = await host.call('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}`, undefined, 5000);
    if (res.status === 404) return 'Missing';
    if (res.status !== 200) throw new Error(`reading namespace ${namespace} from the host: ${res.status}`);
    const ns = JSON.parse(res.body) as { status?: { phase?: string }; metadata?: { deletionTimestamp?: string } };
    if (ns.status?.phase === 'Terminating' || ns.metadata?.deletionTimestamp) return 'Terminating';
    active.set(namespace, true);
    return 'Active';
  };
}
