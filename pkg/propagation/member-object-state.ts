// How a member object is doing, read from the object alone: readiness the way `kubectl rollout status` and
// `kubectl wait` judge it, and its replica counts.
import type { KubeObject } from '../../api/meta/object-meta.js';

export interface MemberObjectState {
  generation?: number;
  observedGeneration?: number;
  ready: 'True' | 'False' | 'Unknown';
  /** spec.replicas (DaemonSet: status.desiredNumberScheduled). */
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
}

type Ready = MemberObjectState['ready'];
type JsonObject = Record<string, unknown>;
type Counts = Pick<MemberObjectState, 'replicas' | 'readyReplicas' | 'availableReplicas' | 'updatedReplicas'>;

interface Observed {
  spec: JsonObject;
  status: JsonObject | undefined;
  /** status.observedGeneration is set and has caught up with metadata.generation. */
  observed: boolean;
  /** Like observed, but also true when status has no observedGeneration (many custom kinds have none). */
  current: boolean;
}

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Kubernetes leaves zero counts out of status: absent means 0. */
const statusCount = (status: JsonObject | undefined, field: string): number => count(status?.[field]) ?? 0;

function condition(status: JsonObject | undefined, type: string): JsonObject | undefined {
  const conditions = status?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  return conditions.find((c): c is JsonObject => isObject(c) && c.type === type);
}

function conditionStatus(c: JsonObject | undefined): Ready | undefined {
  const s = c?.status;
  return s === 'True' || s === 'False' || s === 'Unknown' ? s : undefined;
}

const desiredReplicas = (spec: JsonObject): number => count(spec.replicas) ?? 1;

/** spec.replicas and the ready, available and updated counts of a Deployment-like status. */
function replicaCounts(spec: JsonObject, status: JsonObject | undefined): Required<Counts> {
  return {
    replicas: desiredReplicas(spec),
    readyReplicas: statusCount(status, 'readyReplicas'),
    availableReplicas: statusCount(status, 'availableReplicas'),
    updatedReplicas: statusCount(status, 'updatedReplicas'),
  };
}

function deployment({ spec, status, observed }: Observed): [Ready, Counts] {
  const counts = replicaCounts(spec, status);
  const desired = counts.replicas;
  if (!observed) return ['Unknown', counts];
  const progressing = condition(status, 'Progressing');
  if (conditionStatus(progressing) === 'False' && progressing?.reason === 'ProgressDeadlineExceeded') return ['False', counts];
  const done =
    counts.updatedReplicas === desired && counts.availableReplicas === desired && statusCount(status, 'replicas') === desired;
  return [done ? 'True' : 'False', counts];
}

function statefulSet({ spec, status, observed }: Observed): [Ready, Counts] {
  const counts = replicaCounts(spec, status);
  const desired = counts.replicas;
  if (!observed) return ['Unknown', counts];
  if (counts.readyReplicas !== desired) return ['False', counts];
  const strategy = isObject(spec.updateStrategy) ? spec.updateStrategy : {};
  if (strategy.type === 'OnDelete') return ['True', counts];
  const partition = count(isObject(strategy.rollingUpdate) ? strategy.rollingUpdate.partition : undefined) ?? 0;
  if (partition > 0) return [counts.updatedReplicas >= desired - partition ? 'True' : 'False', counts];
  const done = counts.updatedReplicas === desired && status?.currentRevision === status?.updateRevision;
  return [done ? 'True' : 'False', counts];
}

function daemonSet({ spec, status, observed }: Observed): [Ready, Counts] {
  const desired = statusCount(status, 'desiredNumberScheduled');
  const counts = {
    replicas: desired,
    readyReplicas: statusCount(status, 'numberReady'),
    availableReplicas: statusCount(status, 'numberAvailable'),
    updatedReplicas: statusCount(status, 'updatedNumberScheduled'),
  };
  if (!observed) return ['Unknown', counts];
  const onDelete = isObject(spec.updateStrategy) && spec.updateStrategy.type === 'OnDelete';
  const done =
    counts.readyReplicas === desired && counts.availableReplicas === desired && (onDelete || counts.updatedReplicas === desired);
  return [done ? 'True' : 'False', counts];
}

/** ReplicaSet and ReplicationController: every pod of the desired count exists and is available. */
function replicaSet({ spec, status, observed }: Observed): [Ready, Counts] {
  const desired = desiredReplicas(spec);
  const counts = {
    replicas: desired,
    readyReplicas: statusCount(status, 'readyReplicas'),
    availableReplicas: statusCount(status, 'availableReplicas'),
  };
  if (!observed) return ['Unknown', counts];
  const done = statusCount(status, 'replicas') === desired && counts.readyReplicas === desired && counts.availableReplicas === desired;
  return [done ? 'True' : 'False', counts];
}

/** Complete is ready, Failed is not, a running or suspended Job is not decided yet. */
function job({ status }: Observed): [Ready, Counts] {
  if (conditionStatus(condition(status, 'Complete')) === 'True') return ['True', {}];
  if (conditionStatus(condition(status, 'Failed')) === 'True') return ['False', {}];
  return ['Unknown', {}];
}

function namespace({ status }: Observed): [Ready, Counts] {
  return [status?.phase === 'Terminating' ? 'False' : 'True', {}];
}

/** A LoadBalancer Service is ready once it has an ingress point; other Services as soon as they exist. */
function service({ spec, status }: Observed): [Ready, Counts] {
  if (spec.type !== 'LoadBalancer') return ['True', {}];
  const ingress = isObject(status?.loadBalancer) ? status.loadBalancer.ingress : undefined;
  return [Array.isArray(ingress) && ingress.length > 0 ? 'True' : 'False', {}];
}

function persistentVolumeClaim({ status }: Observed): [Ready, Counts] {
  return [status?.phase === 'Bound' ? 'True' : 'False', {}];
}

const exists = (): [Ready, Counts] => ['True', {}];

/** By `<group>/<Kind>`, group empty for the core group. */
const KINDS: Readonly<Record<string, (o: Observed) => [Ready, Counts]>> = {
  'apps/Deployment': deployment,
  'apps/StatefulSet': statefulSet,
  'apps/DaemonSet': daemonSet,
  'apps/ReplicaSet': replicaSet,
  '/ReplicationController': replicaSet,
  'batch/Job': job,
  '/Namespace': namespace,
  '/Service': service,
  '/PersistentVolumeClaim': persistentVolumeClaim,
  // Kinds with nothing to wait for: ready by existing.
  '/ConfigMap': exists,
  '/Secret': exists,
  '/ServiceAccount': exists,
  '/Endpoints': exists,
  '/LimitRange': exists,
  '/ResourceQuota': exists,
  '/PodTemplate': exists,
  'batch/CronJob': exists,
  'discovery.k8s.io/EndpointSlice': exists,
  'networking.k8s.io/Ingress': exists,
  'networking.k8s.io/IngressClass': exists,
  'networking.k8s.io/NetworkPolicy': exists,
  'rbac.authorization.k8s.io/Role': exists,
  'rbac.authorization.k8s.io/RoleBinding': exists,
  'rbac.authorization.k8s.io/ClusterRole': exists,
  'rbac.authorization.k8s.io/ClusterRoleBinding': exists,
  'policy/PodDisruptionBudget': exists,
  'autoscaling/HorizontalPodAutoscaler': exists,
  'scheduling.k8s.io/PriorityClass': exists,
  'storage.k8s.io/StorageClass': exists,
  'node.k8s.io/RuntimeClass': exists,
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': exists,
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': exists,
};

/** Any other kind: its Ready (else Available) condition, and replica counts where status has them. */
function otherKind({ spec, status, current }: Observed): [Ready, Counts] {
  const counts: Counts = {};
  const desired = count(spec.replicas);
  if (desired !== undefined) counts.replicas = desired;
  for (const field of ['readyReplicas', 'availableReplicas', 'updatedReplicas'] as const) {
    const n = count(status?.[field]);
    if (n !== undefined) counts[field] = n;
  }
  const ready = conditionStatus(condition(status, 'Ready')) ?? conditionStatus(condition(status, 'Available'));
  return [current && ready !== undefined ? ready : 'Unknown', counts];
}

/** Readiness and replica counts of a member object of the given group (empty for core) and kind. */
export function memberObjectState(group: string, kind: string, object: KubeObject): MemberObjectState {
  const status = isObject(object.status) ? object.status : undefined;
  const spec = isObject(object.spec) ? object.spec : {};
  const generation = count(object.metadata?.generation);
  const observedGeneration = count(status?.observedGeneration);
  const caughtUp = observedGeneration !== undefined && (generation === undefined || observedGeneration >= generation);
  const observed = status !== undefined && caughtUp;
  const current = status !== undefined && (observedGeneration === undefined || caughtUp);
  const [ready, counts] = (KINDS[`${group}/${kind}`] ?? otherKind)({ spec, status, observed, current });
  return {
    ...(generation !== undefined ? { generation } : {}),
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
    ready,
    ...counts,
  };
}
