// The filters of schedulePlacement, in the order they run. The first one a cluster fails is the one its explanation
// names; a cluster passing them all goes on to scoring with its taint verdict.
import type { Placement, Toleration } from '../../api/federation/v1alpha1/placement.js';
import { labelSelectorFromMeta, type LabelSelector } from '../apimachinery/label-selector.js';
import { clusterTaints, taintVerdict, type TaintVerdict } from './cluster-taints.js';
import type { SchedulableCluster } from './schedulable-cluster.js';

export type FilterName =
  | 'NoPlacement'
  | 'Leaving'
  | 'ClusterNames'
  | 'ClusterSelector'
  | 'Excluded'
  | 'APIUnavailable'
  | 'Unschedulable'
  | 'Taint';

export type FilterOutcome =
  | { passed: false; filter: FilterName; reason: string }
  | { passed: true; taints: TaintVerdict };

export interface FilterOptions {
  previous: ReadonlySet<string>;
  target: { apiVersion: string; kind: string };
  /** The placement's tolerations with the implicit not-ready one. */
  tolerations: readonly Toleration[];
  now: number;
}

/** Builds the filter for one placement (the cluster selector is converted once). */
export function clusterFilter(placement: Placement | undefined, o: FilterOptions): (cluster: SchedulableCluster) => FilterOutcome {
  const names = placement?.clusters ? new Set(placement.clusters.map((c) => c.name)) : undefined;
  const excluded = new Set(placement?.excludeClusters ?? []);
  const selector = convertSelector(placement);

  return (cluster) => {
    const fail = (filter: FilterName, reason: string): FilterOutcome => ({ passed: false, filter, reason });
    if (placement === undefined) return fail('NoPlacement', 'no placement applies to the object');
    if (cluster.leaving) return fail('Leaving', 'the cluster is leaving the fleet');
    if (names && !names.has(cluster.name)) return fail('ClusterNames', 'not listed in placement.clusters');
    if (typeof selector === 'string') return fail('ClusterSelector', selector);
    if (selector && !selector.matches(cluster.labels)) {
      return fail('ClusterSelector', `labels do not match placement.clusterSelector ${selector.toString()}`);
    }
    if (excluded.has(cluster.name)) return fail('Excluded', 'listed in placement.excludeClusters');
    if (!servesTarget(cluster, o.target)) {
      return fail('APIUnavailable', `the cluster does not serve ${o.target.apiVersion} ${o.target.kind}`);
    }
    const holds = o.previous.has(cluster.name);
    if (cluster.unschedulable && !holds) return fail('Unschedulable', 'the cluster is cordoned (spec.unschedulable)');
    const taints = taintVerdict(clusterTaints(cluster), o.tolerations, holds, o.now);
    if (taints.blocked !== undefined) return fail('Taint', taints.blocked);
    return { passed: true, taints };
  };
}

/** The converted selector, undefined when there is none, or the reason it cannot be used. */
function convertSelector(placement: Placement | undefined): LabelSelector | string | undefined {
  if (placement?.clusterSelector === undefined) return undefined;
  try {
    return labelSelectorFromMeta(placement.clusterSelector);
  } catch (e) {
    return `placement.clusterSelector is invalid: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Unknown enablements serve everything; a listed group version without its resources serves every kind in it. */
function servesTarget(cluster: SchedulableCluster, target: { apiVersion: string; kind: string }): boolean {
  if (cluster.apiEnablements === undefined) return true;
  const gv = cluster.apiEnablements.find((e) => e.groupVersion === target.apiVersion);
  if (gv === undefined) return false;
  return gv.resources === undefined || gv.resources.some((r) => r.kind === target.kind);
}
