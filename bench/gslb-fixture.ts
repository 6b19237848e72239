import { createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { queryDns } from '../pkg/gslb/dns-client.js';
import { tlsRequest } from '../e2e/controlplane/tls-request.js';
import type { BenchMember } from './bench-fleet.js';
import type { HttpPool } from './http-pool.js';

// What the gslb benchmark balances: a FederatedService `web` on 3 members, whose copies publish one address each
// (the address annotation, set per cluster with overrides), EndpointSlices written straight into the members (they
// run no controllers), tiny TCP listeners on those addresses standing in for each cluster's ingress (so the TCP
// probe is real), and a GlobalLoadBalancer `web` over them.

export const GSLB_NAMESPACE = 'bench-gslb';
export const GSLB_ZONE = 'herd.local';
export const GSLB_NAME = 'web';
export const GSLB_HOSTNAME = `${GSLB_NAME}.${GSLB_NAMESPACE}.${GSLB_ZONE}`;
/** The address each member publishes, in member order. */
export const GSLB_ADDRESSES: readonly string[] = ['127.0.0.21', '127.0.0.22', '127.0.0.23'];
export const GSLB_TTL_SECONDS = 5;
/** The issue's health check: failover within period × failureThreshold + one period. */
export const HEALTH_CHECK = { type: 'TCP', periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 2 } as const;
export const GLB_PATH = `/apis/federation.herd.io/v1alpha1/namespaces/${GSLB_NAMESPACE}/globalloadbalancers`;
export const DECISION_PATH = `${GLB_PATH}/${GSLB_NAME}/decision`;
const FEDERATED_SERVICES = `/apis/federation.herd.io/v1alpha1/namespaces/${GSLB_NAMESPACE}/federatedservices`;
const READY_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One TCP listener per address, all on one port: each cluster's ingress, as far as a TCP probe can tell. A connection
 * is accepted and closed at once. `stop(address)` is an ingress kill: the listener closes and every connection with it,
 * so the next probe is refused.
 */
export class Ingresses {
  private readonly servers = new Map<string, { server: Server; sockets: Set<Socket> }>();
  port = 0;

  /** Listens on every address, on one port free on all of them. */
  async startAll(addresses: readonly string[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        for (const a of addresses) await this.start(a);
        return;
      } catch (err) {
        await Promise.all([...this.servers.keys()].map((a) => this.stop(a)));
        this.port = 0;
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw err;
      }
    }
  }

  start(address: string): Promise<void> {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      socket.end();
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, address, () => {
        server.off('error', reject);
        this.port = (server.address() as { port: number }).port;
        this.servers.set(address, { server, sockets });
        resolve();
      });
    });
  }

  stop(address: string): Promise<void> {
    const s = this.servers.get(address);
    this.servers.delete(address);
    if (!s) return Promise.resolve();
    for (const socket of s.sockets) socket.destroy();
    return new Promise((resolve) => s.server.close(() => resolve()));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.servers.keys()].map((a) => this.stop(a)));
  }
}

function endpointSlice(index: number): object {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-bench', namespace: GSLB_NAMESPACE, labels: { 'kubernetes.io/service-name': GSLB_NAME, 'endpointslice.kubernetes.io/managed-by': 'bench.herd.io' } },
    addressType: 'IPv4',
    endpoints: [1, 2].map((i) => ({ addresses: [`10.9.${index}.${i}`], conditions: { ready: true } })),
    ports: [{ name: 'tcp', port: 8080, protocol: 'TCP' }],
  };
}

/** The GlobalLoadBalancer: RoundRobin over the FederatedService, TCP probes of the ingress port every second. */
export function globalLoadBalancer(ingressPort: number): object {
  return {
    apiVersion: 'federation.herd.io/v1alpha1',
    kind: 'GlobalLoadBalancer',
    metadata: { name: GSLB_NAME, namespace: GSLB_NAMESPACE },
    spec: {
      backend: { kind: 'FederatedService', name: GSLB_NAME },
      strategy: { type: 'RoundRobin' },
      ttlSeconds: GSLB_TTL_SECONDS,
      healthCheck: { ...HEALTH_CHECK, port: ingressPort },
    },
  };
}

interface GlbStatus {
  status?: { healthyClusters?: number; conditions?: { type: string; status: string; reason?: string; message?: string }[]; clusters?: { name: string; healthy: boolean; reason?: string; message?: string }[] };
}

/** The A records Herd (or any server) answers for the hostname: sorted, or an error. */
export async function answerOf(server: { address: string; port: number }, timeoutMs = 1000): Promise<string[]> {
  const r = await queryDns({ server: server.address, port: server.port, name: GSLB_HOSTNAME, type: 'A', edns: false, timeoutMs });
  if (r.rcode !== 'NOERROR') throw new Error(`${GSLB_HOSTNAME} A: ${r.rcode}`);
  return r.answers.filter((a) => a.type === 'A').map((a) => String(a.data)).sort();
}

/**
 * Creates the FederatedService (placed on `members`, one address each by override), the EndpointSlices in each
 * member, and the GlobalLoadBalancer; resolves once it is Ready with every cluster healthy and Herd's DNS answers
 * all the addresses. Returns how long that took after the GlobalLoadBalancer was created, in seconds.
 */
export async function createGslbFixture(herd: HttpPool, members: readonly BenchMember[], ingressPort: number, dns: { address: string; port: number }, log: (line: string) => void): Promise<number> {
  await herd.expect(
    {
      method: 'POST',
      path: FEDERATED_SERVICES,
      body: JSON.stringify({
        apiVersion: 'federation.herd.io/v1alpha1',
        kind: 'FederatedService',
        metadata: { name: GSLB_NAME, namespace: GSLB_NAMESPACE },
        spec: {
          template: { spec: { ports: [{ name: 'tcp', port: ingressPort, targetPort: 8080, protocol: 'TCP' }] } },
          placement: { clusters: members.map((m) => ({ name: m.name })) },
          overrides: members.map((m, i) => ({
            clusterName: m.name,
            patches: [{ op: 'add', path: '/metadata/annotations/federation.herd.io~1gslb-addresses', value: GSLB_ADDRESSES[i] }],
          })),
        },
      }),
    },
    201,
  );
  for (const [i, m] of members.entries()) {
    const res = await tlsRequest(`${m.url}/apis/discovery.k8s.io/v1/namespaces/${GSLB_NAMESPACE}/endpointslices`, m.tls, { method: 'POST', body: JSON.stringify(endpointSlice(i)), timeoutMs: 30_000 });
    if (res.status !== 201) throw new Error(`creating the EndpointSlice in ${m.name}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
  }
  log(`created FederatedService ${GSLB_NAMESPACE}/${GSLB_NAME} on ${members.map((m) => m.name).join(', ')} and an EndpointSlice in each`);
  const created = performance.now();
  await herd.expect({ method: 'POST', path: GLB_PATH, body: JSON.stringify(globalLoadBalancer(ingressPort)) }, 201);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  for (;;) {
    const reply = await herd.request({ path: `${GLB_PATH}/${GSLB_NAME}`, keepBody: true });
    const glb = reply.status === 200 ? (JSON.parse(reply.body!.toString('utf8')) as GlbStatus) : undefined;
    const ready = glb?.status?.conditions?.find((c) => c.type === 'Ready');
    const answer = ready?.status === 'True' ? await answerOf(dns).catch((err: unknown) => [String(err)]) : [];
    if (ready?.status === 'True' && glb?.status?.healthyClusters === members.length && GSLB_ADDRESSES.every((a) => answer.includes(a))) break;
    last = JSON.stringify({ ready, clusters: glb?.status?.clusters?.map((c) => `${c.name}:${c.healthy ? 'healthy' : `${c.reason} ${c.message}`}`), answer });
    if (Date.now() > deadline) throw new Error(`GlobalLoadBalancer ${GSLB_NAMESPACE}/${GSLB_NAME} not Ready with ${members.length} healthy clusters within ${READY_TIMEOUT_MS / 1000} s: ${last}`);
    await sleep(100);
  }
  return (performance.now() - created) / 1000;
}
