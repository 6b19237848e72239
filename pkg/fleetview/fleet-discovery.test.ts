import type { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AGGREGATED_DISCOVERY_V2_CONTENT_TYPE, type APIGroup, type APIGroupDiscoveryList, type APIGroupList, type APIResourceList } from '../apimachinery/discovery.js';
import { openAPIHash } from '../apimachinery/openapi.js';
import { FleetDiscovery, type DiscoveryAnswer } from './fleet-discovery.js';
import { addDiscoveryMember, fakeNetwork, FakeFleetMembers, type FakeDiscoveryMember, type FakeResource } from './fleet-discovery.fixture.js';

const PREFIX = '/apis/fleet.herd.io/v1alpha1/views/global/proxy';
/** What client-go sends for discovery. */
const CLIENT_GO_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList;q=0.9,application/json;q=0.8';

const pods: FakeResource = {
  group: '',
  version: 'v1',
  resource: 'pods',
  kind: 'Pod',
  shortNames: ['po'],
  subresources: [
    { name: 'status', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    { name: 'log', kind: 'Pod', verbs: ['get'] },
    { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
  ],
};
const namespaces: FakeResource = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false };
const bindings: FakeResource = { group: '', version: 'v1', resource: 'bindings', kind: 'Binding', verbs: ['create'] };
const configmaps: FakeResource = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] };
const deployments: FakeResource = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  kind: 'Deployment',
  shortNames: ['deploy'],
  subresources: [{ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] }],
};
const tokenReviews: FakeResource = { group: 'authentication.k8s.io', version: 'v1', resource: 'tokenreviews', kind: 'TokenReview', namespaced: false, verbs: ['create'] };
const widgets = (version: string): FakeResource => ({ group: 'example.io', version, resource: 'widgets', kind: 'Widget' });

let mock: MockAgent;
let members: FakeFleetMembers;
let m1: FakeDiscoveryMember;
let m2: FakeDiscoveryMember;
let clock: number;
let logs: string[];
let discovery: FleetDiscovery;

function newDiscovery(): FleetDiscovery {
  discovery = new FleetDiscovery({ members, log: (msg) => logs.push(msg), now: () => clock, timeoutMs: 2_000 });
  return discovery;
}

beforeEach(() => {
  mock = fakeNetwork();
  members = new FakeFleetMembers(mock);
  clock = 1_000_000;
  logs = [];
  m1 = addDiscoveryMember(mock, 'm1', {
    gitVersion: 'v1.33.1',
    resources: [pods, namespaces, bindings, deployments, widgets('v1'), tokenReviews],
    openapi: new Map([
      ['api/v1', JSON.stringify({ openapi: '3.0.0', info: { title: 'Kubernetes', version: 'm1' }, paths: {} })],
      ['apis/apps/v1', JSON.stringify({ openapi: '3.0.0', info: { title: 'apps from m1' } })],
      ['apis/example.io/v1', JSON.stringify({ openapi: '3.0.0', info: { title: 'widgets v1 from m1' } })],
    ]),
  });
  m2 = addDiscoveryMember(mock, 'm2', {
    gitVersion: 'v1.32.4',
    resources: [pods, configmaps, deployments, widgets('v2'), widgets('v1beta1')],
    openapi: new Map([
      ['api/v1', JSON.stringify({ openapi: '3.0.0', info: { title: 'Kubernetes', version: 'm2' } })],
      ['apis/apps/v1', JSON.stringify({ openapi: '3.0.0', info: { title: 'apps from m2' } })],
      ['apis/example.io/v2', JSON.stringify({ openapi: '3.0.0', info: { title: 'widgets v2 from m2' } })],
    ]),
  });
  // Added in reverse name order: the view must not depend on it.
  members.add('m2');
  members.add('m1');
});

afterEach(async () => {
  await discovery?.stop();
  await mock.close();
});

async function answer(path: string, headers: { accept?: string; ifNoneMatch?: string } = {}, query = ''): Promise<DiscoveryAnswer> {
  const a = await discovery.answer(path, new URLSearchParams(query), headers, PREFIX);
  if (!a) throw new Error(`${path} is not a discovery path`);
  return a;
}

async function json<T>(path: string, headers: { accept?: string } = {}, query = ''): Promise<T> {
  const a = await answer(path, headers, query);
  expect(a.status, `${path}: ${a.body}`).toBe(200);
  return JSON.parse(a.body) as T;
}

describe('FleetDiscovery union', () => {
  it('serves a resource that some members serve, naming those members in name order', async () => {
    newDiscovery().start();
    expect(await discovery.resolve('', 'v1', 'pods')).toEqual({ group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, members: ['m1', 'm2'] });
    expect((await discovery.resolve('', 'v1', 'configmaps'))?.members).toEqual(['m2']);
    expect((await discovery.resolve('', 'v1', 'namespaces'))?.namespaced).toBe(false);
    expect((await discovery.resolve('example.io', 'v1', 'widgets'))?.members).toEqual(['m1']);
    expect((await discovery.resolve('example.io', 'v2', 'widgets'))?.members).toEqual(['m2']);
    expect(await discovery.resolve('apps', 'v1', 'replicasets')).toBeUndefined();
  });

  it('lists every version of a group newest first, the newest preferred', async () => {
    newDiscovery().start();
    const group = await json<APIGroup>('/apis/example.io');
    expect(group).toEqual({
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: 'example.io',
      versions: [
        { groupVersion: 'example.io/v2', version: 'v2' },
        { groupVersion: 'example.io/v1', version: 'v1' },
        { groupVersion: 'example.io/v1beta1', version: 'v1beta1' },
      ],
      preferredVersion: { groupVersion: 'example.io/v2', version: 'v2' },
    });
    const list = await json<APIGroupList>('/apis');
    expect(list.kind).toBe('APIGroupList');
    expect(list.groups.map((g) => g.name)).toEqual(['apps', 'example.io']);
    expect(list.groups[1]).toEqual({ name: 'example.io', versions: group.versions, preferredVersion: group.preferredVersion });
  });

  it('serves only reads: get, list and watch on resources, get on subresources, and leaves out what no member lists', async () => {
    newDiscovery().start();
    const core = await json<APIResourceList>('/api/v1');
    expect(core.groupVersion).toBe('v1');
    expect(core.resources.map((r) => r.name)).toEqual(['configmaps', 'namespaces', 'pods', 'pods/exec', 'pods/log', 'pods/status']);
    expect(core.resources.find((r) => r.name === 'pods')).toEqual({ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'], shortNames: ['po'] });
    expect(core.resources.find((r) => r.name === 'pods/exec')).toEqual({ name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['get'] });
    const apps = await json<APIResourceList>('/apis/apps/v1');
    expect(apps.resources).toEqual([
      { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['get', 'list', 'watch'], shortNames: ['deploy'] },
      { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get'] },
    ]);
    // tokenreviews can only be created: its group has nothing to read.
    expect((await answer('/apis/authentication.k8s.io/v1')).status).toBe(404);
    expect((await answer('/apis/authentication.k8s.io')).status).toBe(404);
    expect(await discovery.resolve('', 'v1', 'bindings')).toBeUndefined();
  });

  it('answers legacy /api as APIVersions', async () => {
    newDiscovery().start();
    const a = await answer('/api', { accept: 'application/json' });
    expect(a.contentType).toBe('application/json');
    expect(JSON.parse(a.body)).toEqual({ kind: 'APIVersions', versions: ['v1'] });
  });

  it('answers aggregated discovery for /apis and /api when asked for apidiscovery.k8s.io/v2', async () => {
    newDiscovery().start();
    const apis = await answer('/apis', { accept: CLIENT_GO_ACCEPT });
    expect(apis.contentType).toBe(AGGREGATED_DISCOVERY_V2_CONTENT_TYPE);
    expect(apis.headers?.vary).toBe('Accept');
    const doc = JSON.parse(apis.body) as APIGroupDiscoveryList;
    expect(doc.kind).toBe('APIGroupDiscoveryList');
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2');
    expect(doc.items.map((i) => [i.metadata.name, i.versions.map((v) => v.version)])).toEqual([
      ['apps', ['v1']],
      ['example.io', ['v2', 'v1', 'v1beta1']],
    ]);
    expect(doc.items[0]!.versions[0]).toEqual({
      version: 'v1',
      freshness: 'Current',
      resources: [
        {
          resource: 'deployments',
          responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
          scope: 'Namespaced',
          singularResource: 'deployment',
          verbs: ['get', 'list', 'watch'],
          shortNames: ['deploy'],
          subresources: [{ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get'] }],
        },
      ],
    });

    const api = JSON.parse((await answer('/api', { accept: CLIENT_GO_ACCEPT })).body) as APIGroupDiscoveryList;
    expect(api.items).toHaveLength(1);
    expect(api.items[0]!.metadata.name).toBe('');
    const coreResources = api.items[0]!.versions[0]!.resources;
    expect(coreResources.map((r) => r.resource)).toEqual(['configmaps', 'namespaces', 'pods']);
    expect(coreResources.find((r) => r.resource === 'namespaces')?.scope).toBe('Cluster');
    expect(coreResources.find((r) => r.resource === 'pods')?.subresources?.map((s) => [s.subresource, s.verbs])).toEqual([
      ['exec', ['get']],
      ['log', ['get']],
      ['status', ['get']],
    ]);
  });

  it('answers the legacy document to a client that does not ask for v2', async () => {
    newDiscovery().start();
    for (const accept of [undefined, 'application/json', 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json;q=0.9']) {
      const a = await answer('/apis', accept === undefined ? {} : { accept });
      expect(a.contentType, String(accept)).toBe('application/json');
      expect((JSON.parse(a.body) as { kind: string }).kind).toBe('APIGroupList');
    }
  });

  it('reads members that answer only the legacy documents into the same view', async () => {
    newDiscovery().start();
    const before = await Promise.all(['/api', '/apis'].map(async (p) => (await answer(p, { accept: CLIENT_GO_ACCEPT })).body));
    const legacyCore = await answer('/api/v1');
    await discovery.stop();
    m1.legacy = true;
    m2.legacy = true;
    m1.calls.length = 0;
    newDiscovery().start();
    const after = await Promise.all(['/api', '/apis'].map(async (p) => (await answer(p, { accept: CLIENT_GO_ACCEPT })).body));
    expect(after).toEqual(before);
    expect((await answer('/api/v1')).body).toBe(legacyCore.body);
    // The legacy read went through every group version.
    expect(m1.calls).toEqual(expect.arrayContaining(['GET /api/v1', 'GET /apis/apps/v1', 'GET /apis/example.io/v1']));
  });

  it('keeps a legacy group version that stops answering, marked Stale', async () => {
    m1.legacy = true;
    newDiscovery().start();
    expect((await discovery.resolve('example.io', 'v1', 'widgets'))?.members).toEqual(['m1']);
    m1.unavailable.add('/apis/example.io/v1');
    clock += 31_000;
    // A miss makes every member be read again.
    expect(await discovery.resolve('example.io', 'v1', 'gadgets')).toBeUndefined();
    expect(m1.calls.filter((c) => c === 'GET /apis/example.io/v1')).toHaveLength(2);
    expect((await discovery.resolve('example.io', 'v1', 'widgets'))?.members).toEqual(['m1']);
    const doc = JSON.parse((await answer('/apis', { accept: CLIENT_GO_ACCEPT })).body) as APIGroupDiscoveryList;
    const versions = doc.items.find((i) => i.metadata.name === 'example.io')?.versions;
    expect(versions?.map((v) => [v.version, v.freshness])).toEqual([
      ['v2', 'Current'],
      ['v1', 'Stale'],
      ['v1beta1', 'Current'],
    ]);
  });

  it('asks members for aggregated discovery', async () => {
    newDiscovery().start();
    await discovery.resolve('', 'v1', 'pods');
    expect(m1.calls).toEqual(expect.arrayContaining(['GET /api [aggregated]', 'GET /apis [aggregated]']));
    // Aggregated members need no per-group-version reads.
    expect(m1.calls.filter((c) => c.startsWith('GET /apis/'))).toEqual([]);
  });

  it('keeps the last known discovery of a member that is unreachable, and logs it once', async () => {
    newDiscovery().start();
    expect((await discovery.resolve('', 'v1', 'configmaps'))?.members).toEqual(['m2']);
    m2.down = true;
    m2.calls.length = 0;
    members.change('m2');
    await vi.waitFor(() => expect(m2.calls.length).toBeGreaterThan(0), { timeout: 3_000 });
    members.change('m2');
    await vi.waitFor(() => expect(m2.calls.filter((c) => c.startsWith('GET /apis ')).length).toBe(2), { timeout: 3_000 });
    await discovery.resolve('', 'v1', 'pods');
    expect((await discovery.resolve('', 'v1', 'configmaps'))?.members).toEqual(['m2']);
    expect((await discovery.resolve('example.io', 'v2', 'widgets'))?.members).toEqual(['m2']);
    expect(logs.filter((l) => l.includes('m2'))).toHaveLength(1);
    expect(logs[0]).toMatch(/member m2 failed; keeping its last known discovery/);
  });

  it('re-reads a member when it changes and drops a member that leaves', async () => {
    newDiscovery().start();
    expect(await discovery.resolve('batch', 'v1', 'jobs')).toBeUndefined();
    m1.resources = [...m1.resources, { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job' }];
    const m2Calls = m2.calls.length;
    members.change('m1');
    await vi.waitFor(async () => expect((await discovery.resolve('batch', 'v1', 'jobs'))?.members).toEqual(['m1']), { timeout: 3_000 });
    // Only the member that changed was read again.
    expect(m2.calls.length).toBe(m2Calls);

    members.remove('m2');
    await vi.waitFor(async () => expect((await discovery.resolve('', 'v1', 'pods'))?.members).toEqual(['m1']), { timeout: 3_000 });
    expect(await discovery.resolve('', 'v1', 'configmaps')).toBeUndefined();
  });

  it('answers /version with the lowest member version', async () => {
    newDiscovery().start();
    const a = await answer('/version');
    expect(a.status).toBe(200);
    expect((JSON.parse(a.body) as { gitVersion: string }).gitVersion).toBe('v1.32.4');
    await discovery.stop();
    m1.gitVersion = 'v1.32.4-rc.1';
    newDiscovery().start();
    expect((JSON.parse((await answer('/version')).body) as { gitVersion: string }).gitVersion).toBe('v1.32.4-rc.1');
  });

  it('leaves resource paths and other paths to the caller', async () => {
    newDiscovery().start();
    for (const p of ['/api/v1/pods', '/api/v1/namespaces/default/pods', '/apis/apps/v1/deployments', '/healthz', '', '/', '/apis//v1']) {
      expect(await discovery.answer(p, new URLSearchParams(), {}, PREFIX), p).toBeUndefined();
    }
  });
});

describe('FleetDiscovery ETags', () => {
  it('answers 304 to a matching If-None-Match, and a new ETag once the union changes', async () => {
    newDiscovery().start();
    for (const [path, accept] of [
      ['/apis', CLIENT_GO_ACCEPT],
      ['/api', CLIENT_GO_ACCEPT],
      ['/apis', 'application/json'],
      ['/api', 'application/json'],
      ['/api/v1', 'application/json'],
      ['/apis/apps', 'application/json'],
      ['/apis/apps/v1', 'application/json'],
    ] as const) {
      const first = await answer(path, { accept });
      const etag = first.headers?.etag;
      expect(etag, path).toMatch(/^"[0-9A-F]{128}"$/);
      const again = await answer(path, { accept, ifNoneMatch: etag! });
      expect(again.status, path).toBe(304);
      expect(again.body).toBe('');
      expect((await answer(path, { accept, ifNoneMatch: '"stale"' })).status).toBe(200);
    }
    const aggregatedEtag = (await answer('/apis', { accept: CLIENT_GO_ACCEPT })).headers?.etag;
    const legacyEtag = (await answer('/apis', { accept: 'application/json' })).headers?.etag;
    expect(aggregatedEtag).not.toBe(legacyEtag);

    m2.resources = [...m2.resources, { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job' }];
    members.change('m2');
    await vi.waitFor(async () => expect((await answer('/apis', { accept: CLIENT_GO_ACCEPT, ifNoneMatch: aggregatedEtag! })).status).toBe(200), { timeout: 3_000 });
    expect((await answer('/apis', { accept: 'application/json', ifNoneMatch: legacyEtag! })).status).toBe(200);
  });

  it('keeps the encodings of a read that changed nothing', async () => {
    newDiscovery().start();
    const a = await answer('/apis/apps/v1');
    const calls = m1.calls.length;
    members.change('m1');
    await vi.waitFor(() => expect(m1.calls.length).toBeGreaterThan(calls), { timeout: 3_000 });
    await discovery.resolve('', 'v1', 'pods');
    const b = await answer('/apis/apps/v1');
    expect(b.headers?.etag).toBe(a.headers?.etag);
    expect(b.body).toBe(a.body);
  });
});

describe('FleetDiscovery resolve', () => {
  it('re-reads discovery on a miss at most once every 30 s', async () => {
    newDiscovery().start();
    expect(await discovery.resolve('', 'v1', 'pods')).toBeDefined();
    // A member starts serving jobs without telling anyone.
    m1.resources = [...m1.resources, { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job' }];
    const calls = m1.calls.length;
    clock += 5_000;
    expect(await discovery.resolve('batch', 'v1', 'jobs')).toBeUndefined();
    expect(m1.calls.length).toBe(calls);
    clock += 26_000;
    expect((await discovery.resolve('batch', 'v1', 'jobs'))?.members).toEqual(['m1']);
    expect(m1.calls.length).toBeGreaterThan(calls);
    // And the next miss is within 30 s of that read.
    const after = m1.calls.length;
    clock += 1_000;
    expect(await discovery.resolve('batch', 'v1', 'cronjobs')).toBeUndefined();
    expect(m1.calls.length).toBe(after);
  });

  it('shares one re-read between concurrent misses', async () => {
    newDiscovery().start();
    await discovery.resolve('', 'v1', 'pods');
    m1.resources = [...m1.resources, { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job' }];
    clock += 31_000;
    const before = m1.calls.filter((c) => c.startsWith('GET /apis ')).length;
    const found = await Promise.all([1, 2, 3].map(() => discovery.resolve('batch', 'v1', 'jobs')));
    expect(found.map((r) => r?.members)).toEqual([['m1'], ['m1'], ['m1']]);
    expect(m1.calls.filter((c) => c.startsWith('GET /apis ')).length).toBe(before + 1);
  });

  it('re-reads on an unknown group version request too', async () => {
    newDiscovery().start();
    await discovery.resolve('', 'v1', 'pods');
    expect((await answer('/apis/batch/v1')).status).toBe(404);
    m2.resources = [...m2.resources, { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job' }];
    clock += 31_000;
    const a = await answer('/apis/batch/v1');
    expect(a.status).toBe(200);
    expect((JSON.parse(a.body) as APIResourceList).resources.map((r) => r.name)).toEqual(['jobs']);
  });
});

describe('FleetDiscovery OpenAPI v3', () => {
  const hashOf = (m: FakeDiscoveryMember, key: string) => openAPIHash(m.openapi.get(key)!);

  it('lists every group version any member serves, under the view prefix with the serving member hash', async () => {
    newDiscovery().start();
    const index = await json<{ paths: Record<string, { serverRelativeURL: string }> }>('/openapi/v3');
    expect(index).toEqual({
      paths: {
        'api/v1': { serverRelativeURL: `${PREFIX}/openapi/v3/api/v1?hash=${hashOf(m1, 'api/v1')}` },
        'apis/apps/v1': { serverRelativeURL: `${PREFIX}/openapi/v3/apis/apps/v1?hash=${hashOf(m1, 'apis/apps/v1')}` },
        'apis/example.io/v1': { serverRelativeURL: `${PREFIX}/openapi/v3/apis/example.io/v1?hash=${hashOf(m1, 'apis/example.io/v1')}` },
        'apis/example.io/v2': { serverRelativeURL: `${PREFIX}/openapi/v3/apis/example.io/v2?hash=${hashOf(m2, 'apis/example.io/v2')}` },
      },
    });
    const other = await discovery.answer('/openapi/v3', new URLSearchParams(), {}, '/elsewhere/');
    expect(JSON.parse(other!.body).paths['api/v1'].serverRelativeURL).toBe(`/elsewhere/openapi/v3/api/v1?hash=${hashOf(m1, 'api/v1')}`);
  });

  it('fetches a document from the first member serving it, once, and serves it by hash', async () => {
    newDiscovery().start();
    const hash = hashOf(m1, 'apis/apps/v1');
    const a = await answer('/openapi/v3/apis/apps/v1', {}, `hash=${hash}`);
    expect(a.status).toBe(200);
    expect(a.body).toBe(m1.openapi.get('apis/apps/v1'));
    expect(a.headers).toEqual({ etag: `"${hash}"`, 'cache-control': 'public, immutable' });
    expect(m1.calls).toContain(`GET /openapi/v3/apis/apps/v1?hash=${hash}`);
    expect(m2.calls.filter((c) => c.startsWith('GET /openapi/v3/apis'))).toEqual([]);

    const fetched = m1.calls.length;
    const cached = await answer('/openapi/v3/apis/apps/v1');
    expect(cached.body).toBe(a.body);
    expect(cached.headers?.['cache-control']).toBe('no-cache, private');
    expect((await answer('/openapi/v3/apis/apps/v1', { ifNoneMatch: `"${hash}"` }, `hash=${hash}`)).status).toBe(304);
    expect(m1.calls.length).toBe(fetched);

    // A document only m2 has comes from m2.
    const v2 = await answer('/openapi/v3/apis/example.io/v2', {}, `hash=${hashOf(m2, 'apis/example.io/v2')}`);
    expect(v2.body).toBe(m2.openapi.get('apis/example.io/v2'));
  });

  it('falls back to the next member when the first cannot answer, and 404s what nobody serves', async () => {
    newDiscovery().start();
    await answer('/openapi/v3');
    m1.down = true;
    const a = await answer('/openapi/v3/apis/apps/v1');
    expect(a.status).toBe(200);
    expect(a.body).toBe(m2.openapi.get('apis/apps/v1'));
    expect((await answer('/openapi/v3/apis/batch/v1')).status).toBe(404);
    expect((await answer('/openapi/v2')).status).toBe(404);
  });

  it('serves the current document when a member changed it since its index was read, and re-reads that member', async () => {
    newDiscovery().start();
    const oldHash = hashOf(m1, 'apis/apps/v1');
    m1.openapi.set('apis/apps/v1', JSON.stringify({ openapi: '3.0.0', info: { title: 'apps from m1, newer' } }));
    const newHash = hashOf(m1, 'apis/apps/v1');
    const a = await answer('/openapi/v3/apis/apps/v1', {}, `hash=${oldHash}`);
    expect(a.status).toBe(200);
    expect(a.body).toBe(m1.openapi.get('apis/apps/v1'));
    expect(a.headers).toEqual({ etag: `"${newHash}"`, 'cache-control': 'no-cache, private' });
    await vi.waitFor(
      async () => expect(JSON.parse((await answer('/openapi/v3')).body).paths['apis/apps/v1'].serverRelativeURL).toBe(`${PREFIX}/openapi/v3/apis/apps/v1?hash=${newHash}`),
      { timeout: 3_000 },
    );
  });
});
