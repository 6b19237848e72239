// The status every Federated<Kind> shares: the placement result, the propagation result per cluster, and the
// members' own status rolled up.
import type { Condition } from '../../meta/object-meta.js';
import type { JSONSchemaProps } from '../../meta/resource-definition.js';
import { conditions, observedGeneration } from '../../meta/common-schemas.js';
import { dateTime, freeformObject, int32, int64, listMap, obj, oneOf, str } from '../../meta/schema-builders.js';

/** Where one cluster's copy stands. A closed set: controllers switch on it. */
export type PropagationPhase =
  | 'Pending'
  | 'Propagated'
  | 'ClusterNotReady'
  | 'AlreadyExists'
  | 'RenderFailed'
  | 'CreationFailed'
  | 'UpdateFailed'
  | 'DeletionFailed'
  | 'WaitingForRemoval'
  | 'NamespaceNotFederated';

export const PROPAGATION_PHASES: readonly PropagationPhase[] = [
  'Pending',
  'Propagated',
  'ClusterNotReady',
  'AlreadyExists',
  'RenderFailed',
  'CreationFailed',
  'UpdateFailed',
  'DeletionFailed',
  'WaitingForRemoval',
  'NamespaceNotFederated',
];

export interface ClusterPropagationStatus {
  name: string;
  phase: PropagationPhase;
  message?: string;
  replicas?: number;
  readyReplicas?: number;
  generation?: number;
  observedGeneration?: number;
  lastTransitionTime?: string;
  remoteStatus?: Record<string, unknown>;
}

export interface FederatedStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  placedClusters?: number;
  propagatedClusters?: number;
  readyClusters?: number;
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  clusters?: ClusterPropagationStatus[];
}

const count = (description: string) => int32(description, { minimum: 0 });

export function federatedStatusSchema(kind: string): JSONSchemaProps {
  return obj(`Where the ${kind} was placed and how each copy is doing.`, {
    observedGeneration: observedGeneration(),
    conditions: conditions(
      'Scheduled: the clusters are chosen. Propagated: every chosen cluster holds the current rendering. ' +
        'Ready: every copy reports itself ready.',
    ),
    placedClusters: count('Number of clusters the placement chose.'),
    propagatedClusters: count('Number of chosen clusters holding the current rendering.'),
    readyClusters: count('Number of clusters whose copy reports itself ready.'),
    replicas: count('Replicas asked of all clusters together, for kinds with spec.replicas.'),
    readyReplicas: count('Ready replicas over all clusters.'),
    availableReplicas: count('Available replicas over all clusters.'),
    updatedReplicas: count('Replicas over all clusters running the current template.'),
    clusters: listMap(
      `The ${kind} in each chosen cluster, and in clusters it is being removed from.`,
      ['name'],
      obj(
        'The copy in one cluster.',
        {
          name: str('Name of the MemberCluster.'),
          phase: oneOf(
            'Pending: not written yet. Propagated: up to date. ClusterNotReady: the cluster is unreachable. ' +
              'AlreadyExists: an object Herd does not manage has the name. RenderFailed: the template or an ' +
              'override could not be applied. CreationFailed, UpdateFailed, DeletionFailed: the member refused the ' +
              'write (see message). WaitingForRemoval: no longer chosen, being deleted. NamespaceNotFederated: the ' +
              'namespace is not placed in this cluster.',
            PROPAGATION_PHASES,
          ),
          message: str('Details of a phase other than Propagated.'),
          replicas: count('Replicas asked of this cluster.'),
          readyReplicas: count('Ready replicas in this cluster.'),
          generation: int64('metadata.generation of the member object.', { minimum: 0 }),
          observedGeneration: int64('status.observedGeneration of the member object, where the kind has one.', {
            minimum: 0,
          }),
          lastTransitionTime: dateTime('When phase last changed.'),
          remoteStatus: freeformObject('The status of the member object as the member reports it.'),
        },
        { required: ['name', 'phase'] },
      ),
    ),
  });
}
