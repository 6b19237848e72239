import type { GlobalLoadBalancer, GlobalLoadBalancerStatus, LoadBalancerTargetStatus } from '../../api/federation/v1alpha1/global-load-balancer.js';
import type { Condition } from '../../api/meta/object-meta.js';
import { CONDITION_HOSTNAME_CONFLICT, CONDITION_READY } from '../../api/federation/v1alpha1/well-known.js';
import type { TargetHealth } from './target-health.js';

/** What a round found that the status reports besides the clusters. */
export interface BalancerFacts {
  readonly hostname: string;
  /** The hostname is not inside Herd's DNS zone: only the decision subresource answers. */
  readonly outsideZone: boolean;
  /** Another GlobalLoadBalancer (`namespace/name`) answers DNS for the same hostname. */
  readonly conflictWith?: string;
  /** Why there are no targets at all (the backend is missing), when that is so. */
  readonly backendProblem?: { readonly reason: string; readonly message: string };
  /** Effective weights for Weighted, by cluster. */
  readonly weights?: ReadonlyMap<string, number>;
}

function condition(type: string, status: Condition['status'], reason: string, message: string, generation: number, previous: Condition[] | undefined, now: string): Condition {
  const before = previous?.find((c) => c.type === type);
  const lastTransitionTime = before && before.status === status ? before.lastTransitionTime : now;
  return { type, status, reason, message, lastTransitionTime, observedGeneration: generation };
}

/**
 * The status a GlobalLoadBalancer should have: one entry per cluster that runs the backend (clusters it is not placed
 * on are left out), healthy ones counted, Ready and HostnameConflict conditions. Transition times are kept while a
 * value holds, so an unchanged round builds an equal status and writes nothing.
 */
export function buildBalancerStatus(glb: GlobalLoadBalancer, targets: readonly TargetHealth[], facts: BalancerFacts, since: (cluster: string) => string | undefined, now: string): GlobalLoadBalancerStatus {
  const generation = glb.metadata.generation ?? 1;
  const placed = targets.filter((t) => t.reason !== 'NotPlaced');
  const clusters: LoadBalancerTargetStatus[] = placed.map((t) => {
    const weight = facts.weights?.get(t.cluster);
    const at = since(t.cluster);
    return {
      name: t.cluster,
      healthy: t.healthy,
      ...(t.addresses.length > 0 ? { addresses: [...t.addresses] } : {}),
      ...(t.readyEndpoints !== undefined ? { readyEndpoints: t.readyEndpoints } : {}),
      ...(weight !== undefined ? { weight } : {}),
      reason: t.reason,
      message: t.message.slice(0, 256),
      ...(at ? { lastTransitionTime: at } : {}),
    };
  });
  const healthy = placed.filter((t) => t.healthy).length;
  const previous = glb.status?.conditions;
  let ready: Condition;
  if (facts.backendProblem) ready = condition(CONDITION_READY, 'False', facts.backendProblem.reason, facts.backendProblem.message, generation, previous, now);
  else if (facts.outsideZone) ready = condition(CONDITION_READY, 'False', 'HostnameOutsideZone', `${facts.hostname} is not inside Herd's DNS zone; only the decision subresource answers`, generation, previous, now);
  else if (facts.conflictWith) ready = condition(CONDITION_READY, 'False', 'HostnameConflict', `GlobalLoadBalancer ${facts.conflictWith} answers for ${facts.hostname}`, generation, previous, now);
  else if (placed.length === 0) ready = condition(CONDITION_READY, 'False', 'NotPlaced', 'the backend is not placed on any cluster', generation, previous, now);
  else if (healthy === 0) ready = condition(CONDITION_READY, 'False', 'NoHealthyClusters', `none of ${placed.length} clusters is healthy; answers fail open to every cluster with addresses`, generation, previous, now);
  else ready = condition(CONDITION_READY, 'True', 'Healthy', `${healthy} of ${placed.length} clusters healthy`, generation, previous, now);
  const conflict = facts.conflictWith
    ? condition(CONDITION_HOSTNAME_CONFLICT, 'True', 'HostnameInUse', `GlobalLoadBalancer ${facts.conflictWith} is older and answers for ${facts.hostname}`, generation, previous, now)
    : condition(CONDITION_HOSTNAME_CONFLICT, 'False', 'HostnameUnique', `no other GlobalLoadBalancer answers for ${facts.hostname}`, generation, previous, now);
  return { observedGeneration: generation, hostname: facts.hostname, healthyClusters: healthy, clusters, conditions: [ready, conflict] };
}

/** Equal statuses write nothing. Key order is fixed by the builder, so the JSON texts compare. */
export function sameStatus(a: GlobalLoadBalancerStatus | undefined, b: GlobalLoadBalancerStatus): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
