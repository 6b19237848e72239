// The status every Federated<Kind> shares: the placement result, the propagation result per cluster, and the
// members' own status rolled up.
import type { Condition } from '../../meta/object-meta.js';
import type { JSONSchemaProps } from '../../meta/resource-definition.js';
import { conditions, observedGeneration } from '../../meta/common-schemas.js';
import { atomicList, dateTime, int32, int64, listMap, obj, oneOf, str } from '../../meta/schema-builders.js';

/** Where one cluster's copy stands. A closed set: controllers switch on it. */
export type PropagationPhase = 'Pending' | 'Applied' | 'Failed' | 'ClusterNotReady' | 'Deleting' | 'Conflict';

export const PROPAGATION_PHASES: readonly PropagationPhase[] = ['Pending', 'Applied', 'Failed', 'ClusterNotReady', 'Deleting', 'Conflict'];

/** At most this many drifted field paths are named per cluster; `drift.count` counts them all. */
export const MAX_DRIFT_FIELDS = 5;
/** Messages in status are cut to this many characters. */
export const MAX_STATUS_MESSAGE = 256;
/** At most this many entries in `status.clusters`; the rest are counted in `clustersOmitted` (problems listed first). */
export const MAX_STATUS_CLUSTERS = 200;

export interface ClusterDrift {
  /** Number of Herd-managed fields found changed in the member since Herd last applied them. */
  count: number;
  /** The first few of those fields, as JSON pointers. */
  fields?: string[];
  /** When the drift was last seen and undone. */
  lastDetectedTime?: string;
}

export interface ClusterPropagationStatus {
  name: string;
  phase: PropagationPhase;
  /** One CamelCase word for the phase, such as ApplyFailed, Forbidden or Offline. */
  reason?: string;
  message?: string;
  /** Replicas asked of this cluster. */
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  /** metadata.generation of the member object. */
  generation?: number;
  /** status.observedGeneration of the member object, where the kind has one. */
  observedGeneration?: number;
  /** Whether the member object reports itself ready: True, False or Unknown. */
  ready?: 'True' | 'False' | 'Unknown';
  drift?: ClusterDrift;
  lastTransitionTime?: string;
}

/** The policy that supplied the placement, when spec.placement is absent. */
export interface PolicyReference {
  kind: 'PropagationPolicy' | 'ClusterPropagationPolicy';
  namespace?: string;
  name: string;
}

export interface FederatedStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  policy?: PolicyReference;
  placedClusters?: number;
  propagatedClusters?: number;
  readyClusters?: number;
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  clusters?: ClusterPropagationStatus[];
  clustersOmitted?: number;
}

const count = (description: string) => int32(description, { minimum: 0 });

export function federatedStatusSchema(kind: string): JSONSchemaProps {
  return obj(`Where the ${kind} was placed and how each copy is doing.`, {
    observedGeneration: observedGeneration(),
    conditions: conditions(
      'Scheduled: the clusters are chosen. Propagated: every chosen cluster holds the current rendering. ' +
        'Ready: every copy reports itself ready.',
    ),
    policy: obj(
      'The PropagationPolicy or ClusterPropagationPolicy whose placement applies; absent when spec.placement is set.',
      {
        kind: oneOf('Kind of the policy.', ['PropagationPolicy', 'ClusterPropagationPolicy']),
        namespace: str('Namespace of a PropagationPolicy.'),
        name: str('Name of the policy.'),
      },
      { required: ['kind', 'name'] },
    ),
    placedClusters: count('Number of clusters the placement chose.'),
    propagatedClusters: count('Number of chosen clusters holding the current rendering.'),
    readyClusters: count('Number of clusters whose copy reports itself ready.'),
    replicas: count('Replicas asked of all clusters together, for kinds with spec.replicas.'),
    readyReplicas: count('Ready replicas over all clusters.'),
    availableReplicas: count('Available replicas over all clusters.'),
    updatedReplicas: count('Replicas over all clusters running the current template.'),
    clusters: listMap(
      `The ${kind} in each chosen cluster, and in clusters it is being removed from; clusters with a problem come ` +
        `first. At most ${MAX_STATUS_CLUSTERS} entries.`,
      ['name'],
      obj(
        'The copy in one cluster.',
        {
          name: str('Name of the MemberCluster.'),
          phase: oneOf(
            'Pending: not written yet. Applied: the member holds the current rendering. Failed: the rendering or ' +
              'the member refused it (see reason and message). ClusterNotReady: the cluster is unreachable; the ' +
              'write is kept and retried. Deleting: no longer chosen, or the object is being deleted, and the copy ' +
              'is being removed. Conflict: an object Herd does not manage has the name.',
            PROPAGATION_PHASES,
          ),
          reason: str('One CamelCase word for the phase.'),
          message: str(`Details of a phase other than Applied, at most ${MAX_STATUS_MESSAGE} characters.`),
          replicas: count('Replicas asked of this cluster.'),
          readyReplicas: count('Ready replicas in this cluster.'),
          availableReplicas: count('Available replicas in this cluster.'),
          updatedReplicas: count('Updated replicas in this cluster.'),
          generation: int64('metadata.generation of the member object.', { minimum: 0 }),
          observedGeneration: int64('status.observedGeneration of the member object, where the kind has one.', {
            minimum: 0,
          }),
          ready: oneOf('Whether the member object reports itself ready.', ['True', 'False', 'Unknown']),
          drift: obj(
            'Changes made directly in the member to fields Herd manages; Herd undoes them.',
            {
              count: count('Number of drifted fields last seen.'),
              fields: atomicList(`The first ${MAX_DRIFT_FIELDS} drifted fields, as JSON pointers.`, { type: 'string' }),
              lastDetectedTime: dateTime('When drift was last seen and undone.'),
            },
            { required: ['count'] },
          ),
          lastTransitionTime: dateTime('When phase last changed.'),
        },
        { required: ['name', 'phase'] },
      ),
    ),
    clustersOmitted: count(`Clusters left out of clusters because the list holds at most ${MAX_STATUS_CLUSTERS}.`),
  });
}
