import { describe, expect, it } from 'vitest';
import { addFakeMember, FakeNetworkClient, fakeNetwork } from './fake-member.fixture.js';
import { probeMember } from './member-probe.js';

const ORIGIN = 'https://m1.invalid:6443';

function setup(init: Parameters<typeof addFakeMember>[2] = {}, token = 'member-token') {
  const mock = fakeNetwork();
  const member = addFakeMember(mock, ORIGIN, init);
  const client = new FakeNetworkClient({ server: ORIGIN, token }, mock);
  return { member, client };
}

describe('probeMember', () => {
  it('reads version, discovery and the node and resource summaries of a healthy member', async () => {
    const { client, member } = setup();
    const r = await probeMember(client, { timeoutMs: 1000, discovery: true });
    expect(r.failure).toBeUndefined();
    expect(r.kubernetesVersion).toBe('v1.36.3');
    expect(r.apiEnablements).toEqual([
      { groupVersion: 'v1', resources: [{ name: 'pods', kind: 'Pod' }, { name: 'configmaps', kind: 'ConfigMap' }] },
      { groupVersion: 'apps/v1', resources: [{ name: 'deployments', kind: 'Deployment' }] },
    ]);
    expect(r.discoveryNotes?.join()).toContain('metrics.k8s.io/v1beta1');
    expect(r.nodeSummary).toEqual({ total: 2, ready: 2 });
    expect(r.resourceSummary).toEqual({ allocatable: { cpu: '16000m', memory: String(64 * 2 ** 30), pods: 220 }, allocated: { cpu: '500m', memory: String(2 ** 30), pods: 1 } });
    expect(member.calls[0]).toBe('GET /readyz');
    expect(member.calls).toContain('GET /api/v1/nodes?limit=500');
  });

  it('skips discovery when not asked', async () => {
    const { client, member } = setup();
    const r = await probeMember(client, { timeoutMs: 1000, discovery: false });
    expect(r.apiEnablements).toBeUndefined();
    expect(member.calls.some((c) => c.startsWith('GET /apis'))).toBe(false);
  });

  it.each([
    ['an unreachable member', { down: true }, 'member-token', { kind: 'Unreachable', message: 'connect ECONNREFUSED m1.invalid:6443' }],
    ['a member that is not ready', { readyz: 500 }, 'member-token', { kind: 'NotReady', message: '/readyz answered 500 Internal Server Error' }],
    ['a refused token', {}, 'wrong-token', { kind: 'Unauthorized', message: '401 Unauthorized' }],
    ['credentials taken as anonymous', { anonymous: true }, 'member-token', { kind: 'Unauthorized', message: expect.stringContaining('system:anonymous') }],
  ])('fails for %s', async (_name, init, token, failure) => {
    const { client } = setup(init, token);
    const r = await probeMember(client, { timeoutMs: 1000, discovery: true });
    expect(r.failure).toEqual(failure);
    expect(JSON.stringify(r)).not.toContain(token);
  });

  it('stays healthy when nodes cannot be listed, and says why', async () => {
    const { client } = setup({ nodesForbidden: true });
    const r = await probeMember(client, { timeoutMs: 1000, discovery: false });
    expect(r.failure).toBeUndefined();
    expect(r.nodeSummary).toBeUndefined();
    expect(r.notes).toEqual(['node and pod summary: GET /api/v1/nodes: 403 Forbidden: nodes is forbidden: User "herd" cannot list resource "nodes" in API group "" at the cluster scope']);
  });
});
