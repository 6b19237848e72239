import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { thrownStatusError } from '../apimachinery/thrown-status-error.js';
import type { KubeObject } from '../../api/meta/object-meta.js';
import type { Table } from '../apimachinery/table.js';
import { configMap, FakeTableMember, pod, POD_PRINTER, scopeOf, startMembers, syncedResource } from './fake-table-member.fixture.js';
import type { MergedResource } from './merged-resource.js';
import type { ViewEncoding } from './view-presenter.js';
import type { ViewScope } from './view-scope.js';
import { viewList, type ViewListOptions } from './view-list.js';

const PODS = '/api/v1/pods';
const CM = '/api/v1/configmaps';
const ALL = ['m1', 'm2', 'm3'];
const CREATED = '2024-01-01T00:00:00Z';

let m1: FakeTableMember;
let m2: FakeTableMember;
let m3: FakeTableMember;
let pods: MergedResource;

const json: ViewEncoding = { target: { mediaType: 'application/json' }, includeObject: 'Metadata' };
const asTable = (includeObject: ViewEncoding['includeObject']): ViewEncoding => ({ target: { mediaType: 'application/json', as: 'Table' }, includeObject });

interface ListBody {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string };
  items: KubeObject[];
}

function list(resource: MergedResource, scope: ViewScope, enc: ViewEncoding = json, o: ViewListOptions = {}): ListBody {
  return JSON.parse([...viewList(resource, scope, enc, o)].join('')) as ListBody;
}

const names = (body: ListBody) => body.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`);

const caught = thrownStatusError;

/** Every item of a paged list, page by page. */
function pages(resource: MergedResource, scope: ViewScope, limit: number, between?: (page: number) => void): { items: string[]; pages: number } {
  const items: string[] = [];
  let token: string | undefined;
  let n = 0;
  do {
    const body = list(resource, scope, json, { limit, ...(token ? { continue: token } : {}) });
    expect(body.items.length).toBeLessThanOrEqual(limit);
    items.push(...names(body));
    token = body.metadata.continue;
    n++;
    between?.(n);
  } while (token);
  return { items, pages: n };
}

beforeAll(async () => {
  [m1, m2, m3] = await startMembers(['m1', 'm2', 'm3'], { [PODS]: POD_PRINTER, [CM]: POD_PRINTER });
  m1.put(PODS, pod('a', 'web', { labels: { app: 'web' }, creationTimestamp: CREATED }));
  m1.put(PODS, pod('a', 'db', { labels: { app: 'db' }, phase: 'Pending', creationTimestamp: CREATED }));
  m1.put(PODS, pod('b', 'web', { labels: { app: 'web' }, creationTimestamp: CREATED }));
  m2.put(PODS, pod('a', 'web', { labels: { app: 'web' }, creationTimestamp: CREATED }));
  m2.put(PODS, pod('a', 'api', { labels: { app: 'api' }, phase: 'Failed', creationTimestamp: CREATED }));
  m3.put(PODS, pod('a', 'cache', { creationTimestamp: CREATED }));
  m3.put(PODS, pod('b', 'job', { phase: 'Succeeded', creationTimestamp: CREATED }));
  pods = await syncedResource([m1, m2, m3], 'pods', 'Pod');
});

afterAll(async () => {
  await pods.stop();
  await Promise.all([m1, m2, m3].map((m) => m.close()));
});

describe('viewList', () => {
  it('lists every object across members, ordered by namespace, name, cluster, at the current token', () => {
    const body = list(pods, scopeOf(ALL));
    expect(body.kind).toBe('PodList');
    expect(body.apiVersion).toBe('v1');
    expect(body.metadata).toEqual({ resourceVersion: pods.currentToken() });
    expect(names(body)).toEqual(['a/api', 'a/cache', 'a/db', 'a/web@m1', 'a/web@m2', 'b/job', 'b/web']);
    expect(body.items.map((i) => i.metadata.labels?.['herd.io/cluster'])).toEqual(['m2', 'm3', 'm1', 'm1', 'm2', 'm3', 'm1']);
    expect(body.items.every((i) => i.metadata.annotations?.['herd.io/cluster'] === i.metadata.labels?.['herd.io/cluster'])).toBe(true);
  });

  it('applies label and field selectors, the namespace, the allowed members and herd.io/cluster', () => {
    expect(names(list(pods, scopeOf(ALL, { labelSelector: 'app=web' })))).toEqual(['a/web@m1', 'a/web@m2', 'b/web']);
    expect(names(list(pods, scopeOf(ALL, { labelSelector: 'app in (api,db)' })))).toEqual(['a/api', 'a/db']);
    expect(names(list(pods, scopeOf(ALL, { fieldSelector: 'status.phase=Running' })))).toEqual(['a/cache', 'a/web@m1', 'a/web@m2', 'b/web']);
    expect(names(list(pods, scopeOf(ALL, { fieldSelector: 'status.phase!=Running,metadata.namespace=a' })))).toEqual(['a/api', 'a/db']);
    expect(names(list(pods, scopeOf(ALL, { fieldSelector: 'metadata.name=web' })))).toEqual(['b/web']);
    expect(names(list(pods, scopeOf(ALL, { namespace: 'b' })))).toEqual(['b/job', 'b/web']);
    expect(names(list(pods, scopeOf(['m1', 'm3'])))).toEqual(['a/cache', 'a/db', 'a/web@m1', 'b/job', 'b/web']);
    expect(names(list(pods, scopeOf(ALL, { labelSelector: 'herd.io/cluster=m2' })))).toEqual(['a/api', 'a/web@m2']);
    expect(names(list(pods, scopeOf(['m1'], { labelSelector: 'herd.io/cluster=m2' })))).toEqual([]);
    expect(names(list(pods, scopeOf(ALL, { labelSelector: 'herd.io/cluster!=m1', namespace: 'a' })))).toEqual(['a/api', 'a/cache', 'a/web@m2']);
  });

  it('pages across members with limit and continue: every object exactly once, for every page size', () => {
    const all = names(list(pods, scopeOf(ALL)));
    for (let limit = 1; limit <= 8; limit++) {
      const paged = pages(pods, scopeOf(ALL), limit);
      expect(paged.items, `limit ${limit}`).toEqual(all);
      expect(paged.pages).toBe(Math.max(1, Math.ceil(all.length / limit)));
    }
    const web = names(list(pods, scopeOf(ALL, { labelSelector: 'app=web' })));
    expect(pages(pods, scopeOf(ALL, { labelSelector: 'app=web' }), 2).items).toEqual(web);
    expect(pages(pods, scopeOf(ALL, { namespace: 'b' }), 1).items).toEqual(['b/job', 'b/web']);
  });

  it('gives no continue token on the last page, nor on an exact fit', () => {
    expect(list(pods, scopeOf(ALL), json, { limit: 7 }).metadata.continue).toBeUndefined();
    expect(list(pods, scopeOf(ALL), json, { limit: 6 }).metadata.continue).toBeDefined();
    expect(list(pods, scopeOf(ALL, { namespace: 'zzz' }), json, { limit: 1 })).toMatchObject({ items: [], metadata: { resourceVersion: pods.currentToken() } });
  });

  it('answers 410 with a fresh token to a continue token of another cache, and 400 to a malformed one', async () => {
    const first = list(pods, scopeOf(ALL), json, { limit: 3 });
    const restarted = await syncedResource([m1, m2, m3], 'pods', 'Pod');
    try {
      const err = caught(() => list(restarted, scopeOf(ALL), json, { continue: first.metadata.continue! }));
      expect(err.code).toBe(410);
      expect(err.reason).toBe('Expired');
      const fresh = err.status.metadata.continue!;
      expect(fresh).toBeTruthy();
      // The fresh token continues after the same item, in the restarted cache.
      const rest = list(restarted, scopeOf(ALL), json, { continue: fresh });
      expect([...names(first), ...names(rest)]).toEqual(names(list(pods, scopeOf(ALL))));
    } finally {
      await restarted.stop();
    }
    expect(caught(() => list(pods, scopeOf(ALL), json, { continue: 'garbage' })).code).toBe(400);
    expect(caught(() => list(pods, scopeOf(ALL), json, { limit: 2, continue: 'garbage' })).code).toBe(400);
  });

  it('prints a Table with CLUSTER after NAME and the Age as of the list', () => {
    const now = Date.parse('2024-01-02T03:00:00Z');
    const t = JSON.parse([...viewList(pods, scopeOf(ALL, { namespace: 'a' }), asTable('None'), { now })].join('')) as Table;
    expect(t.kind).toBe('Table');
    expect(t.metadata.resourceVersion).toBe(pods.currentToken());
    expect(t.columnDefinitions!.map((c) => c.name)).toEqual(['Name', 'Cluster', 'Ready', 'Status', 'Restarts', 'Age', 'IP']);
    expect(t.rows.map((r) => r.cells)).toEqual([
      ['api', 'm2', '1/1', 'Failed', '0', '27h', '<none>'],
      ['cache', 'm3', '1/1', 'Running', '0', '27h', '<none>'],
      ['db', 'm1', '1/1', 'Pending', '0', '27h', '<none>'],
      ['web@m1', 'm1', '1/1', 'Running', '0', '27h', '<none>'],
      ['web@m2', 'm2', '1/1', 'Running', '0', '27h', '<none>'],
    ]);
    expect(t.rows.every((r) => r.object === undefined)).toBe(true);
    const paged = JSON.parse([...viewList(pods, scopeOf(ALL), asTable('Object'), { now, limit: 2 })].join('')) as Table;
    expect(paged.rows).toHaveLength(2);
    expect(paged.metadata.continue).toBeTruthy();
    expect(paged.rows[0]!.object).toMatchObject({ kind: 'Pod', metadata: { name: 'api', labels: { 'herd.io/cluster': 'm2' } } });
    const meta = JSON.parse([...viewList(pods, scopeOf(ALL), asTable('Metadata'), { now })].join('')) as Table;
    expect(meta.rows[0]!.object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'api' } });
  });

  it('lists as PartialObjectMetadataList', () => {
    const body = list(pods, scopeOf(ALL, { namespace: 'b' }), { target: { mediaType: 'application/json', as: 'PartialObjectMetadataList' }, includeObject: 'Metadata' });
    expect(body.kind).toBe('PartialObjectMetadataList');
    expect(body.items.map((i) => [i.kind, i.metadata.name])).toEqual([
      ['PartialObjectMetadata', 'job'],
      ['PartialObjectMetadata', 'web'],
    ]);
    expect(body.items[0]).not.toHaveProperty('spec');
  });

  it('streams a big list in chunks that join into one document', async () => {
    for (let i = 0; i < 1_200; i++) m1.put(CM, configMap('big', `cm-${String(i).padStart(4, '0')}`));
    const cms = await syncedResource([m1], 'configmaps', 'ConfigMap');
    try {
      const chunks = [...viewList(cms, scopeOf(['m1']), json)];
      expect(chunks.length).toBe(4);
      const body = JSON.parse(chunks.join('')) as ListBody;
      expect(body.items).toHaveLength(1_200);
      expect(body.items[1_199]!.metadata.name).toBe('cm-1199');
      // Paged, the same big list comes whole.
      const paged = pages(cms, scopeOf(['m1']), 500);
      expect(paged.pages).toBe(3);
      expect(new Set(paged.items).size).toBe(1_200);
    } finally {
      await cms.stop();
    }
  });

  it('pages on through changes: every object that stays comes exactly once, new ones past the cursor too', async () => {
    const before = names(list(pods, scopeOf(ALL)));
    const first = list(pods, scopeOf(ALL), json, { limit: 2 });
    expect(names(first)).toEqual(['a/api', 'a/cache']);
    // Between pages: an object before the cursor, one after it, and one removed after it (its twin is renamed).
    m1.put(PODS, pod('a', 'aaa'));
    m3.put(PODS, pod('b', 'zzz'));
    m2.remove(PODS, 'a', 'web');
    await vi.waitFor(() => expect(pods.get('m3', 'b', 'zzz') && pods.get('m1', 'a', 'aaa') && !pods.get('m2', 'a', 'web')).toBeTruthy(), { interval: 5 });
    const rest: string[] = [];
    let token = first.metadata.continue;
    while (token) {
      const body = list(pods, scopeOf(ALL), json, { limit: 2, continue: token });
      rest.push(...names(body));
      token = body.metadata.continue;
    }
    expect([...names(first), ...rest]).toEqual(['a/api', 'a/cache', 'a/db', 'a/web', 'b/job', 'b/web', 'b/zzz']);

    m1.remove(PODS, 'a', 'aaa');
    m3.remove(PODS, 'b', 'zzz');
    m2.put(PODS, pod('a', 'web', { labels: { app: 'web' }, creationTimestamp: CREATED }));
    await vi.waitFor(() => expect(names(list(pods, scopeOf(ALL)))).toEqual(before), { interval: 5 });
  });
});
