// What a MemberCluster's resourceSummary says about room left: how many more replicas fit (Dynamic replica
// division) and how much of the cluster is free (scoring). Only cpu, memory and pods are read.
import type { MemberClusterStatus } from '../../api/federation/v1alpha1/member-cluster.js';
import { parseQuantity } from '../apimachinery/quantity.js';
import type { ResourceRequest } from './resource-request.js';

export type ResourceSummary = NonNullable<MemberClusterStatus['resourceSummary']>;

/**
 * How many more replicas asking for `request` fit: the least, over cpu, memory and pods, of
 * floor((allocatable − allocated) / request), never below 0. A pod is one per replica; cpu and memory count only when
 * the replica requests them and the cluster reports them allocatable. Undefined when the summary is absent or none
 * of those resources can be compared.
 */
export function replicasThatFit(summary: ResourceSummary | undefined, request: ResourceRequest | undefined): number | undefined {
  if (summary === undefined) return undefined;
  const perReplica: [string, number | undefined][] = [['cpu', request?.cpu], ['memory', request?.memory], ['pods', 1]];
  let fit: number | undefined;
  for (const [resource, need] of perReplica) {
    if (need === undefined || need <= 0) continue;
    const free = freeAmount(summary, resource);
    if (free === undefined) continue;
    const n = Math.max(0, Math.floor(free / need));
    fit = fit === undefined ? n : Math.min(fit, n);
  }
  return fit;
}

/**
 * The free part (0..1) of the scarcest of cpu, memory and pods, among those the cluster reports allocatable.
 * Undefined when the summary is absent or reports none of them.
 */
export function freeCapacityShare(summary: ResourceSummary | undefined): number | undefined {
  if (summary === undefined) return undefined;
  let share: number | undefined;
  for (const resource of ['cpu', 'memory', 'pods']) {
    const allocatable = amount(summary.allocatable, resource);
    const free = freeAmount(summary, resource);
    if (allocatable === undefined || allocatable <= 0 || free === undefined) continue;
    const s = Math.min(1, Math.max(0, free / allocatable));
    share = share === undefined ? s : Math.min(share, s);
  }
  return share;
}

function freeAmount(summary: ResourceSummary, resource: string): number | undefined {
  const allocatable = amount(summary.allocatable, resource);
  if (allocatable === undefined) return undefined;
  return allocatable - (amount(summary.allocated, resource) ?? 0);
}

function amount(map: Record<string, number | string> | undefined, resource: string): number | undefined {
  const value = map?.[resource];
  if (value === undefined) return undefined;
  try {
    return parseQuantity(value);
  } catch {
    return undefined;
  }
}
