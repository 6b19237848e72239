// PropagationPolicy (namespaced) and ClusterPropagationPolicy (cluster-scoped): a placement for every Federated
// object they select that has no spec.placement of its own.
import type { Condition, ObjectMeta } from '../../meta/object-meta.js';
import type { JSONSchemaProps, PrinterColumn, ResourceDefinition } from '../../meta/resource-definition.js';
import { conditions, observedGeneration } from '../../meta/common-schemas.js';
import { int32, obj, oneOf } from '../../meta/schema-builders.js';
import { defineResource } from './define-resource.js';
import { placementSchema, type Placement } from './placement.js';
import { resourceSelectorsSchema, type ResourceSelector } from './resource-selector.js';
import type { API_VERSION } from './well-known.js';

export interface PropagationPolicySpec {
  resourceSelectors: ResourceSelector[];
  placement: Placement;
  priority?: number;
  conflictResolution?: 'Abort' | 'Overwrite';
}

export interface PolicyStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  matchedResources?: number;
}

export interface PropagationPolicy {
  apiVersion: typeof API_VERSION;
  kind: 'PropagationPolicy' | 'ClusterPropagationPolicy';
  metadata: ObjectMeta;
  spec: PropagationPolicySpec;
  status?: PolicyStatus;
}

function spec(clusterScoped: boolean): JSONSchemaProps {
  return obj(
    'Which Federated objects the policy places, and where.',
    {
      resourceSelectors: resourceSelectorsSchema(clusterScoped),
      placement: placementSchema('Where the selected objects go, used when an object has no spec.placement.'),
      priority: int32(
        'When several policies select an object, the highest priority wins; on a tie the most specific match wins ' +
          '(a selector by name, then by label selector, then by kind only), then a PropagationPolicy beats a ' +
          'ClusterPropagationPolicy, then the first name in alphabetical order wins. Defaults to 0.',
        { default: 0 },
      ),
      conflictResolution: oneOf(
        'What to do when a member cluster already has an object of the same name that Herd did not create: Abort ' +
          'reports the conflict and leaves it alone; Overwrite adopts it. Defaults to Abort.',
        ['Abort', 'Overwrite'],
        { default: 'Abort' },
      ),
    },
    { required: ['resourceSelectors', 'placement'] },
  );
}

/** The status shared by propagation and override policies. */
export function policyStatusSchema(): JSONSchemaProps {
  return obj('How the policy currently applies.', {
    observedGeneration: observedGeneration(),
    conditions: conditions('Ready is False while the policy cannot be applied, with the reason.'),
    matchedResources: int32('Number of Federated objects the policy currently applies to.', { minimum: 0 }),
  });
}

function columns(): PrinterColumn[] {
  return [
    { name: 'Priority', type: 'integer', description: 'Priority among policies.', jsonPath: '.spec.priority', priority: 0 },
    {
      name: 'Replicas',
      type: 'string',
      description: 'Duplicate or Divide.',
      jsonPath: '.spec.placement.replicaScheduling.type',
      priority: 0,
    },
    {
      name: 'Matched',
      type: 'integer',
      description: 'Federated objects the policy applies to.',
      jsonPath: '.status.matchedResources',
      priority: 0,
    },
    {
      name: 'Conflict',
      type: 'string',
      description: 'Abort or Overwrite.',
      jsonPath: '.spec.conflictResolution',
      priority: 1,
    },
  ];
}

export const propagationPolicyDefinition: ResourceDefinition = defineResource({
  kind: 'PropagationPolicy',
  plural: 'propagationpolicies',
  shortNames: ['pp'],
  namespaced: true,
  description:
    'PropagationPolicy places the Federated objects of its namespace that it selects and that have no ' +
    'spec.placement of their own.',
  spec: spec(false),
  status: policyStatusSchema(),
  specRequired: true,
  printerColumns: columns(),
});

export const clusterPropagationPolicyDefinition: ResourceDefinition = defineResource({
  kind: 'ClusterPropagationPolicy',
  plural: 'clusterpropagationpolicies',
  shortNames: ['cpp'],
  namespaced: false,
  description:
    'ClusterPropagationPolicy places the Federated objects of any namespace, and cluster-scoped ones, that it ' +
    'selects and that have no spec.placement of their own.',
  spec: spec(true),
  status: policyStatusSchema(),
  specRequired: true,
  printerColumns: columns(),
});
