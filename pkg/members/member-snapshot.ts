import type { ClusterTaint, MemberCluster, MemberClusterStatus } from '../../api/federation/v1alpha1/member-cluster.js';
import { CONDITION_READY } from '../../api/federation/v1alpha1/well-known.js';
import type { ClusterClient } from './cluster-client.js';

/** One member as the rest of Herd sees it: its MemberCluster as last read, and the client to reach it with. */
export interface MemberSnapshot {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The Ready condition is True. */
  readonly ready: boolean;
  /** RFC 3339: when Ready last turned False (or Unknown). Absent while ready or never probed. */
  readonly notReadySince?: string;
  /** The MemberCluster is being deleted (metadata.deletionTimestamp is set). */
  readonly leaving: boolean;
  readonly unschedulable: boolean;
  readonly taints: readonly ClusterTaint[];
  readonly apiEnablements?: MemberClusterStatus['apiEnablements'];
  readonly resourceSummary?: MemberClusterStatus['resourceSummary'];
  readonly kubernetesVersion?: string;
  /** Undefined until the credentials could be read. A new object whenever the endpoint, TLS or credentials change. */
  readonly client: ClusterClient | undefined;
}

export function snapshotOf(mc: MemberCluster, client: ClusterClient | undefined): MemberSnapshot {
  const readyCondition = mc.status?.conditions?.find((c) => c.type === CONDITION_READY);
  const ready = readyCondition?.status === 'True';
  const status = mc.status;
  return Object.freeze({
    name: mc.metadata.name ?? '',
    labels: Object.freeze({ ...(mc.metadata.labels ?? {}) }),
    ready,
    ...(!ready && readyCondition ? { notReadySince: readyCondition.lastTransitionTime } : {}),
    leaving: mc.metadata.deletionTimestamp !== undefined,
    unschedulable: mc.spec.unschedulable === true,
    taints: Object.freeze([...(mc.spec.taints ?? [])]),
    ...(status?.apiEnablements ? { apiEnablements: status.apiEnablements } : {}),
    ...(status?.resourceSummary ? { resourceSummary: status.resourceSummary } : {}),
    ...(status?.kubernetesVersion ? { kubernetesVersion: status.kubernetesVersion } : {}),
    client,
  });
}

/**
 * Whether listeners must hear of the change from `a` to `b`: readiness, labels, taints, cordon, leaving, capacity,
 * served APIs or the client changed. A new probe time or version alone is not worth it.
 */
export function snapshotChanged(a: MemberSnapshot, b: MemberSnapshot): boolean {
  if (a.ready !== b.ready || a.leaving !== b.leaving || a.unschedulable !== b.unschedulable || a.client !== b.client) return true;
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  return !same(a.labels, b.labels) || !same(a.taints, b.taints) || !same(a.resourceSummary, b.resourceSummary) || !same(a.apiEnablements, b.apiEnablements);
}
