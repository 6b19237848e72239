import { KWOK_NODE_ANNOTATION } from './component-args.js';
import type { ClusterRecord } from './fleet-state.js';
import { tlsRequest, type TlsFiles } from './tls-request.js';

export interface NodeShape {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: string;
}

export const DEFAULT_NODE_SHAPE: NodeShape = { cpu: '8', memory: '32Gi', pods: '110' };

/** A Node that kwok simulates: annotated for kwok, labelled with the member's topology, with allocatable resources set. */
export function simulatedNode(name: string, cluster: Pick<ClusterRecord, 'region' | 'zone'>, shape: NodeShape = DEFAULT_NODE_SHAPE): object {
  const resources = { cpu: shape.cpu, memory: shape.memory, pods: shape.pods };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
        ...(cluster.region ? { 'topology.kubernetes.io/region': cluster.region } : {}),
        ...(cluster.zone ? { 'topology.kubernetes.io/zone': cluster.zone } : {}),
      },
    },
    status: { allocatable: resources, capacity: resources, nodeInfo: { architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'kwok' } },
  };
}

function clientTls(c: ClusterRecord): TlsFiles {
  return { caFile: c.caFile, certFile: c.clientCertFile, keyFile: c.clientKeyFile };
}

/** Creates `count` simulated nodes in a member (an existing node is left as it is). */
export async function createSimulatedNodes(cluster: ClusterRecord, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `kwok-node-${i}`);
  for (const name of names) {
    const res = await tlsRequest(`${cluster.server}/api/v1/nodes`, clientTls(cluster), {
      method: 'POST',
      body: JSON.stringify(simulatedNode(name, cluster)),
    });
    if (res.status !== 201 && res.status !== 409) throw new Error(`${cluster.name}: creating node ${name} answered ${res.status}: ${res.body}`);
  }
  return names;
}

/** Number of nodes whose Ready condition is True. */
export async function readyNodeCount(cluster: ClusterRecord): Promise<number> {
  const res = await tlsRequest(`${cluster.server}/api/v1/nodes`, clientTls(cluster));
  if (res.status !== 200) return 0;
  const list = JSON.parse(res.body) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] };
  return list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}
