// Taints and tolerations for clusters, as for nodes and pods. A cluster that is not Ready carries two implicit taints
// (NOT_READY_TAINT, NoSchedule and NoExecute from notReadySince); unless the placement tolerates that NoExecute taint
// itself, it gets an implicit toleration of it for defaultNotReadyTolerationSeconds (the DefaultTolerationSeconds
// admission plugin does the same for pods).
import type { ClusterTaint } from '../../api/federation/v1alpha1/member-cluster.js';
import type { Toleration } from '../../api/federation/v1alpha1/placement.js';
import { NOT_READY_TAINT } from '../../api/federation/v1alpha1/well-known.js';
import type { SchedulableCluster } from './schedulable-cluster.js';

/** Seconds a not-ready cluster keeps what it holds when the placement says nothing else. */
export const DEFAULT_NOT_READY_TOLERATION_SECONDS = 300;

/** Pod semantics: empty effect matches every effect; Exists with an empty key matches every key; Equal compares values. */
export function tolerationMatches(toleration: Toleration, taint: ClusterTaint): boolean {
  if (toleration.effect !== undefined && toleration.effect !== taint.effect) return false;
  if (toleration.key !== undefined && toleration.key !== '' && toleration.key !== taint.key) return false;
  if (toleration.operator === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

/** `key=value:Effect`, or `key:Effect` without a value, as kubectl prints taints. */
export function formatTaint(taint: ClusterTaint): string {
  return `${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`;
}

/** spec.taints, plus the implicit not-ready taints when the cluster is not Ready and spec.taints lacks them. */
export function clusterTaints(cluster: SchedulableCluster): ClusterTaint[] {
  const taints = [...(cluster.taints ?? [])];
  if (cluster.ready) return taints;
  const implicit: ClusterTaint[] = [
    { key: NOT_READY_TAINT, effect: 'NoSchedule' },
    { key: NOT_READY_TAINT, effect: 'NoExecute', ...(cluster.notReadySince ? { timeAdded: cluster.notReadySince } : {}) },
  ];
  for (const t of implicit) if (!taints.some((x) => x.key === t.key && x.effect === t.effect)) taints.push(t);
  return taints;
}

/** The placement's tolerations, plus the implicit not-ready toleration unless one of them already covers that taint. */
export function effectiveTolerations(tolerations: readonly Toleration[], defaultNotReadySeconds: number): Toleration[] {
  const notReady: ClusterTaint = { key: NOT_READY_TAINT, effect: 'NoExecute' };
  if (tolerations.some((t) => tolerationMatches(t, notReady))) return [...tolerations];
  return [...tolerations, { key: NOT_READY_TAINT, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: defaultNotReadySeconds }];
}

export interface TaintVerdict {
  /** Why the cluster may not hold the object; absent when it may. */
  blocked?: string;
  /** Untolerated PreferNoSchedule taints. */
  preferNoSchedule: number;
  /** ms epoch when the soonest tolerated NoExecute taint stops being tolerated. */
  graceEndsAt?: number;
  /** That taint. */
  graceTaint?: ClusterTaint;
}

/**
 * Judges a cluster's taints against tolerations (already including the implicit one). `holds` says whether the
 * cluster holds the object now: NoSchedule only keeps new objects off, NoExecute removes held ones too. A tolerated
 * NoExecute taint with tolerationSeconds stops being tolerated at timeAdded + the least tolerationSeconds of the
 * tolerations matching it (at once for 0 or less); without timeAdded the grace period has not started.
 */
export function taintVerdict(
  taints: readonly ClusterTaint[],
  tolerations: readonly Toleration[],
  holds: boolean,
  now: number,
): TaintVerdict {
  const verdict: TaintVerdict = { preferNoSchedule: 0 };
  for (const taint of taints) {
    const matching = tolerations.filter((t) => tolerationMatches(t, taint));
    if (taint.effect === 'PreferNoSchedule') {
      if (matching.length === 0) verdict.preferNoSchedule++;
      continue;
    }
    if (matching.length === 0) {
      if (taint.effect === 'NoSchedule' && holds) continue;
      return { ...verdict, blocked: `taint ${formatTaint(taint)} is not tolerated` };
    }
    if (taint.effect !== 'NoExecute') continue;
    const limits = matching.flatMap((t) => (t.tolerationSeconds === undefined ? [] : [t.tolerationSeconds]));
    if (limits.length === 0) continue;
    const seconds = Math.max(0, Math.min(...limits));
    if (seconds === 0) return { ...verdict, blocked: `taint ${formatTaint(taint)} is tolerated for 0s` };
    const added = taint.timeAdded === undefined ? Number.NaN : Date.parse(taint.timeAdded);
    if (Number.isNaN(added)) continue;
    const endsAt = added + seconds * 1000;
    if (now >= endsAt) {
      const until = new Date(endsAt).toISOString();
      return { ...verdict, blocked: `taint ${formatTaint(taint)} was tolerated for ${seconds}s from ${taint.timeAdded}, until ${until}` };
    }
    if (verdict.graceEndsAt === undefined || endsAt < verdict.graceEndsAt) {
      verdict.graceEndsAt = endsAt;
      verdict.graceTaint = taint;
    }
  }
  return verdict;
}
