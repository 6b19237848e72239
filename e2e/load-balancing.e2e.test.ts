import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFleetState } from './controlplane/fleet-state.js';
import { stopComponent } from './fleet/component-outage.js';
import { eventually } from './fleet/eventually.js';
import { kubectl, kubectlOk } from './fleet/kubectl.js';
import { queryDns } from '../pkg/gslb/dns-client.js';

// Acceptance of global load balancing on the local fleet (member-1 eu-west, member-2 us-east, member-3 ap-south):
// a FederatedService placed on all three, whose member copies publish 127.0.0.11/12/13 (the address annotation) and
// carry EndpointSlices the test controls; one GlobalLoadBalancer per strategy; answers read through the decision
// subresource (kubectl get --raw on the host) and Herd's DNS server.
const fleet = inject('fleet');
const host = fleet.hostContext;
const members = fleet.memberContexts.slice(0, 3);
const NS = 'glb-e2e';
const ZONE = 'herd.local';
const ADDRESS: Record<string, string> = { 'member-1': '127.0.0.11', 'member-2': '127.0.0.12', 'member-3': '127.0.0.13' };
const READY_ENDPOINTS: Record<string, number> = { 'member-1': 2, 'member-2': 2, 'member-3': 4 };
const k = (args: readonly string[], input?: string) => kubectlOk(fleet, host, args, input);
const dnsAt = () => readFleetState(fleet.stateDir!)!.herd!.dns!;

/** One tiny HTTP app per member address, so HTTP probes hit something real; stopping one is killing that ingress. */
const apps = new Map<string, Server>();
let appPort = 0;
function startApp(address: string): Promise<void> {
  const server = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end('ok'));
  apps.set(address, server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(appPort, address, () => {
      appPort = (server.address() as { port: number }).port;
      resolve();
    });
  });
}
function stopApp(address: string): Promise<void> {
  const server = apps.get(address);
  apps.delete(address);
  return new Promise((resolve) => {
    server?.closeAllConnections();
    server ? server.close(() => resolve()) : resolve();
  });
}

function endpointSlice(member: string, ready: boolean): string {
  const n = READY_ENDPOINTS[member]!;
  return JSON.stringify({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-e2e', namespace: NS, labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'e2e.herd.io' } },
    addressType: 'IPv4',
    endpoints: Array.from({ length: n }, (_, i) => ({ addresses: [`10.9.${members.indexOf(member)}.${i + 1}`], conditions: { ready } })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  });
}

const GEO = {
  regionDistances: [
    { from: 'eu-west', to: 'us-east', distance: 80 },
    { from: 'eu-west', to: 'ap-south', distance: 70 },
    { from: 'us-east', to: 'ap-south', distance: 140 },
  ],
  clientNetworks: [
    { cidr: '10.1.0.0/16', region: 'eu-west' },
    { cidr: '10.2.0.0/16', region: 'us-east' },
    { cidr: '10.3.0.0/16', region: 'ap-south' },
  ],
};
const FAST = { periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 2 };

function balancer(name: string, strategy: object, healthCheck: object = FAST): object {
  return {
    apiVersion: 'federation.herd.io/v1alpha1',
    kind: 'GlobalLoadBalancer',
    metadata: { name, namespace: NS },
    spec: { backend: { kind: 'FederatedService', name: 'web' }, strategy, ttlSeconds: 5, healthCheck },
  };
}

interface Decision {
  kind: string;
  hostname: string;
  client: { region?: string; regionSource: string };
  failOpen: boolean;
  targets: { cluster: string; addresses: string[]; answered: boolean; explanation: string }[];
  excluded: { cluster: string; reason: string; message: string }[];
}

async function decision(name: string, query = ''): Promise<Decision> {
  return JSON.parse(await k(['get', '--raw', `/apis/federation.herd.io/v1alpha1/namespaces/${NS}/globalloadbalancers/${name}/decision${query}`])) as Decision;
}
const answeredClusters = (d: Decision) => d.targets.filter((t) => t.answered).map((t) => t.cluster).sort();

/** The A records Herd's DNS answers for a balancer, as a sorted list; `subnet` is the client's EDNS subnet. */
async function dnsA(name: string, subnet?: string): Promise<string[]> {
  const { address, port } = dnsAt();
  const r = await queryDns({ server: address, port, name: `${name}.${NS}.${ZONE}`, type: 'A', ...(subnet ? { clientSubnet: { address: subnet, prefixLength: 24 } } : {}), timeoutMs: 2000 });
  expect(r.rcode).toBe('NOERROR');
  return r.answers.filter((a) => a.type === 'A').map((a) => String(a.data)).sort();
}

const addressesOf = (clusters: readonly string[]) => clusters.map((c) => ADDRESS[c]!).sort();

describe.runIf(members.length >= 3 && fleet.stateDir !== undefined)('global load balancing', () => {
  beforeAll(async () => {
    for (const a of Object.values(ADDRESS)) await startApp(a);
    await kubectl(fleet, host, ['create', 'namespace', NS]);
    for (const m of members) await kubectl(fleet, m, ['create', 'namespace', NS]);
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'federation.herd.io/v1alpha1',
      kind: 'FederatedService',
      metadata: { name: 'web', namespace: NS },
      spec: {
        template: { spec: { ports: [{ name: 'http', port: appPort, targetPort: 8080 }] } },
        placement: { clusters: members.map((name) => ({ name })) },
        overrides: members.map((clusterName) => ({
          clusterName,
          patches: [{ op: 'add', path: '/metadata/annotations/federation.herd.io~1gslb-addresses', value: ADDRESS[clusterName] }],
        })),
      },
    }));
    for (const m of members) await kubectlOk(fleet, m, ['apply', '-f', '-'], endpointSlice(m, true));
    const balancers = [
      balancer('rr', { type: 'RoundRobin' }),
      balancer('weighted', { type: 'Weighted', weights: [{ clusterName: 'member-1', weight: 2 }, { clusterName: 'member-2', weight: 1 }] }),
      balancer('failover', { type: 'Failover', failoverOrder: ['member-2', 'member-1', 'member-3'] }),
      balancer('geo', { type: 'Geo', geo: GEO }),
      balancer('capacity', { type: 'Capacity', failoverOrder: ['member-1', 'member-2', 'member-3'], capacity: { minReadyEndpoints: 3 } }),
      balancer('probed', { type: 'RoundRobin' }, { ...FAST, type: 'HTTP', path: '/healthz' }),
    ];
    await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: balancers }));
  });

  afterAll(async () => {
    await kubectl(fleet, host, ['delete', 'namespace', NS, '--wait=false']);
    for (const m of members) await kubectl(fleet, m, ['delete', 'namespace', NS, '--wait=false']);
    for (const a of [...apps.keys()]) await stopApp(a);
  });

  it('every balancer becomes Ready with the three clusters healthy, and kubectl prints it', async () => {
    await k(['wait', '--for=condition=Ready', 'globalloadbalancers', '--all', '-n', NS, '--timeout=90s']);
    const table = await k(['get', 'glb', 'rr', '-n', NS]);
    expect(table).toMatch(/^NAME\s+HOSTNAME\s+STRATEGY\s+HEALTHY\s+READY\s+AGE/);
    expect(table).toMatch(new RegExp(`rr\\s+rr\\.${NS}\\.${ZONE.replace('.', '\\.')}\\s+RoundRobin\\s+3\\s+True`));
    const rr = JSON.parse(await k(['get', 'glb', 'rr', '-n', NS, '-o', 'json'])) as { status: { clusters: { name: string; healthy: boolean; addresses: string[]; readyEndpoints: number }[] } };
    expect(rr.status.clusters.map((c) => [c.name, c.healthy, c.addresses, c.readyEndpoints])).toEqual(members.map((m) => [m, true, [ADDRESS[m]], READY_ENDPOINTS[m]]));
  });

  // Clients: by region in the query (API) and by EDNS client subnet (DNS); `unknown` gives neither.
  const CLIENTS = [
    { client: 'eu-west', query: '?clientRegion=eu-west', subnet: '10.1.4.0' },
    { client: 'us-east', query: '?clientIP=10.2.0.7', subnet: '10.2.4.0' },
    { client: 'ap-south', query: '?clientRegion=ap-south', subnet: '10.3.4.0' },
    { client: 'unknown', query: '', subnet: undefined },
  ] as const;
  const EXPECTED: Record<string, Record<(typeof CLIENTS)[number]['client'], string[]>> = {
    rr: { 'eu-west': ['member-1', 'member-2', 'member-3'], 'us-east': ['member-1', 'member-2', 'member-3'], 'ap-south': ['member-1', 'member-2', 'member-3'], unknown: ['member-1', 'member-2', 'member-3'] },
    failover: { 'eu-west': ['member-2'], 'us-east': ['member-2'], 'ap-south': ['member-2'], unknown: ['member-2'] },
    geo: { 'eu-west': ['member-1'], 'us-east': ['member-2'], 'ap-south': ['member-3'], unknown: ['member-1', 'member-2', 'member-3'] },
    capacity: { 'eu-west': ['member-1', 'member-2'], 'us-east': ['member-1', 'member-2'], 'ap-south': ['member-1', 'member-2'], unknown: ['member-1', 'member-2'] },
  };
  const TABLE = Object.entries(EXPECTED).flatMap(([glb, byClient]) => CLIENTS.map((c) => ({ glb, ...c, expected: byClient[c.client] })));

  it.each(TABLE)('$glb for a client in $client: decision and DNS answer $expected', async ({ glb, query, subnet, expected }) => {
    const d = await decision(glb, query);
    expect(d.kind).toBe('LoadBalancingDecision');
    expect(d.hostname).toBe(`${glb}.${NS}.${ZONE}`);
    expect(answeredClusters(d)).toEqual(expected);
    expect(d.failOpen).toBe(false);
    expect(await dnsA(glb, subnet)).toEqual(addressesOf(expected));
  });

  it('Weighted answers one cluster per query, 2:1, and leaves out the cluster without weight', async () => {
    const d = await decision('weighted');
    expect(d.excluded).toEqual([expect.objectContaining({ cluster: 'member-3', reason: 'ZeroWeight' })]);
    const counts = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const answer = await dnsA('weighted');
      expect(answer).toHaveLength(1);
      counts.set(answer[0]!, (counts.get(answer[0]!) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ [ADDRESS['member-1']!]: 20, [ADDRESS['member-2']!]: 10 });
  });

  /**
   * Polls DNS for `glb` every 100 ms until `done(answer)`; returns the seconds since `start` (the call, by default),
   * and checks on every answer that the clusters in `steady` never left.
   */
  async function timeUntil(glb: string, done: (answer: string[]) => boolean, steady: readonly string[], timeoutMs = 20_000, start = Date.now()): Promise<number> {
    for (;;) {
      const answer = await dnsA(glb);
      for (const s of steady) expect(answer, `answer ${answer.join(',')} lost ${s}`).toContain(ADDRESS[s]);
      if (done(answer)) {
        const seconds = (Date.now() - start) / 1000;
        console.log(`load balancing: ${glb} changed its answer after ${seconds.toFixed(2)} s`);
        return seconds;
      }
      if (Date.now() - start > timeoutMs) throw new Error(`${glb}: still answering ${answer.join(',')} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const BOUND = FAST.periodSeconds * FAST.failureThreshold + 1;

  /**
   * Waits until every balancer is back to its steady answer after a disruption; each balancer runs its own rounds,
   * so one balancer having recovered says nothing of the others.
   */
  async function steadyState(): Promise<void> {
    const all = addressesOf(members).join();
    await eventually('every balancer gives its steady answer', async () =>
      (await dnsA('rr')).join() === all
      && (await dnsA('probed')).join() === all
      && (await dnsA('failover')).join() === ADDRESS['member-2']
      && (await dnsA('geo', '10.3.4.0')).join() === ADDRESS['member-3'], {
      timeoutMs: FAST.periodSeconds * (FAST.successThreshold + 1) * 1000 + 5000,
      intervalMs: 100,
    });
  }

  it(`a killed ingress leaves the answers within period × threshold + 1 s (${BOUND} s) and comes back after recovery`, async () => {
    await steadyState();
    await stopApp(ADDRESS['member-3']!);
    let restarted = false;
    try {
      const gone = await timeUntil('probed', (a) => !a.includes(ADDRESS['member-3']!), ['member-1', 'member-2']);
      expect(gone).toBeLessThanOrEqual(BOUND);
      const d = await decision('probed');
      expect(d.excluded).toEqual([expect.objectContaining({ cluster: 'member-3', reason: 'ProbeFailed' })]);
      await startApp(ADDRESS['member-3']!);
      restarted = true;
    } finally {
      if (!restarted) await startApp(ADDRESS['member-3']!);
    }
    const back = await timeUntil('probed', (a) => a.includes(ADDRESS['member-3']!), ['member-1', 'member-2']);
    // Hysteresis: it needs successThreshold passed rounds, so not before the second round after the restart.
    expect(back).toBeGreaterThanOrEqual((FAST.successThreshold - 1) * FAST.periodSeconds * 0.9);
    expect(back).toBeLessThanOrEqual(FAST.periodSeconds * FAST.successThreshold + 1);
    // The other balancers never saw it: they do not probe.
    expect(await dnsA('rr')).toEqual(addressesOf(members));
    const events = await k(['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=probed', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}']);
    expect(events).toMatch(/ClusterUnhealthy:cluster member-3 is unhealthy: ProbeFailed/);
    expect(events).toMatch(/ClusterHealthy:cluster member-3 is healthy/);
  });

  it(`endpoints turned unready leave the answers within ${BOUND} s and return when ready again`, async () => {
    await steadyState();
    await kubectlOk(fleet, 'member-2', ['apply', '-f', '-'], endpointSlice('member-2', false));
    let restored = false;
    try {
      const gone = await timeUntil('rr', (a) => !a.includes(ADDRESS['member-2']!), ['member-1', 'member-3']);
      expect(gone).toBeLessThanOrEqual(BOUND);
      const d = await decision('rr');
      expect(d.excluded).toEqual([expect.objectContaining({ cluster: 'member-2', reason: 'NoReadyEndpoints' })]);
      // Failover moves to the next cluster in its order once its own rounds have seen the endpoints go.
      await eventually('failover answers member-1', async () => (await dnsA('failover')).join() === ADDRESS['member-1'], {
        timeoutMs: BOUND * 1000,
        intervalMs: 100,
      });
      await kubectlOk(fleet, 'member-2', ['apply', '-f', '-'], endpointSlice('member-2', true));
      restored = true;
    } finally {
      if (!restored) await kubectlOk(fleet, 'member-2', ['apply', '-f', '-'], endpointSlice('member-2', true));
    }
    const back = await timeUntil('rr', (a) => a.includes(ADDRESS['member-2']!), ['member-1', 'member-3']);
    expect(back).toBeLessThanOrEqual(FAST.periodSeconds * FAST.successThreshold + 1);
  });

  it(`a stopped member kube-apiserver leaves the answers within ${BOUND} s; the member returns after recovery`, async () => {
    await steadyState();
    // The clock starts at SIGTERM and the answers are read during the apiserver's graceful shutdown (which may take
    // until the SIGKILL 10 s later), not after it.
    const stoppedAt = Date.now();
    const stopping = stopComponent(fleet.stateDir!, 'member-3/kube-apiserver');
    let restarted = false;
    let outage: Awaited<typeof stopping> | undefined;
    try {
      const gone = await timeUntil('rr', (a) => !a.includes(ADDRESS['member-3']!), ['member-1', 'member-2'], 20_000, stoppedAt);
      outage = await stopping;
      console.log(`load balancing: member-3 kube-apiserver exited ${((Date.now() - stoppedAt) / 1000).toFixed(2)} s after SIGTERM`);
      expect(gone).toBeLessThanOrEqual(BOUND);
      expect((await decision('rr')).excluded).toEqual([expect.objectContaining({ cluster: 'member-3', reason: expect.stringMatching(/^Member(Unreachable|NotReady)$/) })]);
      // ap-south's nearest healthy region is eu-west (70), once geo's own rounds have seen member-3 go.
      await eventually('geo answers ap-south with member-1', async () => (await dnsA('geo', '10.3.4.0')).join() === ADDRESS['member-1'], {
        timeoutMs: BOUND * 1000,
        intervalMs: 100,
      });
      await outage.start();
      restarted = true;
      await timeUntil('rr', (a) => a.includes(ADDRESS['member-3']!), ['member-1', 'member-2'], 60_000);
    } finally {
      if (!restarted) await (outage ?? (await stopping)).start();
    }
    // Each balancer judges on its own cadence: geo takes member-3 back within its own successThreshold rounds.
    await eventually('geo answers ap-south with member-3 again', async () => (await dnsA('geo', '10.3.4.0')).join() === ADDRESS['member-3'], {
      timeoutMs: FAST.periodSeconds * FAST.successThreshold * 1000 + 2000,
      intervalMs: 100,
    });
  });

  it('answers DNS as an authoritative server: SRV, NXDOMAIN, NODATA, REFUSED, TCP', async () => {
    await steadyState();
    const { address, port } = dnsAt();
    const ask = (name: string, type: string, transport: 'udp' | 'tcp' = 'udp') => queryDns({ server: address, port, name, type, transport, timeoutMs: 2000 });
    const srv = await ask(`_http._tcp.failover.${NS}.${ZONE}`, 'SRV');
    expect(srv.rcode).toBe('NOERROR');
    const records = srv.answers.filter((a) => a.type === 'SRV').map((a) => a.data as { priority: number; port: number; target: string });
    expect(records.map((r) => [r.priority, r.target])).toEqual([
      [0, `member-2.failover.${NS}.${ZONE}`],
      [1, `member-1.failover.${NS}.${ZONE}`],
      [2, `member-3.failover.${NS}.${ZONE}`],
    ]);
    expect(records.every((r) => r.port === appPort)).toBe(true);
    expect(srv.additionals.filter((a) => a.type === 'A').map((a) => a.data).sort()).toEqual(addressesOf(members));
    const nx = await ask(`nothing.${NS}.${ZONE}`, 'A');
    expect(nx.rcode).toBe('NXDOMAIN');
    expect(nx.authorities.map((a) => a.type)).toEqual(['SOA']);
    for (const [name, type] of [[`rr.${NS}.${ZONE}`, 'AAAA'], [`rr.${NS}.${ZONE}`, 'TXT'], [`${NS}.${ZONE}`, 'A'], [`rr.${NS}.${ZONE}`, 'UNKNOWN_65280']] as const) {
      const r = await ask(name, type);
      expect([name, type, r.rcode, r.answers.length, r.authorities.map((a) => a.type)]).toEqual([name, type, 'NOERROR', 0, ['SOA']]);
    }
    expect((await ask('example.com', 'A')).rcode).toBe('REFUSED');
    const soa = await ask(ZONE, 'SOA');
    expect(soa.flags.authoritative).toBe(true);
    expect(soa.answers.map((a) => a.type)).toEqual(['SOA']);
    const tcp = await ask(`rr.${NS}.${ZONE}`, 'A', 'tcp');
    expect(tcp.answers.map((a) => a.data).sort()).toEqual(addressesOf(members));
  });

  it('survives malformed, oversized and odd packets, and keeps answering', async () => {
    await steadyState();
    const { address, port } = dnsAt();
    const socket = createSocket('udp4');
    const replies: Buffer[] = [];
    socket.on('message', (msg) => replies.push(msg));
    const send = (b: Buffer) => new Promise<void>((resolve, reject) => socket.send(b, port, address, (err) => (err ? reject(err) : resolve())));
    // A header alone claiming one question; random garbage; 4 KB of junk after a valid header; a response packet.
    const header = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
    await send(header);
    await send(Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919) % 256)));
    await send(Buffer.concat([header, Buffer.alloc(4096, 0xff)]));
    await send(Buffer.from([0xab, 0xcd, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0]));
    await send(Buffer.from([0x01]));
    await new Promise((r) => setTimeout(r, 500));
    socket.close();
    // Every reply to a readable header is FORMERR (rcode 1) with the ID echoed; responses and runts get nothing.
    for (const reply of replies) expect(reply.readUInt8(3) & 0x0f).toBe(1);
    expect(replies.map((r) => r.readUInt16BE(0))).toContain(0x1234);
    expect(replies.some((r) => r.readUInt16BE(0) === 0xabcd)).toBe(false);
    expect(await dnsA('rr')).toEqual(addressesOf(members));
  });

  it('refuses a malformed client IP and unknown balancers with Kubernetes Status errors', async () => {
    const bad = await kubectl(fleet, host, ['get', '--raw', `/apis/federation.herd.io/v1alpha1/namespaces/${NS}/globalloadbalancers/rr/decision?clientIP=not-an-ip`]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/clientIP: Invalid value: "not-an-ip"/);
    const missing = await kubectl(fleet, host, ['get', '--raw', `/apis/federation.herd.io/v1alpha1/namespaces/${NS}/globalloadbalancers/none/decision`]);
    expect(missing.stderr).toMatch(/NotFound|not found/);
    const invalid = await kubectl(fleet, host, ['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'federation.herd.io/v1alpha1',
      kind: 'GlobalLoadBalancer',
      metadata: { name: 'bad', namespace: NS },
      spec: { backend: { kind: 'FederatedService', name: 'web' }, strategy: { type: 'Geo', geo: { clientNetworks: [{ cidr: '10.0.0.0/33', region: 'x' }] } } },
    }));
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toMatch(/spec\.strategy\.geo\.clientNetworks\[0\]\.cidr: Invalid value: "10\.0\.0\.0\/33"/);
  });
});
