import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thrownStatusError } from '../apimachinery/thrown-status-error.js';
import { FakeTableMember, pod, POD_PRINTER, scopeOf, startMembers, syncedResource } from './fake-table-member.fixture.js';
import type { MergedResource } from './merged-resource.js';
import { entryFields, findEntry, scopeMatcher } from './view-scope.js';

const PODS = '/api/v1/pods';
const ALL = ['m1', 'm2', 'm3'];

let members: FakeTableMember[];
let pods: MergedResource;

beforeAll(async () => {
  const [m1, m2, m3] = await startMembers(['m1', 'm2', 'm3'], { [PODS]: POD_PRINTER });
  members = [m1, m2, m3];
  m1.put(PODS, pod('a', 'web', { labels: { app: 'web' }, nodeName: 'n1' }));
  m2.put(PODS, pod('a', 'web', { labels: { app: 'web' }, phase: 'Pending' }));
  m1.put(PODS, pod('a', 'db', { labels: { app: 'db' } }));
  m3.put(PODS, pod('b', 'job', { phase: 'Succeeded' }));
  pods = await syncedResource(members, 'pods', 'Pod');
});

afterAll(async () => {
  await pods.stop();
  await Promise.all(members.map((m) => m.close()));
});

const caught = thrownStatusError;

const matching = (o: Parameters<typeof scopeOf>[1], clusters = ALL) => {
  const m = scopeMatcher(pods, scopeOf(clusters, o));
  return [...pods.sorted()].filter(m).map((e) => `${e.namespace}/${e.servedName}`);
};

describe('scopeMatcher', () => {
  it('applies namespace, allowed members, label and field selectors', () => {
    expect(matching({})).toEqual(['a/db', 'a/web@m1', 'a/web@m2', 'b/job']);
    expect(matching({ namespace: 'b' })).toEqual(['b/job']);
    expect(matching({}, ['m2', 'm3'])).toEqual(['a/web@m2', 'b/job']);
    expect(matching({ labelSelector: 'app=web' })).toEqual(['a/web@m1', 'a/web@m2']);
    expect(matching({ labelSelector: '!app' })).toEqual(['b/job']);
    expect(matching({ fieldSelector: 'status.phase=Running' })).toEqual(['a/db', 'a/web@m1']);
    expect(matching({ fieldSelector: 'status.phase!=Running,metadata.namespace=a' })).toEqual(['a/web@m2']);
    expect(matching({ fieldSelector: 'spec.nodeName=n1' })).toEqual(['a/web@m1']);
    // metadata.name is the name as served.
    expect(matching({ fieldSelector: 'metadata.name=web@m2' })).toEqual(['a/web@m2']);
    expect(matching({ fieldSelector: 'metadata.name=web' })).toEqual([]);
  });

  it('narrows to members by the herd.io/cluster label, within the allowed ones', () => {
    expect(matching({ labelSelector: 'herd.io/cluster=m1' })).toEqual(['a/db', 'a/web@m1']);
    expect(matching({ labelSelector: 'herd.io/cluster in (m2,m3)' })).toEqual(['a/web@m2', 'b/job']);
    expect(matching({ labelSelector: 'herd.io/cluster!=m1' })).toEqual(['a/web@m2', 'b/job']);
    expect(matching({ labelSelector: 'herd.io/cluster notin (m1,m2)' })).toEqual(['b/job']);
    expect(matching({ labelSelector: 'herd.io/cluster=m1,app=web' })).toEqual(['a/web@m1']);
    expect(matching({ labelSelector: 'herd.io/cluster=m1' }, ['m2', 'm3'])).toEqual([]);
  });
});

describe('entryFields', () => {
  it('gives the served name, the namespace and the stored fields', () => {
    const e = pods.get('m1', 'a', 'web')!;
    expect(entryFields(pods, e)).toMatchObject({ 'metadata.name': 'web@m1', 'metadata.namespace': 'a', 'spec.nodeName': 'n1', 'status.phase': 'Running' });
  });
});

describe('findEntry', () => {
  it('finds a unique name, and any name as name@cluster', () => {
    expect(findEntry(pods, { namespace: 'a', clusters: new Set(ALL) }, 'db').cluster).toBe('m1');
    expect(findEntry(pods, { namespace: 'a', clusters: new Set(ALL) }, 'web@m2').cluster).toBe('m2');
    expect(findEntry(pods, { namespace: 'a', clusters: new Set(ALL) }, 'db@m1').name).toBe('db');
  });

  it('answers 409 naming the clusters and what to do for a name in several members', () => {
    const err = caught(() => findEntry(pods, { namespace: 'a', clusters: new Set(ALL) }, 'web'));
    expect(err.code).toBe(409);
    expect(err.message).toContain('m1, m2');
    expect(err.message).toContain('"web@m1"');
    expect(err.message).toContain('-l herd.io/cluster=m1');
    expect(err.message).toContain('clusters/m1/proxy');
  });

  it('looks only at the members the caller may read', () => {
    expect(findEntry(pods, { namespace: 'a', clusters: new Set(['m2']) }, 'web').cluster).toBe('m2');
    expect(caught(() => findEntry(pods, { namespace: 'a', clusters: new Set(['m2']) }, 'web@m1')).code).toBe(404);
    expect(caught(() => findEntry(pods, { namespace: 'a', clusters: new Set(['m3']) }, 'db')).code).toBe(404);
    expect(caught(() => findEntry(pods, { namespace: 'b', clusters: new Set(ALL) }, 'web')).code).toBe(404);
  });
});
