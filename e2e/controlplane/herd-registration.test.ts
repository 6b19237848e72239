import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { HERD_API_SERVICES, HERD_HOST_USER, HERD_NAMESPACE, registrationManifests } from './herd-registration.js';

interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: { group: string; version: string; service: object; caBundle: string };
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  subjects?: { name: string }[];
}

describe('registrationManifests', () => {
  const docs = parseAllDocuments(registrationManifests({ port: 1234, caPem: 'PEM' })).map((d) => d.toJSON() as Doc);

  it('creates the namespace member credentials live in', () => {
    expect(docs.some((d) => d.kind === 'Namespace' && d.metadata.name === HERD_NAMESPACE)).toBe(true);
  });

  it('lets Herd read, and only read, the Secrets in its namespace', () => {
    const role = docs.find((d) => d.kind === 'Role' && d.metadata.namespace === HERD_NAMESPACE)!;
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }]);
    const binding = docs.find((d) => d.kind === 'RoleBinding' && d.metadata.namespace === HERD_NAMESPACE)!;
    expect(binding.subjects?.map((s) => s.name)).toEqual([HERD_HOST_USER]);
  });

  it('registers fleet.herd.io beside federation.herd.io, on the same Service and CA', () => {
    const services = docs.filter((d) => d.kind === 'APIService');
    expect(services.map((d) => d.metadata.name)).toEqual([...HERD_API_SERVICES]);
    expect(services.map((d) => `${d.spec?.version}.${d.spec?.group}`)).toEqual(['v1alpha1.federation.herd.io', 'v1alpha1.fleet.herd.io']);
    expect(services[1]!.spec?.service).toEqual(services[0]!.spec?.service);
    expect(services[1]!.spec?.caBundle).toBe(Buffer.from('PEM').toString('base64'));
  });

  it('aggregates reading the fleet view into view, and writing through the member proxies into edit', () => {
    const fleetRules = (name: string, aggregate: string) => {
      const role = docs.find((d) => d.kind === 'ClusterRole' && d.metadata.name === name)!;
      expect(role.metadata.labels).toEqual({ [`rbac.authorization.k8s.io/aggregate-to-${aggregate}`]: 'true' });
      return role.rules!.filter((r) => r.apiGroups.includes('fleet.herd.io'));
    };
    expect(fleetRules('herd-view', 'view')).toEqual([{ apiGroups: ['fleet.herd.io'], resources: ['views/proxy', 'clusters/proxy'], verbs: ['get'] }]);
    expect(fleetRules('herd-edit', 'edit')).toEqual([
      { apiGroups: ['fleet.herd.io'], resources: ['clusters/proxy'], verbs: ['get', 'create', 'update', 'patch', 'delete'] },
    ]);
  });
});
