// schedulePlacement: which member clusters get a Federated object, and how many replicas each. Pure: the caller
// passes the clusters, what currently holds the object and the time.
//
// 1. Filters, in order; a cluster's explanation names the first it fails (`filter`) and why (`reason`):
//    NoPlacement     no placement applies (input.placement undefined): no cluster is chosen.
//    Leaving         the cluster is being unjoined.
//    ClusterNames    placement.clusters is given (an empty list too) and does not list the cluster.
//    ClusterSelector placement.clusterSelector does not match the cluster's labels.
//    Excluded        placement.excludeClusters lists the cluster.
//    APIUnavailable  the cluster's apiEnablements are known and lack the target's group version and kind
//                    (core group "v1"; a group version listed without resources counts as serving every kind).
//    Unschedulable   the cluster is cordoned and does not hold the object: a cordon blocks new placements only.
//    Taint           a NoSchedule taint not tolerated, for a cluster not holding the object; a NoExecute taint not
//                    tolerated, or tolerated with tolerationSeconds that have run out since its timeAdded, for any.
//    Tolerations match as for pods (Exists with an empty key matches every key; Equal is the default; an empty
//    effect matches every effect). A cluster that is not Ready carries the taints NOT_READY_TAINT:NoSchedule and
//    NOT_READY_TAINT:NoExecute (timeAdded = notReadySince); unless a toleration of the placement matches the latter,
//    it is tolerated for defaultNotReadyTolerationSeconds (300). So a not-ready cluster gets nothing new, keeps what
//    it holds (replicas included) for the grace period, then loses it, and is eligible again once Ready.
// 2. Score, 0..100 (cluster-score.ts): 60 for holding the object already (stability), up to 25 for the free share
//    of the scarcest of cpu/memory/pods when resourceSummary is known, 15 unless an untolerated PreferNoSchedule
//    taint is present.
// 3. Choice (choose-clusters.ts), clusters ranked by score then name. spreadConstraints group clusters by the value
//    of their topologyKey label (federation.herd.io/cluster-name makes each cluster its own group); clusters without
//    the label are dropped (SpreadConstraint) and only the maxGroups groups with the best clusters are kept. Then
//    maxClusters keeps the best (MaxClusters for the others), taken round-robin across groups when constraints are
//    given. A constraint whose minGroups the chosen clusters do not reach: DoNotSchedule (the default) places
//    nothing and sets `unschedulable`; ScheduleAnyway places what it can and says so in the explanations.
// 4. Replicas (assign-replicas.ts), only when input.replicas is a number. Duplicate (the default): each chosen
//    cluster gets them all, clamped to its maxReplicas, raised to its minReplicas. Divide: each cluster's
//    minReplicas first, then the rest by weight with the largest-remainder method (ties: holders first, then name),
//    never past maxReplicas; the sum equals input.replicas whenever sum(minReplicas) <= replicas <= sum(maxReplicas),
//    and the explanations say why otherwise. Static weights come from replicaScheduling.clusters (by name, else `*`,
//    else 1; weight 0 gets only its minReplicas unless every weighted cluster is full). Dynamic weights are the
//    replicas that still fit (the least over cpu/memory/pods of floor(free / request)); unknown capacity counts as
//    the average of the known; all 0 means equal weights. A cluster given 0 replicas stays chosen.
// 5. requeueAfterMs: the time until the first tolerated NoExecute taint on a chosen cluster runs out.
import type { Placement } from '../../api/federation/v1alpha1/placement.js';
import { assignReplicas } from './assign-replicas.js';
import { chooseClusters, rankClusters, type Choice } from './choose-clusters.js';
import { freeCapacityShare } from './cluster-capacity.js';
import { clusterFilter } from './cluster-filter.js';
import { scoreCluster } from './cluster-score.js';
import { DEFAULT_NOT_READY_TOLERATION_SECONDS, effectiveTolerations, formatTaint, type TaintVerdict } from './cluster-taints.js';
import type { ResourceRequest } from './resource-request.js';
import type { SchedulableCluster } from './schedulable-cluster.js';

export interface ScheduleInput {
  /** Undefined: no placement applies, so no cluster is chosen. */
  placement: Placement | undefined;
  clusters: readonly SchedulableCluster[];
  /** Clusters currently holding the object. */
  previous: readonly string[];
  /** The template's apiVersion and kind, for the APIUnavailable filter. */
  target: { apiVersion: string; kind: string };
  /** The template's spec.replicas, only for kinds that have it. */
  replicas?: number;
  /** From estimateReplicaRequest(template), for Dynamic weighting. */
  perReplicaRequest?: ResourceRequest;
  /** Defaults to 300. */
  defaultNotReadyTolerationSeconds?: number;
  /** ms since the epoch. */
  now: number;
}

export interface ClusterExplanation {
  cluster: string;
  selected: boolean;
  /** The filter that left the cluster out. */
  filter?: string;
  reason?: string;
  /** For clusters that passed every filter. */
  score?: number;
  /** For chosen clusters, when input.replicas is set. */
  replicas?: number;
}

export interface ScheduleResult {
  /** Chosen clusters, sorted by name; replicas only when input.replicas is set. */
  clusters: { name: string; replicas?: number }[];
  /** One per input cluster, sorted by name. */
  explanations: ClusterExplanation[];
  /** Why nothing was placed, when a DoNotSchedule spread constraint could not hold. */
  unschedulable?: string;
  /** When a grace period ends and the answer would change. */
  requeueAfterMs?: number;
}

interface Candidate {
  cluster: SchedulableCluster;
  name: string;
  labels: Readonly<Record<string, string>>;
  score: number;
  taints: TaintVerdict;
}

export function schedulePlacement(input: ScheduleInput): ScheduleResult {
  const previous = new Set(input.previous);
  const tolerations = effectiveTolerations(
    input.placement?.tolerations ?? [],
    input.defaultNotReadyTolerationSeconds ?? DEFAULT_NOT_READY_TOLERATION_SECONDS,
  );
  const filter = clusterFilter(input.placement, { previous, target: input.target, tolerations, now: input.now });

  const explanations = new Map<string, ClusterExplanation>();
  const candidates: Candidate[] = [];
  for (const cluster of input.clusters) {
    const outcome = filter(cluster);
    if (!outcome.passed) {
      explanations.set(cluster.name, { cluster: cluster.name, selected: false, filter: outcome.filter, reason: outcome.reason });
      continue;
    }
    const score = scoreCluster({
      holds: previous.has(cluster.name),
      freeShare: freeCapacityShare(cluster.resourceSummary),
      preferNoSchedule: outcome.taints.preferNoSchedule,
    });
    candidates.push({ cluster, name: cluster.name, labels: cluster.labels, score, taints: outcome.taints });
  }

  const byName = new Map(candidates.map((c) => [c.name, c]));
  const choice: Choice = input.placement
    ? chooseClusters(rankClusters(candidates), input.placement)
    : { chosen: [], dropped: new Map(), unsatisfied: [] };
  for (const [name, dropped] of choice.dropped) {
    explanations.set(name, { cluster: name, selected: false, ...dropped, score: byName.get(name)!.score });
  }

  const chosen = choice.chosen.map((c) => byName.get(c.name)!).sort((a, b) => compareNames(a.name, b.name));
  const replicas = typeof input.replicas === 'number' ? wholeReplicas(input.replicas) : undefined;
  const assignments =
    replicas === undefined
      ? undefined
      : assignReplicas(
          replicas,
          chosen.map((c) => ({
            name: c.name,
            holds: previous.has(c.name),
            ...(c.cluster.resourceSummary ? { resourceSummary: c.cluster.resourceSummary } : {}),
          })),
          input.placement?.replicaScheduling,
          input.perReplicaRequest,
        );

  let requeueAt: number | undefined;
  const clusters = chosen.map((c, i) => {
    const assignment = assignments?.[i];
    const { graceEndsAt, graceTaint } = c.taints;
    const reasons: string[] = [];
    if (graceEndsAt !== undefined && graceTaint !== undefined) {
      reasons.push(`taint ${formatTaint(graceTaint)} is tolerated until ${new Date(graceEndsAt).toISOString()}`);
      requeueAt = Math.min(requeueAt ?? graceEndsAt, graceEndsAt);
    }
    if (assignment) reasons.push(assignment.reason);
    reasons.push(...choice.unsatisfied);
    explanations.set(c.name, {
      cluster: c.name,
      selected: true,
      reason: reasons.length > 0 ? reasons.join('; ') : 'matches the placement',
      score: c.score,
      ...(assignment ? { replicas: assignment.replicas } : {}),
    });
    return assignment ? { name: c.name, replicas: assignment.replicas } : { name: c.name };
  });

  return {
    clusters,
    explanations: [...explanations.values()].sort((a, b) => compareNames(a.cluster, b.cluster)),
    ...(choice.unschedulable !== undefined ? { unschedulable: choice.unschedulable } : {}),
    ...(requeueAt !== undefined ? { requeueAfterMs: requeueAt - input.now } : {}),
  };
}

function wholeReplicas(n: number): number {
  return Number.isFinite(n) ? Math.max(0, Math.floor(n)) : 0;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
