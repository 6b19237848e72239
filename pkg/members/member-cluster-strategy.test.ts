import { describe, expect, it } from 'vitest';
import { GROUP, VERSION, memberClusterDefinition, type MemberCluster } from '../../api/federation/v1alpha1/index.js';
import { ApiGroupRegistry } from '../registry/api-group-registry.js';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import { memberClusterStrategy } from './member-cluster-strategy.js';

function store() {
  const registry = new ApiGroupRegistry(GROUP, VERSION, new SqliteStorage({ path: ':memory:' }));
  return registry.add(memberClusterDefinition, memberClusterStrategy).store;
}

const cluster = (spec: Partial<MemberCluster['spec']> = {}, name = 'eu-1'): MemberCluster => ({
  apiVersion: `${GROUP}/${VERSION}`,
  kind: 'MemberCluster',
  metadata: { name, labels: { env: 'prod' } },
  spec: { apiEndpoint: 'https://10.0.0.1:6443', secretRef: { namespace: 'herd-system', name: 'member-eu-1' }, region: 'eu-west', zone: 'eu-west-a', ...spec },
});

const parse = (json: string) => JSON.parse(json) as MemberCluster;

describe('memberClusterStrategy', () => {
  it('labels a new cluster with its name, region and zone and adds the cleanup finalizer', async () => {
    const s = store();
    const created = parse((await s.create(undefined, { object: cluster() })).json);
    expect(created.metadata.labels).toEqual({
      env: 'prod',
      'federation.herd.io/cluster-name': 'eu-1',
      'topology.kubernetes.io/region': 'eu-west',
      'topology.kubernetes.io/zone': 'eu-west-a',
    });
    expect(created.metadata.finalizers).toEqual(['federation.herd.io/member-cleanup']);
  });

  it('follows region and zone on update, removes them when unset, and does not add the finalizer back', async () => {
    const s = store();
    const created = parse((await s.create(undefined, { object: cluster() })).json);
    const { zone: _zone, ...spec } = created.spec;
    const next = { ...created, metadata: { ...created.metadata, finalizers: [] }, spec: { ...spec, region: 'us-east' } };
    const updated = parse((await s.update(undefined, 'eu-1', { object: next })).json);
    expect(updated.metadata.labels).toMatchObject({ 'topology.kubernetes.io/region': 'us-east' });
    expect(updated.metadata.labels?.['topology.kubernetes.io/zone']).toBeUndefined();
    expect(updated.metadata.finalizers ?? []).toEqual([]);
  });

  it.each<[string, Partial<MemberCluster['spec']>, string]>([
    ['an endpoint that is not a URL', { apiEndpoint: 'https://' }, 'spec.apiEndpoint'],
    ['an endpoint with credentials in it', { apiEndpoint: 'https://admin:hunter2@10.0.0.1:6443' }, 'must not carry credentials'],
    ['an endpoint with a query', { apiEndpoint: 'https://10.0.0.1:6443/?x=1' }, 'must not have a query'],
    ['a Secret namespace that is not a DNS label', { secretRef: { namespace: 'Herd_System', name: 'x' } }, 'spec.secretRef.namespace'],
    ['a Secret name that is not a DNS subdomain', { secretRef: { namespace: 'herd-system', name: '../x' } }, 'spec.secretRef.name'],
    ['a region that cannot be a label value', { region: 'eu west' }, 'spec.region'],
  ])('rejects %s', async (_name, spec, message) => {
    const err = (await store()
      .create(undefined, { object: cluster(spec) })
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(message);
    expect(err.message).not.toContain('hunter2');
  });

  it('rejects a name too long to be the cluster-name label', async () => {
    const err = (await store()
      .create(undefined, { object: cluster({}, 'a'.repeat(64)) })
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('metadata.name');
  });
});
