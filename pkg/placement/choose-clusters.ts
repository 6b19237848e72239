// From the clusters that passed the filters, ranked by score, choose those to place on: spread constraints first
// (drop clusters without the topology label, keep the best maxGroups groups), then at most maxClusters of the rest,
// taken round-robin across groups so the chosen clusters span as many groups as they can. Finally every constraint's
// minGroups is checked against the chosen clusters.
import type { Placement, SpreadConstraint } from '../../api/federation/v1alpha1/placement.js';
import { CLUSTER_NAME_LABEL } from '../../api/federation/v1alpha1/well-known.js';

export interface RankedCluster {
  name: string;
  labels: Readonly<Record<string, string>>;
  score: number;
}

export interface Dropped {
  filter: 'MaxClusters' | 'SpreadConstraint';
  reason: string;
}

export interface Choice {
  /** In the order picked. */
  chosen: RankedCluster[];
  dropped: Map<string, Dropped>;
  /** Set when a DoNotSchedule constraint cannot hold: nothing is chosen then. */
  unschedulable?: string;
  /** ScheduleAnyway constraints that do not hold, one message each. */
  unsatisfied: string[];
}

/** Best first: score descending, then name. */
export function rankClusters<T extends RankedCluster>(clusters: readonly T[]): T[] {
  return [...clusters].sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `candidates` must be ranked (see rankClusters). */
export function chooseClusters(candidates: readonly RankedCluster[], placement: Placement): Choice {
  const constraints = placement.spreadConstraints ?? [];
  const dropped = new Map<string, Dropped>();
  let pool = [...candidates];

  for (const c of constraints) {
    const kept: RankedCluster[] = [];
    for (const cluster of pool) {
      if (groupOf(cluster, c) !== undefined) kept.push(cluster);
      else dropped.set(cluster.name, { filter: 'SpreadConstraint', reason: `no label ${c.topologyKey} to spread by` });
    }
    pool = kept;
    if (c.maxGroups === undefined) continue;
    // The pool is ranked, so groups in order of first appearance are the groups ranked by their best cluster.
    const best = [...new Set(pool.map((cluster) => groupOf(cluster, c)))].slice(0, c.maxGroups);
    pool = pool.filter((cluster) => {
      const group = groupOf(cluster, c);
      if (best.includes(group)) return true;
      dropped.set(cluster.name, {
        filter: 'SpreadConstraint',
        reason: `group ${c.topologyKey}=${group} is not among the ${c.maxGroups} best (maxGroups)`,
      });
      return false;
    });
  }

  const max = placement.maxClusters ?? pool.length;
  const chosen = constraints.length === 0 ? pool.slice(0, max) : roundRobin(pool, constraints, max);
  const picked = new Set(chosen.map((c) => c.name));
  for (const cluster of pool) {
    if (picked.has(cluster.name)) continue;
    const how = constraints.length === 0 ? 'ranked by score' : 'taken round-robin across topology groups';
    dropped.set(cluster.name, { filter: 'MaxClusters', reason: `not among the ${max} clusters ${how} (maxClusters)` });
  }

  const unsatisfied: string[] = [];
  if (candidates.length === 0) return { chosen, dropped, unsatisfied };
  for (const c of constraints) {
    const groups = new Set(chosen.map((cluster) => groupOf(cluster, c))).size;
    if (c.minGroups === undefined || groups >= c.minGroups) continue;
    const message =
      `spread constraint ${c.topologyKey} needs ${c.minGroups} groups (minGroups) ` +
      `but the clusters that can be chosen span ${groups}`;
    if ((c.whenUnsatisfiable ?? 'DoNotSchedule') === 'ScheduleAnyway') {
      unsatisfied.push(message);
      continue;
    }
    for (const cluster of chosen) dropped.set(cluster.name, { filter: 'SpreadConstraint', reason: message });
    return { chosen: [], dropped, unschedulable: message, unsatisfied };
  }
  return { chosen, dropped, unsatisfied };
}

function groupOf(cluster: RankedCluster, c: SpreadConstraint): string | undefined {
  return c.topologyKey === CLUSTER_NAME_LABEL ? cluster.name : cluster.labels[c.topologyKey];
}

/**
 * Picks up to `max` clusters one at a time: each time the cluster whose group is least used so far under the first
 * constraint, then under the second and so on, and among equals the best ranked. With one constraint this is
 * round-robin across its groups, best group first.
 */
function roundRobin(pool: readonly RankedCluster[], constraints: readonly SpreadConstraint[], max: number): RankedCluster[] {
  const used = constraints.map(() => new Map<string | undefined, number>());
  const usage = (cluster: RankedCluster) => constraints.map((c, i) => used[i]!.get(groupOf(cluster, c)) ?? 0);
  const remaining = [...pool];
  const chosen: RankedCluster[] = [];
  while (chosen.length < max && remaining.length > 0) {
    let bestIndex = 0;
    let bestUsage = usage(remaining[0]!);
    for (let i = 1; i < remaining.length; i++) {
      const u = usage(remaining[i]!);
      if (lexicographicallyLess(u, bestUsage)) {
        bestIndex = i;
        bestUsage = u;
      }
    }
    const [next] = remaining.splice(bestIndex, 1);
    chosen.push(next!);
    constraints.forEach((c, i) => used[i]!.set(groupOf(next!, c), (used[i]!.get(groupOf(next!, c)) ?? 0) + 1));
  }
  return chosen;
}

function lexicographicallyLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}
