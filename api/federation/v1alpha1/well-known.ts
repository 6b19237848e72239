// The one place for the API group's names and the label, annotation, finalizer and condition strings that
// Herd writes on its own objects and on the objects it creates in member clusters.

export const GROUP = 'federation.herd.io';
export const VERSION = 'v1alpha1';
/** The `apiVersion` of every object in this group version. */
export const API_VERSION = `${GROUP}/${VERSION}`;

/** `kubectl get herd` lists every resource of this group. */
export const CATEGORY_HERD = 'herd';
/** `kubectl get federated` lists every Federated<Kind>. */
export const CATEGORY_FEDERATED = 'federated';

/** The field manager Herd applies member objects with. */
export const FIELD_MANAGER = 'herd';

/** Label on every member-cluster object Herd created or adopted; value `"true"`. */
export const MANAGED_LABEL = `${GROUP}/managed`;
/** Annotation on member-cluster objects: `<namespace>/<name>` (or `<name>`) of the Federated object behind them. */
export const FEDERATED_NAME_ANNOTATION = `${GROUP}/federated-name`;
/** Annotation on member-cluster objects: the kind of the Federated object behind them (`FederatedDeployment`). */
export const FEDERATED_KIND_ANNOTATION = `${GROUP}/federated-kind`;
/** Annotation on member-cluster objects: hash of the rendering Herd last applied, so unchanged objects are not re-sent. */
export const RENDERED_HASH_ANNOTATION = `${GROUP}/rendered-hash`;
/** Annotation on a Federated object: `"true"` leaves the member objects in place when it is deleted. */
export const ORPHAN_ANNOTATION = `${GROUP}/orphan`;
/**
 * Annotation on a Federated object: `Overwrite` adopts member objects of the same name that Herd did not create;
 * `Abort` (the default) reports them as a Conflict. A PropagationPolicy's spec.conflictResolution does the same.
 */
export const CONFLICT_RESOLUTION_ANNOTATION = `${GROUP}/conflict-resolution`;
/** Label on the FederatedTypeConfigs Herd installs itself; value `"true"`. */
export const DEFAULT_TYPE_LABEL = `${GROUP}/default-type`;

/** Finalizer that holds a Federated object until its member objects are removed (or orphaned). */
export const PROPAGATION_FINALIZER = `${GROUP}/propagation`;
/**
 * Finalizer Herd puts on every new MemberCluster. The propagation controller removes it once it has removed Herd's
 * objects from the member (or, when the MemberCluster was deleted with propagationPolicy Orphan, left them there).
 */
export const MEMBER_CLEANUP_FINALIZER = `${GROUP}/member-cleanup`;

/** Label Herd keeps on every MemberCluster with the cluster's own name, so placement can spread by cluster. */
export const CLUSTER_NAME_LABEL = `${GROUP}/cluster-name`;
/** Standard topology labels placement spreads by; Herd sets them on MemberClusters from spec.region/zone. */
export const REGION_LABEL = 'topology.kubernetes.io/region';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** Taint Herd puts on a MemberCluster while it is not Ready (NoSchedule, and NoExecute from which grace periods count). */
export const NOT_READY_TAINT = `${GROUP}/not-ready`;
/** Namespace on the host holding member credentials (Secrets), by default. */
export const DEFAULT_HERD_NAMESPACE = 'herd-system';

/**
 * Read-only subresource of every Federated<Kind>: a `PlacementExplanation` saying, for each member, whether the
 * placement chooses it and why not (the filter that rejected it), its score and its replicas.
 */
export const PLACEMENT_SUBRESOURCE = 'placement';
/** Kind of the object the placement subresource answers with. */
export const PLACEMENT_EXPLANATION_KIND = 'PlacementExplanation';

/**
 * Read-only subresource of a GlobalLoadBalancer: a `LoadBalancingDecision` for one client (`clientRegion`,
 * `clientZone`, `clientIP` query parameters), the same answer DNS gives.
 */
export const DECISION_SUBRESOURCE = 'decision';
/** Kind of the object the decision subresource answers with. */
export const LOAD_BALANCING_DECISION_KIND = 'LoadBalancingDecision';
/** Annotation on a member Service (or on the member copy of the backend) listing the addresses clients should reach, comma separated, when the Service publishes none. */
export const GSLB_ADDRESSES_ANNOTATION = `${GROUP}/gslb-addresses`;
/** GlobalLoadBalancer condition: another GlobalLoadBalancer answers for the same hostname. */
export const CONDITION_HOSTNAME_CONFLICT = 'HostnameConflict';

/** Condition types. */
/** MemberCluster: the apiserver cannot be reached, or does not answer ready. */
export const CONDITION_OFFLINE = 'Offline';
/** MemberCluster: the apiserver refuses Herd's credentials. */
export const CONDITION_CREDENTIALS_INVALID = 'CredentialsInvalid';
export const CONDITION_READY = 'Ready';
/** Federated<Kind>: the placement was computed and the cluster list is final for this generation. */
export const CONDITION_SCHEDULED = 'Scheduled';
/** Federated<Kind>: every selected cluster holds the current rendering. */
export const CONDITION_PROPAGATED = 'Propagated';
/** FederatedTypeConfig: its Federated<Kind> is being served. */
export const CONDITION_ESTABLISHED = 'Established';
