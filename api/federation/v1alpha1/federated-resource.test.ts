import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../../meta/resource-definition.js';
import { structuralSchemaErrors, undeclaredFields } from '../../meta/schema-structure.js';
import { defaultFederatedTypeConfigs } from './default-federated-types.js';
import { federatedResourceDefinition, templateSchema, type FederatedObject } from './federated-resource.js';
import type { FederatedTypeConfig } from './federated-type-config.js';

const configFor = (kind: string): FederatedTypeConfig => {
  const found = defaultFederatedTypeConfigs().find((c) => c.spec.targetType.kind === kind);
  if (!found) throw new Error(kind);
  return found;
};

/** A cut-down Deployment schema, as read from a member's OpenAPI with references resolved. */
const deploymentSchema: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      description: 'Desired behaviour.',
      properties: { replicas: { type: 'integer', description: 'Pods wanted.' }, paused: { type: 'boolean', description: 'Paused.' } },
    },
    status: { type: 'object', description: 'Observed state.' },
  },
  required: ['spec'],
};

const crontab: FederatedTypeConfig['spec'] = {
  targetType: { group: 'stable.example.com', version: 'v1', kind: 'CronTab', pluralName: 'crontabs', scope: 'Namespaced' },
};

describe('templateSchema', () => {
  it('keeps any object when the target schema is unknown', () => {
    const schema = templateSchema(crontab.targetType);
    expect(schema['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect(schema.type).toBe('object');
  });

  it('takes the target fields except apiVersion, kind and status, with labels and annotations as metadata', () => {
    const schema = templateSchema(configFor('Deployment').spec.targetType, deploymentSchema);
    expect(Object.keys(schema.properties ?? {})).toEqual(['metadata', 'spec']);
    expect(Object.keys(schema.properties?.metadata?.properties ?? {})).toEqual(['labels', 'annotations']);
    expect(schema.required).toEqual(['spec']);
    expect(schema['x-kubernetes-preserve-unknown-fields']).toBeUndefined();
  });
});

describe('federatedResourceDefinition', () => {
  it('names a CRD kind Federated<Kind> and puts it in the herd and federated categories', () => {
    const def = federatedResourceDefinition({ spec: crontab });
    expect(def).toMatchObject({
      kind: 'FederatedCronTab',
      listKind: 'FederatedCronTabList',
      plural: 'federatedcrontabs',
      singular: 'federatedcrontab',
      namespaced: true,
      categories: ['herd', 'federated'],
    });
    expect(structuralSchemaErrors(def.schema, { requireDescriptions: true })).toEqual([]);
  });

  it('validates the template against the target schema when one is given', () => {
    const def = federatedResourceDefinition(configFor('Deployment'), deploymentSchema);
    const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(def.schema);
    const good: FederatedObject = {
      apiVersion: 'federation.herd.io/v1alpha1',
      kind: 'FederatedDeployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { template: { metadata: { labels: { app: 'web' } }, spec: { replicas: 3 } }, placement: { clusters: [{ name: 'eu-1' }] } },
    };
    expect(validate(good)).toBe(true);
    expect(undeclaredFields(def.schema, good)).toEqual([]);
    expect(validate({ ...good, spec: { template: { spec: { replicas: 'three' } } } })).toBe(false);
    expect(undeclaredFields(def.schema, { ...good, spec: { template: { spec: { replica: 3 } } } })).toEqual(['spec.template.spec.replica']);
  });

  it('requires a template', () => {
    const def = federatedResourceDefinition({ spec: crontab });
    expect(def.schema.required).toEqual(['spec']);
    expect(def.schema.properties?.spec?.required).toEqual(['template']);
  });

  it.each([
    ['Deployment', ['Replicas', 'Available', 'Clusters', 'Propagated', 'Ready']],
    ['Service', ['Type', 'Clusters', 'Propagated', 'Ready']],
    ['CronJob', ['Schedule', 'Clusters', 'Propagated', 'Ready']],
    ['ConfigMap', ['Clusters', 'Propagated', 'Ready']],
  ])('Federated%s prints %j by default', (kind, names) => {
    const def = federatedResourceDefinition(configFor(kind));
    expect(def.printerColumns.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(names);
  });

  it('prints replica columns for a CRD whose schema has spec.replicas', () => {
    const def = federatedResourceDefinition({ spec: crontab }, deploymentSchema);
    expect(def.printerColumns.map((c) => c.name)).toContain('Replicas');
  });

  it('never points a FederatedSecret column at the secret data', () => {
    const def = federatedResourceDefinition(configFor('Secret'));
    const templatePaths = def.printerColumns.map((c) => c.jsonPath).filter((p) => p.startsWith('.spec.template'));
    expect(templatePaths).toEqual(['.spec.template.type']);
  });

  it('says in its description that a FederatedNamespace is named after its namespace', () => {
    const def = federatedResourceDefinition(configFor('Namespace'));
    expect(def.namespaced).toBe(true);
    expect(def.description).toContain('Its name must equal its namespace');
  });

  it('serves a Federated kind for a cluster-scoped target at cluster scope', () => {
    const def = federatedResourceDefinition({
      spec: { targetType: { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', pluralName: 'clusterroles', scope: 'Cluster' } },
    });
    expect(def.namespaced).toBe(false);
    expect(def.description).not.toContain('namespace');
  });
});
