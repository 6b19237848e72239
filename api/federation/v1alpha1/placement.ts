// Placement (which member clusters get an object, and how many replicas each) and per-cluster overrides. Shared by
// Federated<Kind>.spec and the propagation policies. The shapes follow KubeFed (explicit clusters, a cluster
// selector, JSON-patch overrides) and Karmada (spread constraints, tolerations, replica division).
import type { LabelSelector } from '../../meta/object-meta.js';
import type { JSONSchemaProps } from '../../meta/resource-definition.js';
import { labelSelector } from '../../meta/common-schemas.js';
import { anyValue, atomicList, int32, int64, listMap, obj, oneOf, str, stringSet } from '../../meta/schema-builders.js';
import { CLUSTER_NAME_LABEL } from './well-known.js';

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
export const TAINT_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: TaintEffect;
  tolerationSeconds?: number;
}

export interface SpreadConstraint {
  topologyKey: string;
  minGroups?: number;
  maxGroups?: number;
  whenUnsatisfiable?: 'DoNotSchedule' | 'ScheduleAnyway';
}

export type ReplicaSchedulingType = 'Duplicate' | 'Divide';
export type ReplicaWeighting = 'Static' | 'Dynamic';

export interface ClusterReplicaPreference {
  /** A member cluster name, or `*` for every cluster not listed by name. */
  name: string;
  weight?: number;
  minReplicas?: number;
  maxReplicas?: number;
}

export interface ReplicaScheduling {
  type?: ReplicaSchedulingType;
  weighting?: ReplicaWeighting;
  clusters?: ClusterReplicaPreference[];
}

export interface Placement {
  clusters?: { name: string }[];
  clusterSelector?: LabelSelector;
  excludeClusters?: string[];
  maxClusters?: number;
  spreadConstraints?: SpreadConstraint[];
  tolerations?: Toleration[];
  replicaScheduling?: ReplicaScheduling;
}

export type PatchOperation = 'add' | 'remove' | 'replace';

/** One RFC 6902 operation; `value` is absent for `remove`. */
export interface JSONPatchOperation {
  op: PatchOperation;
  path: string;
  value?: unknown;
}

export interface ClusterOverride {
  clusterName: string;
  patches: JSONPatchOperation[];
}

const clusterName = str('Name of a MemberCluster.', { minLength: 1, maxLength: 253 });

function toleration(): JSONSchemaProps {
  return obj('Tolerates the taints it matches, as a pod toleration does for node taints.', {
    key: str('Taint key to match; empty with operator Exists matches every taint.'),
    operator: oneOf('Exists matches any value; Equal matches value exactly. Defaults to Equal.', ['Exists', 'Equal']),
    value: str('Taint value to match with operator Equal.'),
    effect: oneOf('Taint effect to match; empty matches every effect.', TAINT_EFFECTS),
    tolerationSeconds: int64(
      'With effect NoExecute: how long the object stays on a cluster after the taint appears before Herd moves it ' +
        'away. Unset means forever.',
    ),
  });
}

function replicaScheduling(): JSONSchemaProps {
  return obj(
    'How spec.replicas of the template (for kinds that have one) is handed to the selected clusters.',
    {
      type: oneOf(
        'Duplicate gives every selected cluster the full replica count. Divide splits the count among them. ' +
          'Defaults to Duplicate.',
        ['Duplicate', 'Divide'],
        { default: 'Duplicate' },
      ),
      weighting: oneOf(
        "With Divide: Static splits by clusters[].weight (equal weights when none is given); Dynamic splits in " +
          "proportion to how many more replicas each cluster can fit, estimated from the MemberCluster's " +
          'allocatable and allocated resources. Defaults to Static.',
        ['Static', 'Dynamic'],
        { default: 'Static' },
      ),
      clusters: listMap(
        'Per-cluster weight and bounds. min/max apply with both types; weight only with Divide and Static.',
        ['name'],
        obj(
          'Preferences for one cluster.',
          {
            name: str('A MemberCluster name, or * for every selected cluster not listed by name.', { minLength: 1 }),
            weight: int32('Relative share of the replicas with Static weighting.', { minimum: 0, default: 1 }),
            minReplicas: int32('This cluster gets at least this many replicas.', { minimum: 0 }),
            maxReplicas: int32('This cluster gets at most this many replicas; unset means no limit.', { minimum: 0 }),
          },
          { required: ['name'] },
        ),
      ),
    },
  );
}

/** The `placement` field: which clusters, then how replicas are spread over them. */
export function placementSchema(description: string): JSONSchemaProps {
  return obj(description, {
    clusters: listMap(
      'Clusters chosen by name. With clusterSelector as well, a cluster must be listed and match the selector.',
      ['name'],
      obj('A cluster chosen by name.', { name: clusterName }, { required: ['name'] }),
    ),
    clusterSelector: labelSelector(
      'Chooses clusters by their MemberCluster labels. Unset together with clusters means every cluster; ' +
        'an empty selector also means every cluster.',
    ),
    excludeClusters: stringSet('Clusters never chosen, whatever else matches.', { minLength: 1 }),
    maxClusters: int32('Upper bound on the number of clusters chosen; the best-scoring ones are kept.', { minimum: 1 }),
    spreadConstraints: listMap(
      'Spreads the chosen clusters over topology groups such as regions or zones.',
      ['topologyKey'],
      obj(
        'A constraint over the groups formed by one MemberCluster label.',
        {
          topologyKey: str(
            'MemberCluster label whose values form the groups, such as topology.kubernetes.io/region. ' +
              `The key ${CLUSTER_NAME_LABEL} makes every cluster its own group.`,
            { minLength: 1, maxLength: 316 },
          ),
          minGroups: int32('Choose clusters from at least this many groups.', { minimum: 1 }),
          maxGroups: int32('Choose clusters from at most this many groups.', { minimum: 1 }),
          whenUnsatisfiable: oneOf(
            'DoNotSchedule leaves the object unplaced when the constraint cannot hold; ScheduleAnyway places it ' +
              'as well as it can. Defaults to DoNotSchedule.',
            ['DoNotSchedule', 'ScheduleAnyway'],
            { default: 'DoNotSchedule' },
          ),
        },
        { required: ['topologyKey'] },
      ),
    ),
    tolerations: atomicList('Cluster taints this object tolerates. Tainted clusters are otherwise avoided.', toleration()),
    replicaScheduling: replicaScheduling(),
  });
}

/** A JSON-patch operation list item. */
export function jsonPatchOperationSchema(description: string): JSONSchemaProps {
  return obj(
    description,
    {
      op: oneOf('The operation: add, remove or replace.', ['add', 'remove', 'replace']),
      path: str('JSON pointer (RFC 6901) into the rendered object, such as /spec/replicas.', { pattern: '^(/.*)?$' }),
      value: anyValue('The value to add or to replace with; omitted for remove.'),
    },
    { required: ['op', 'path'] },
  );
}

/** The `overrides` field of a Federated object. */
export function overridesSchema(): JSONSchemaProps {
  return listMap(
    'Changes made to the rendered object for particular clusters, after the template and any OverridePolicy.',
    ['clusterName'],
    obj(
      'The changes for one cluster.',
      {
        clusterName,
        patches: atomicList(
          'JSON-patch operations applied in order to the object rendered for this cluster.',
          jsonPatchOperationSchema('One JSON-patch operation.'),
          { minItems: 1 },
        ),
      },
      { required: ['clusterName', 'patches'] },
    ),
  );
}
