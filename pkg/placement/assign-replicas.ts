// How many replicas each chosen cluster runs, from placement.replicaScheduling. Duplicate gives each cluster the
// full count within its own min/max; Divide hands out every cluster's minReplicas, then splits the rest by weight
// (static weights, or the room each cluster reports) without passing any maxReplicas.
import type { ClusterReplicaPreference, ReplicaScheduling } from '../../api/federation/v1alpha1/placement.js';
import { replicasThatFit, type ResourceSummary } from './cluster-capacity.js';
import { divideByWeight } from './divide-by-weight.js';
import type { ResourceRequest } from './resource-request.js';

export interface ReplicaCandidate {
  name: string;
  holds: boolean;
  resourceSummary?: ResourceSummary;
}

export interface ReplicaAssignment {
  name: string;
  replicas: number;
  /** How the number came about, for the cluster's explanation. */
  reason: string;
}

/**
 * One assignment per cluster, in the order given. With Divide the counts add up to `total` whenever
 * sum(minReplicas) <= total <= sum(maxReplicas); otherwise they come as close as the bounds let them and every
 * reason says why. Weight-0 clusters get only their minReplicas unless the weighted clusters are all at their
 * maxReplicas; then the rest is spread evenly over the weight-0 ones, so the count still adds up.
 */
export function assignReplicas(
  total: number,
  clusters: readonly ReplicaCandidate[],
  scheduling: ReplicaScheduling | undefined,
  request: ResourceRequest | undefined,
): ReplicaAssignment[] {
  const bounds = clusters.map((c) => replicaBounds(preferenceFor(scheduling, c.name)));
  if ((scheduling?.type ?? 'Duplicate') === 'Duplicate') {
    return clusters.map((c, i) => {
      const { min, max } = bounds[i]!;
      const replicas = Math.max(min, Math.min(max, total));
      const bounded = replicas !== total ? `, bounded by minReplicas/maxReplicas` : '';
      return { name: c.name, replicas, reason: `${replicas} replicas (Duplicate${bounded})` };
    });
  }

  const weights = scheduling?.weighting === 'Dynamic' ? dynamicWeights(clusters, request) : staticWeights(clusters, scheduling);
  const replicas = bounds.map((b) => b.min);
  const minimum = replicas.reduce((a, b) => a + b, 0);
  if (minimum < total) {
    // Ties in the remainder go to clusters that already hold the object, then by name.
    const order = clusters.map((_, i) => i).sort((a, b) => tieBreak(clusters[a]!, clusters[b]!));
    const room = (i: number) => bounds[i]!.max - replicas[i]!;
    addParts(replicas, order, divideByWeight(total - minimum, order.map((i) => ({ weight: weights[i]!.weight, room: room(i) }))));
    const left = total - replicas.reduce((a, b) => a + b, 0);
    const idle = order.filter((i) => weights[i]!.weight === 0);
    addParts(replicas, idle, divideByWeight(left, idle.map((i) => ({ weight: 1, room: room(i) }))));
  }

  const sum = replicas.reduce((a, b) => a + b, 0);
  const note =
    sum > total
      ? `; the minReplicas of the chosen clusters add up to ${sum}, more than the ${total} asked for`
      : sum < total
        ? `; the maxReplicas of the chosen clusters add up to ${sum}, fewer than the ${total} asked for`
        : '';
  return clusters.map((c, i) => ({
    name: c.name,
    replicas: replicas[i]!,
    reason: `${replicas[i]!} of ${total} replicas (Divide, ${weights[i]!.why})${note}`,
  }));
}

function addParts(replicas: number[], indices: readonly number[], parts: readonly number[]): void {
  indices.forEach((index, k) => (replicas[index] = replicas[index]! + parts[k]!));
}

function tieBreak(a: ReplicaCandidate, b: ReplicaCandidate): number {
  if (a.holds !== b.holds) return a.holds ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The entry naming the cluster, else the `*` entry. */
function preferenceFor(scheduling: ReplicaScheduling | undefined, name: string): ClusterReplicaPreference | undefined {
  const prefs = scheduling?.clusters ?? [];
  return prefs.find((p) => p.name === name) ?? prefs.find((p) => p.name === '*');
}

/** maxReplicas below minReplicas yields to minReplicas. */
function replicaBounds(pref: ClusterReplicaPreference | undefined): { min: number; max: number } {
  const min = Math.max(0, pref?.minReplicas ?? 0);
  return { min, max: Math.max(min, pref?.maxReplicas ?? Number.POSITIVE_INFINITY) };
}

interface Weight {
  weight: number;
  why: string;
}

function staticWeights(clusters: readonly ReplicaCandidate[], scheduling: ReplicaScheduling | undefined): Weight[] {
  return clusters.map((c) => {
    const weight = Math.max(0, preferenceFor(scheduling, c.name)?.weight ?? 1);
    return { weight, why: `weight ${weight}` };
  });
}

/** Room for more replicas; unknown room counts as the average of the known; no room anywhere means equal weights. */
function dynamicWeights(clusters: readonly ReplicaCandidate[], request: ResourceRequest | undefined): Weight[] {
  const fits = clusters.map((c) => replicasThatFit(c.resourceSummary, request));
  const known = fits.filter((f): f is number => f !== undefined);
  const average = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : undefined;
  const weights = fits.map((f) => f ?? average ?? 0);
  if (weights.every((w) => w === 0)) {
    return clusters.map(() => ({ weight: 1, why: 'no cluster reports room for more, so equal weights' }));
  }
  return fits.map((f, i) =>
    f !== undefined
      ? { weight: f, why: `room for ${f} more` }
      : { weight: weights[i]!, why: `room unknown, weighted as the average ${Number(weights[i]!.toFixed(2))} of the others` },
  );
}
