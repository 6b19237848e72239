import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { undeclaredFields } from '../../meta/schema-structure.js';
import { defaultFederatedTypeConfigs } from './default-federated-types.js';
import { federatedTypeConfigDefinition } from './federated-type-config.js';
import { DEFAULT_TYPE_LABEL } from './well-known.js';

const configs = defaultFederatedTypeConfigs();
const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(federatedTypeConfigDefinition.schema);

describe('defaultFederatedTypeConfigs', () => {
  it('installs the fourteen kinds the issue lists, under KubeFed-style names', () => {
    expect(configs.map((c) => c.metadata.name)).toEqual([
      'deployments.apps',
      'statefulsets.apps',
      'daemonsets.apps',
      'jobs.batch',
      'cronjobs.batch',
      'services',
      'ingresses.networking.k8s.io',
      'configmaps',
      'secrets',
      'serviceaccounts',
      'namespaces',
      'roles.rbac.authorization.k8s.io',
      'rolebindings.rbac.authorization.k8s.io',
      'persistentvolumeclaims',
    ]);
  });

  it.each(configs.map((c) => [c.metadata.name, c] as const))('%s is a valid FederatedTypeConfig labelled as a default', (_name, config) => {
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    expect(undeclaredFields(federatedTypeConfigDefinition.schema, config)).toEqual([]);
    expect(config.metadata.labels?.[DEFAULT_TYPE_LABEL]).toBe('true');
  });

  it('makes FederatedNamespace namespaced although Namespace is cluster-scoped', () => {
    const ns = configs.find((c) => c.spec.targetType.kind === 'Namespace');
    expect(ns?.spec.targetType.scope).toBe('Cluster');
    expect(ns?.spec.federatedType?.scope).toBe('Namespaced');
  });

  it('hands out fresh objects, so callers may change them', () => {
    const first = defaultFederatedTypeConfigs();
    first[0]!.spec.targetType.kind = 'Changed';
    expect(defaultFederatedTypeConfigs()[0]!.spec.targetType.kind).toBe('Deployment');
  });
});
