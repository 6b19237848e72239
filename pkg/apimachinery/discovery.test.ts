import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultFederatedTypeConfigs } from '../../api/federation/v1alpha1/default-federated-types.js';
import { resourceDefinitions } from '../../api/federation/v1alpha1/static-resources.js';
import { CRD_VERBS, type ResourceDefinition } from '../../api/meta/resource-definition.js';
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  compareKubeAwareVersions,
  discoveryETag,
  encodeDiscoveryDocument,
  ifNoneMatchHits,
  storageVersionHash,
} from './discovery.js';

const defs = resourceDefinitions(defaultFederatedTypeConfigs());
const GROUP = 'federation.herd.io';

function def(overrides: Partial<ResourceDefinition>): ResourceDefinition {
  return {
    group: 'example.io',
    version: 'v1',
    kind: 'Widget',
    listKind: 'WidgetList',
    plural: 'widgets',
    singular: 'widget',
    shortNames: [],
    categories: [],
    namespaced: true,
    description: 'w',
    schema: { type: 'object' },
    printerColumns: [],
    subresources: { status: false },
    verbs: CRD_VERBS,
    ...overrides,
  };
}

describe('apiResourceList', () => {
  const list = apiResourceList(defs, GROUP, 'v1alpha1');

  it('carries its type meta and group version, as the aggregator decodes it', () => {
    expect(list).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'federation.herd.io/v1alpha1' });
  });

  it('lists a namespaced resource with names, verbs, short names, categories and a storage version hash', () => {
    expect(list.resources.find((r) => r.name === 'federateddeployments')).toEqual({
      name: 'federateddeployments',
      singularName: 'federateddeployment',
      namespaced: true,
      kind: 'FederatedDeployment',
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      shortNames: ['fdeploy'],
      categories: ['herd', 'federated'],
      storageVersionHash: storageVersionHash(GROUP, 'v1alpha1', 'FederatedDeployment'),
    });
  });

  it('lists the status subresource with get, patch and update and no singular name', () => {
    expect(list.resources.find((r) => r.name === 'memberclusters/status')).toEqual({
      name: 'memberclusters/status',
      singularName: '',
      namespaced: false,
      kind: 'MemberCluster',
      verbs: ['get', 'patch', 'update'],
    });
  });

  it('sorts resources by name, each status entry right after its resource', () => {
    const names = list.resources.map((r) => r.name);
    expect(names).toEqual([...names].sort());
    expect(names.indexOf('globalloadbalancers/decision')).toBe(names.indexOf('globalloadbalancers') + 1);
    expect(names.indexOf('globalloadbalancers/status')).toBe(names.indexOf('globalloadbalancers') + 2);
    expect(list.resources.find((r) => r.name === 'globalloadbalancers/decision')?.kind).toBe('LoadBalancingDecision');
    expect(names.indexOf('federateddeployments/placement')).toBe(names.indexOf('federateddeployments') + 1);
    // 26 resources, 26 status subresources, the placement subresource of each of the 14 Federated kinds, and decision.
    expect(names).toHaveLength(55);
  });

  it('lists extra subresources as read-only', () => {
    const out = apiResourceList([def({ subresources: { status: true, extra: ['decision'] } })], 'example.io', 'v1');
    expect(out.resources.map((r) => [r.name, r.verbs.join(',')])).toEqual([
      ['widgets', 'delete,deletecollection,get,list,patch,create,update,watch'],
      ['widgets/decision', 'get'],
      ['widgets/status', 'get,patch,update'],
    ]);
  });

  it('is empty for a group version with no resources', () => {
    expect(apiResourceList(defs, GROUP, 'v1').resources).toEqual([]);
  });
});

describe('apiGroup and apiGroupList', () => {
  const multi = [def({ version: 'v1alpha1' }), def({ version: 'v1' }), def({ version: 'v2beta1' }), def({ group: 'other.io' })];

  it('prefers the most stable, newest version', () => {
    expect(apiGroup(multi, 'example.io')).toEqual({
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: 'example.io',
      versions: [
        { groupVersion: 'example.io/v1', version: 'v1' },
        { groupVersion: 'example.io/v2beta1', version: 'v2beta1' },
        { groupVersion: 'example.io/v1alpha1', version: 'v1alpha1' },
      ],
      preferredVersion: { groupVersion: 'example.io/v1', version: 'v1' },
    });
  });

  it('answers nothing for a group it does not serve', () => {
    expect(apiGroup(multi, 'apps')).toBeUndefined();
  });

  it('lists groups in the order the table first names them, without type meta on each group', () => {
    const list = apiGroupList(multi);
    expect(list.kind).toBe('APIGroupList');
    expect(list.groups.map((g) => g.name)).toEqual(['example.io', 'other.io']);
    expect(list.groups[0]).not.toHaveProperty('kind');
  });
});

describe('compareKubeAwareVersions', () => {
  it.each([
    [['v1alpha1', 'v1', 'v2', 'v1beta2', 'v1beta1', 'v10', 'foo', 'v2alpha1', 'bar'], ['v10', 'v2', 'v1', 'v1beta2', 'v1beta1', 'v2alpha1', 'v1alpha1', 'bar', 'foo']],
    [['v1beta10', 'v1beta9'], ['v1beta10', 'v1beta9']],
  ])('sorts %j as %j', (input, expected) => {
    expect([...input].sort(compareKubeAwareVersions)).toEqual(expected);
  });
});

describe('aggregatedDiscovery', () => {
  const doc = aggregatedDiscovery(defs);

  it('is an apidiscovery.k8s.io/v2 list with one current version of the group', () => {
    expect(doc.kind).toBe('APIGroupDiscoveryList');
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2');
    expect(doc.items.map((i) => i.metadata.name)).toEqual([GROUP]);
    expect(doc.items[0]?.versions.map((v) => [v.version, v.freshness])).toEqual([['v1alpha1', 'Current']]);
  });

  it('describes each resource with its response kind, scope and status subresource', () => {
    const resources = doc.items[0]?.versions[0]?.resources ?? [];
    expect(resources).toHaveLength(20);
    expect(resources.find((r) => r.resource === 'clusterpropagationpolicies')).toEqual({
      resource: 'clusterpropagationpolicies',
      responseKind: { group: GROUP, version: 'v1alpha1', kind: 'ClusterPropagationPolicy' },
      scope: 'Cluster',
      singularResource: 'clusterpropagationpolicy',
      verbs: [...CRD_VERBS],
      shortNames: ['cpp'],
      categories: ['herd'],
      subresources: [
        { subresource: 'status', responseKind: { group: GROUP, version: 'v1alpha1', kind: 'ClusterPropagationPolicy' }, verbs: ['get', 'patch', 'update'] },
      ],
    });
  });

  it('lists the same resources as legacy discovery', () => {
    const legacy = apiResourceList(defs, GROUP, 'v1alpha1').resources.filter((r) => !r.name.includes('/'));
    const v2 = doc.items[0]?.versions[0]?.resources ?? [];
    expect(v2.map((r) => [r.resource, r.scope === 'Namespaced', r.shortNames])).toEqual(legacy.map((r) => [r.name, r.namespaced, r.shortNames]));
  });
});

describe('discovery ETags', () => {
  it('is the upper-case hex SHA-512 of the encoded body', () => {
    expect(discoveryETag('{}')).toBe(createHash('sha512').update('{}').digest('hex').toUpperCase());
    expect(discoveryETag('{}')).toMatch(/^[0-9A-F]{128}$/);
  });

  it('is the same for the same resource table and changes when the table does', () => {
    const a = encodeDiscoveryDocument(aggregatedDiscovery(defs));
    const b = encodeDiscoveryDocument(aggregatedDiscovery(resourceDefinitions(defaultFederatedTypeConfigs())));
    const c = encodeDiscoveryDocument(aggregatedDiscovery(resourceDefinitions(defaultFederatedTypeConfigs().slice(1))));
    expect(a.etag).toBe(b.etag);
    expect(a.body).toBe(b.body);
    expect(c.etag).not.toBe(a.etag);
  });

  it.each([
    ['matches the quoted hash', '"ABC"', true],
    ['does not match the bare hash', 'ABC', false],
    ['does not match another hash', '"ABD"', false],
    ['does not match when the header is absent', undefined, false],
  ])('If-None-Match %s', (_name, header, hit) => {
    expect(ifNoneMatchHits(header, 'ABC')).toBe(hit);
  });
});

describe('storageVersionHash', () => {
  it('is eight bytes of sha256 over group/version/kind, in base64', () => {
    const expected = createHash('sha256').update('federation.herd.io/v1alpha1/MemberCluster').digest().subarray(0, 8).toString('base64');
    expect(storageVersionHash(GROUP, 'v1alpha1', 'MemberCluster')).toBe(expected);
    expect(expected).toHaveLength(12);
  });
});
