import { describe, expect, it } from 'vitest';
import {
  federatedTypeConfigName,
  resolveFederatedType,
  targetKey,
  type FederatedTypeConfigSpec,
  type ResolvedFederatedType,
} from './federated-type-config.js';

const crontab: FederatedTypeConfigSpec['targetType'] = {
  group: 'stable.example.com',
  version: 'v1',
  kind: 'CronTab',
  pluralName: 'crontabs',
  scope: 'Namespaced',
};

describe('resolveFederatedType', () => {
  it.each<[string, FederatedTypeConfigSpec, ResolvedFederatedType]>([
    [
      'derives every name from the target when federatedType is absent',
      { targetType: crontab },
      { kind: 'FederatedCronTab', plural: 'federatedcrontabs', singular: 'federatedcrontab', shortNames: [], namespaced: true },
    ],
    [
      'keeps the names the config gives',
      { targetType: crontab, federatedType: { kind: 'GlobalCronTab', pluralName: 'globalcrontabs', shortNames: ['gct'] } },
      { kind: 'GlobalCronTab', plural: 'globalcrontabs', singular: 'globalcrontab', shortNames: ['gct'], namespaced: true },
    ],
    [
      'makes a cluster-scoped target cluster-scoped',
      { targetType: { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', pluralName: 'clusterroles', scope: 'Cluster' } },
      { kind: 'FederatedClusterRole', plural: 'federatedclusterroles', singular: 'federatedclusterrole', shortNames: [], namespaced: false },
    ],
    [
      'lets the federated scope differ from the target scope',
      { targetType: { version: 'v1', kind: 'Namespace', pluralName: 'namespaces', scope: 'Cluster' }, federatedType: { scope: 'Namespaced' } },
      { kind: 'FederatedNamespace', plural: 'federatednamespaces', singular: 'federatednamespace', shortNames: [], namespaced: true },
    ],
  ])('%s', (_name, spec, expected) => {
    expect(resolveFederatedType(spec)).toEqual(expected);
  });
});

describe('federatedTypeConfigName and targetKey', () => {
  it.each([
    ['names a grouped target <plural>.<group>', { group: 'apps', version: 'v1', kind: 'Deployment', pluralName: 'deployments' }, 'deployments.apps', 'apps/v1/Deployment'],
    ['names a core target by its plural alone', { group: '', version: 'v1', kind: 'Service', pluralName: 'services' }, 'services', 'v1/Service'],
    ['treats a missing group as the core group', { version: 'v1', kind: 'Secret', pluralName: 'secrets' }, 'secrets', 'v1/Secret'],
  ])('%s', (_name, target, name, key) => {
    expect(federatedTypeConfigName(target)).toBe(name);
    expect(targetKey(target)).toBe(key);
  });
});
