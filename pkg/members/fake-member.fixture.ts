// A member cluster's apiserver faked with undici's MockAgent, for the unit tests of the probe and the fleet.
import { MockAgent } from 'undici';
import { ClusterClient, type ClusterConnection } from './cluster-client.js';
import type { NodeFacts, PodFacts } from './resource-summary.js';

export interface FakeMember {
  /** No answer at all: every call fails with ECONNREFUSED. */
  down: boolean;
  readyz: number;
  /** The bearer token the member accepts; any other gets 401. */
  token: string;
  /** The member takes every caller as system:anonymous (an untrusted client certificate). */
  anonymous: boolean;
  gitVersion: string;
  nodes: NodeFacts[];
  pods: PodFacts[];
  /** Herd's user may not list nodes (403). */
  nodesForbidden: boolean;
  /** `METHOD path` of every call, in order. */
  readonly calls: string[];
}

const status = (code: number, reason: string, message: string) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

export const readyNode = (name: string): NodeFacts => ({
  metadata: { name },
  status: { allocatable: { cpu: '8', memory: '32Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});

/** Adds a member at `origin` (such as https://m1.invalid:6443) to `mock`; change the returned state to change it. */
export function addFakeMember(mock: MockAgent, origin: string, init: Partial<Omit<FakeMember, 'calls'>> = {}): FakeMember {
  const m: FakeMember = {
    down: false,
    readyz: 200,
    token: 'member-token',
    anonymous: false,
    gitVersion: 'v1.36.3',
    nodes: [readyNode('n1'), readyNode('n2')],
    nodesForbidden: false,
    pods: [{ spec: { nodeName: 'n1', containers: [{ resources: { requests: { cpu: '500m', memory: '1Gi' } } }] } }],
    ...init,
    calls: [],
  };
  mock
    .get(origin)
    .intercept({ path: () => true, method: () => true })
    .reply((opts) => {
      const path = String(opts.path);
      m.calls.push(`${opts.method} ${path}`);
      if (m.down) {
        const err = new Error(`connect ECONNREFUSED ${new URL(origin).host}`) as Error & { code: string };
        err.code = 'ECONNREFUSED';
        throw err;
      }
      const headers = (opts.headers ?? {}) as Record<string, string>;
      if (!m.anonymous && headers.authorization !== `Bearer ${m.token}`) return { statusCode: 401, data: status(401, 'Unauthorized', 'Unauthorized') };
      const [p] = path.split('?');
      if (p === '/readyz') return { statusCode: m.readyz, data: m.readyz === 200 ? 'ok' : '[-]etcd failed: reason withheld' };
      if (p === '/apis/authentication.k8s.io/v1/selfsubjectreviews') {
        return { statusCode: 201, data: JSON.stringify({ status: { userInfo: { username: m.anonymous ? 'system:anonymous' : 'herd', groups: [] } } }) };
      }
      if (m.anonymous) return { statusCode: 403, data: status(403, 'Forbidden', `${p} is forbidden: User "system:anonymous" cannot get path`) };
      if (p === '/version') return { statusCode: 200, data: JSON.stringify({ gitVersion: m.gitVersion }) };
      if (p === '/api/v1') return { statusCode: 200, data: JSON.stringify({ resources: [{ name: 'pods', kind: 'Pod' }, { name: 'pods/log', kind: 'Pod' }, { name: 'configmaps', kind: 'ConfigMap' }] }) };
      if (p === '/apis') {
        const groups = [
          { name: 'apps', versions: [{ groupVersion: 'apps/v1' }], preferredVersion: { groupVersion: 'apps/v1' } },
          { name: 'metrics.k8s.io', versions: [{ groupVersion: 'metrics.k8s.io/v1beta1' }], preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1' } },
        ];
        return { statusCode: 200, data: JSON.stringify({ groups }) };
      }
      if (p === '/apis/apps/v1') return { statusCode: 200, data: JSON.stringify({ resources: [{ name: 'deployments', kind: 'Deployment' }, { name: 'deployments/scale', kind: 'Scale' }] }) };
      if (p === '/apis/metrics.k8s.io/v1beta1') return { statusCode: 503, data: status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request') };
      if (p === '/api/v1/nodes' && m.nodesForbidden) return { statusCode: 403, data: status(403, 'Forbidden', 'nodes is forbidden: User "herd" cannot list resource "nodes" in API group "" at the cluster scope') };
      if (p === '/api/v1/nodes') return { statusCode: 200, data: JSON.stringify({ items: m.nodes, metadata: {} }) };
      if (p === '/api/v1/pods' && decodeURIComponent(path).includes('fieldSelector=status.phase!=Succeeded,status.phase!=Failed')) {
        return { statusCode: 200, data: JSON.stringify({ items: m.pods, metadata: {} }) };
      }
      return { statusCode: 404, data: status(404, 'NotFound', 'the server could not find the requested resource') };
    })
    .persist();
  return m;
}

/** A MockAgent that refuses real connections. */
export function fakeNetwork(): MockAgent {
  const mock = new MockAgent();
  mock.disableNetConnect();
  return mock;
}

/** A client on the fake network; closing it leaves the shared MockAgent open. */
export class FakeNetworkClient extends ClusterClient {
  closed = false;
  constructor(connection: ClusterConnection, mock: MockAgent) {
    super(connection, { dispatcher: mock });
  }
  override async close(): Promise<void> {
    this.closed = true;
  }
}
