// What the scheduler needs to know of one MemberCluster. The caller builds it from the MemberCluster and Herd's own
// view of its health; schedulePlacement reads nothing else.
import type { ClusterTaint, MemberClusterStatus } from '../../api/federation/v1alpha1/member-cluster.js';

export interface SchedulableCluster {
  name: string;
  /** MemberCluster labels, topology labels and federation.herd.io/cluster-name included. */
  labels: Readonly<Record<string, string>>;
  ready: boolean;
  /** RFC 3339: when Ready last went False. Absent when ready. */
  notReadySince?: string;
  /** Being unjoined: never chosen. */
  leaving?: boolean;
  /** Cordoned: chosen for nothing new. */
  unschedulable?: boolean;
  /** spec.taints. */
  taints?: readonly ClusterTaint[];
  /** Absent while not known yet: the cluster is then taken to serve every API. */
  apiEnablements?: MemberClusterStatus['apiEnablements'];
  resourceSummary?: MemberClusterStatus['resourceSummary'];
}
