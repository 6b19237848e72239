// The resources of federation.herd.io/v1alpha1 that do not depend on data, and the whole table once the
// FederatedTypeConfigs are known.
import type { JSONSchemaProps, ResourceDefinition } from '../../meta/resource-definition.js';
import { federatedResourceDefinition } from './federated-resource.js';
import { federatedTypeConfigDefinition, targetKey, type FederatedTypeConfig } from './federated-type-config.js';
import { globalLoadBalancerDefinition } from './global-load-balancer.js';
import { memberClusterDefinition } from './member-cluster.js';
import { overridePolicyDefinition } from './override-policy.js';
import { clusterPropagationPolicyDefinition, propagationPolicyDefinition } from './propagation-policy.js';

export const staticResourceDefinitions: readonly ResourceDefinition[] = [
  memberClusterDefinition,
  federatedTypeConfigDefinition,
  propagationPolicyDefinition,
  clusterPropagationPolicyDefinition,
  overridePolicyDefinition,
  globalLoadBalancerDefinition,
];

/**
 * Every served resource: the static ones, then one Federated<Kind> per FederatedTypeConfig (propagation Disabled
 * still serves the kind). `targetSchemas` holds the targets' whole-object schemas, keyed by `targetKey`.
 */
export function resourceDefinitions(
  configs: readonly Pick<FederatedTypeConfig, 'spec'>[],
  targetSchemas: ReadonlyMap<string, JSONSchemaProps> = new Map(),
): ResourceDefinition[] {
  const federated = configs.map((ftc) =>
    federatedResourceDefinition(ftc, targetSchemas.get(targetKey(ftc.spec.targetType))),
  );
  return [...staticResourceDefinitions, ...federated];
}
