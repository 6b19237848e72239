import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { undeclaredFields } from '../../meta/schema-structure.js';
import { clusterPropagationPolicyDefinition, propagationPolicyDefinition, type PropagationPolicy } from './propagation-policy.js';

const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });

const policy: PropagationPolicy = {
  apiVersion: 'federation.herd.io/v1alpha1',
  kind: 'PropagationPolicy',
  metadata: { name: 'web-everywhere', namespace: 'shop' },
  spec: {
    resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', labelSelector: { matchLabels: { app: 'web' } } }],
    placement: { clusterSelector: { matchLabels: { env: 'prod' } }, replicaScheduling: { type: 'Divide', weighting: 'Dynamic' } },
    priority: 10,
    conflictResolution: 'Overwrite',
  },
  status: { matchedResources: 4 },
};

describe('PropagationPolicy and ClusterPropagationPolicy schemas', () => {
  it('accepts a policy that divides replicas by capacity over production clusters', () => {
    const validate = ajv.compile(propagationPolicyDefinition.schema);
    expect(validate(policy), JSON.stringify(validate.errors)).toBe(true);
    expect(undeclaredFields(propagationPolicyDefinition.schema, policy)).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['a policy without selectors', { ...policy, spec: { ...policy.spec, resourceSelectors: [] } }],
    ['a selector without a kind', { ...policy, spec: { ...policy.spec, resourceSelectors: [{ apiVersion: 'v1' }] } }],
    ['an unknown conflict resolution', { ...policy, spec: { ...policy.spec, conflictResolution: 'Merge' } }],
    ['a policy without a placement', { ...policy, spec: { resourceSelectors: policy.spec.resourceSelectors } }],
  ])('rejects %s', (_name, value) => {
    expect(ajv.compile(propagationPolicyDefinition.schema)(value)).toBe(false);
  });

  it('lets only the cluster-scoped policy select by namespace', () => {
    const selected = { ...policy, spec: { ...policy.spec, resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'a' }] } };
    expect(undeclaredFields(propagationPolicyDefinition.schema, selected)).toEqual(['spec.resourceSelectors[0].namespace']);
    expect(undeclaredFields(clusterPropagationPolicyDefinition.schema, { ...selected, kind: 'ClusterPropagationPolicy' })).toEqual([]);
  });

  it.each([
    ['PropagationPolicy', propagationPolicyDefinition, true],
    ['ClusterPropagationPolicy', clusterPropagationPolicyDefinition, false],
  ])('%s is namespaced: %s', (_kind, def, namespaced) => {
    expect(def.namespaced).toBe(namespaced);
  });
});
