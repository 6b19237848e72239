import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GROUP, REGION_LABEL, VERSION, staticResourceDefinitions, type GlobalLoadBalancer } from '../../api/federation/v1alpha1/index.js';
import type { ClusterClient } from '../members/cluster-client.js';
import type { MemberSnapshot } from '../members/member-snapshot.js';
import { ApiGroupRegistry } from '../registry/api-group-registry.js';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import type { BackendObservation } from './backend-observer.js';
import { BalancerAnswerSource } from './balancer-answer-source.js';
import { GlobalLoadBalancerController } from './global-load-balancer-controller.js';
import { globalLoadBalancerStrategy } from './global-load-balancer-strategy.js';
import { createGslbMetrics, type GslbMetrics } from './gslb-metrics.js';
import { Registry } from 'prom-client';

const NS = 'shop';
const MEMBERS = [
  ['member-1', 'eu-west', '10.0.0.1'],
  ['member-2', 'us-east', '10.0.0.2'],
  ['member-3', 'ap-south', '10.0.0.3'],
] as const;
const ADDRESS = Object.fromEntries(MEMBERS.map(([n, , a]) => [n, a])) as Record<string, string>;

function snapshot(name: string, region: string): MemberSnapshot {
  return { name, labels: { [REGION_LABEL]: region }, ready: true, leaving: false, unschedulable: false, taints: [], client: { name } as unknown as ClusterClient };
}

/** What each member looks like to one controller: the test flips these between rounds. */
type View = Map<string, BackendObservation>;
const up = (member: string, ready = 2): BackendObservation => ({ found: true, addresses: [ADDRESS[member]!], readyEndpoints: ready, port: 80, source: 'Service annotation' });
const unreachable: BackendObservation = { found: false, reason: 'MemberUnreachable', message: 'connect ECONNREFUSED' };

let dir: string;
let storage: SqliteStorage;
let registry: ApiGroupRegistry;
const controllers: GlobalLoadBalancerController[] = [];

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  dir = mkdtempSync(join(tmpdir(), 'herd-gslb-'));
  storage = new SqliteStorage({ path: join(dir, 'herd.db') });
  registry = new ApiGroupRegistry(GROUP, VERSION, storage);
  for (const def of staticResourceDefinitions) registry.add(def, def.plural === 'globalloadbalancers' ? globalLoadBalancerStrategy : {});
});

afterEach(async () => {
  for (const c of controllers.splice(0)) await c.stop();
  vi.useRealTimers();
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

function controller(view: View, metrics?: GslbMetrics): GlobalLoadBalancerController {
  const c = new GlobalLoadBalancerController({
    ...(metrics ? { metrics } : {}),
    store: registry.get('globalloadbalancers')!.store,
    fleet: { members: () => MEMBERS.map(([n, r]) => snapshot(n, r)) },
    resolveBackend: async () => ({ placed: new Set(MEMBERS.map(([n]) => n)), ref: { namespace: NS, serviceName: 'web' } }),
    zone: 'herd.local',
    observe: async (client) => view.get((client as unknown as { name: string }).name) ?? unreachable,
  });
  controllers.push(c);
  c.start();
  return c;
}

async function create(spec: Partial<GlobalLoadBalancer['spec']> = {}): Promise<void> {
  const glb = {
    apiVersion: 'federation.herd.io/v1alpha1',
    kind: 'GlobalLoadBalancer',
    metadata: { name: 'web', namespace: NS },
    spec: { backend: { kind: 'FederatedService', name: 'web' }, healthCheck: { periodSeconds: 1, failureThreshold: 3, successThreshold: 2 }, ...spec },
  };
  await registry.get('globalloadbalancers')!.store.create(NS, { object: glb });
}

async function stored(): Promise<GlobalLoadBalancer> {
  return JSON.parse((await registry.get('globalloadbalancers')!.store.get(NS, 'web')).json) as GlobalLoadBalancer;
}

/** Lets `n` rounds of one second run. */
async function rounds(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await vi.advanceTimersByTimeAsync(1000);
}

const answered = async (c: GlobalLoadBalancerController, query = {}) => (await c.decision(NS, 'web', query))!.targets.filter((t) => t.answered).map((t) => t.cluster).sort();
const dnsA = (c: GlobalLoadBalancerController, name = `web.${NS}.herd.local`) => {
  const r = new BalancerAnswerSource(c).lookup({ name, type: 'A', clientAddress: '192.0.2.1', transport: 'udp' });
  return r.kind === 'answer' ? r.answers.map((a) => (a.data as { address: string }).address).sort() : r.kind;
};

describe('GlobalLoadBalancerController', () => {
  it('judges every placed cluster, writes the status and answers decisions and DNS', async () => {
    const view: View = new Map(MEMBERS.map(([n]) => [n, up(n)]));
    const c = controller(view);
    await create();
    await rounds(1);
    const glb = await stored();
    expect(glb.status).toMatchObject({ hostname: `web.${NS}.herd.local`, healthyClusters: 3, observedGeneration: 1 });
    expect(glb.status!.clusters!.map((x) => [x.name, x.healthy, x.addresses, x.readyEndpoints, x.reason])).toEqual(MEMBERS.map(([n, , a]) => [n, true, [a], 2, 'Healthy']));
    expect(glb.status!.conditions!.find((x) => x.type === 'Ready')).toMatchObject({ status: 'True', reason: 'Healthy' });
    expect(await answered(c)).toEqual(['member-1', 'member-2', 'member-3']);
    expect(dnsA(c)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(dnsA(c, `${NS}.herd.local`)).toEqual([]);
    expect(dnsA(c, `nothing.${NS}.herd.local`)).toBe('nxdomain');
    expect(dnsA(c, `member-2.web.${NS}.herd.local`)).toEqual(['10.0.0.2']);
  });

  it('drops a failing cluster after failureThreshold rounds and takes it back after successThreshold', async () => {
    const view: View = new Map(MEMBERS.map(([n]) => [n, up(n)]));
    const c = controller(view);
    await create();
    await rounds(1);
    view.set('member-3', unreachable);
    await rounds(2);
    expect(dnsA(c)).toContain('10.0.0.3');
    await rounds(1);
    expect(dnsA(c)).toEqual(['10.0.0.1', '10.0.0.2']);
    const d = (await c.decision(NS, 'web', {}))!;
    expect(d.excluded).toEqual([expect.objectContaining({ cluster: 'member-3', reason: 'MemberUnreachable' })]);
    expect((await stored()).status!.clusters!.find((x) => x.name === 'member-3')).toMatchObject({ healthy: false, reason: 'MemberUnreachable' });
    view.set('member-3', up('member-3'));
    await rounds(1);
    expect(dnsA(c)).toEqual(['10.0.0.1', '10.0.0.2']);
    await rounds(1);
    expect(dnsA(c)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  it('counts decisions by strategy and source, and health transitions', async () => {
    const view: View = new Map(MEMBERS.map(([n]) => [n, up(n)]));
    const registry = new Registry();
    const c = controller(view, createGslbMetrics(registry));
    await create({ strategy: { type: 'Failover' } });
    await rounds(1);
    await c.decision(NS, 'web', {});
    dnsA(c);
    dnsA(c);
    view.set('member-1', unreachable);
    await rounds(3);
    const text = await registry.metrics();
    expect(text).toContain('herd_gslb_decisions_total{strategy="Failover",source="api"} 1');
    expect(text).toContain('herd_gslb_decisions_total{strategy="Failover",source="dns"} 2');
    expect(text).toContain('herd_gslb_health_transitions_total{to="Healthy"} 3');
    expect(text).toContain('herd_gslb_health_transitions_total{to="Unhealthy"} 1');
  });

  it('fails open when no cluster is healthy', async () => {
    const view: View = new Map(MEMBERS.map(([n]) => [n, { ...up(n), readyEndpoints: 0 } as BackendObservation]));
    const c = controller(view);
    await create();
    await rounds(1);
    const d = (await c.decision(NS, 'web', {}))!;
    expect(d.failOpen).toBe(true);
    expect(dnsA(c)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect((await stored()).status!.conditions!.find((x) => x.type === 'Ready')).toMatchObject({ status: 'False', reason: 'NoHealthyClusters' });
  });

  it('gives a claimed hostname to the older GlobalLoadBalancer and tells the other', async () => {
    const c = controller(new Map(MEMBERS.map(([n]) => [n, up(n)])));
    await create({ hostname: 'shop.herd.local', strategy: { type: 'Failover', failoverOrder: ['member-2'] } });
    await vi.advanceTimersByTimeAsync(1000);
    await registry.get('globalloadbalancers')!.store.create(NS, {
      object: { apiVersion: 'federation.herd.io/v1alpha1', kind: 'GlobalLoadBalancer', metadata: { name: 'late', namespace: NS }, spec: { backend: { kind: 'FederatedService', name: 'web' }, hostname: 'shop.herd.local' } },
    });
    await rounds(2);
    expect(dnsA(c, 'shop.herd.local')).toEqual(['10.0.0.2']);
    const late = JSON.parse((await registry.get('globalloadbalancers')!.store.get(NS, 'late')).json) as GlobalLoadBalancer;
    expect(late.status!.conditions!.find((x) => x.type === 'HostnameConflict')).toMatchObject({ status: 'True', message: expect.stringContaining(`${NS}/web`) });
    expect(late.status!.conditions!.find((x) => x.type === 'Ready')).toMatchObject({ status: 'False', reason: 'HostnameConflict' });
  });

  it('split brain: two replicas that see member-2 differently each answer from their own view and do not fight over the status', async () => {
    const seesAll: View = new Map(MEMBERS.map(([n]) => [n, up(n)]));
    const cutOff: View = new Map(MEMBERS.map(([n]) => [n, n === 'member-2' ? unreachable : up(n)]));
    const a = controller(seesAll);
    const b = controller(cutOff);
    const store = registry.get('globalloadbalancers')!.store;
    const writes = vi.spyOn(store, 'update');
    await create();
    await rounds(20);
    expect(dnsA(a)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(dnsA(b)).toEqual(['10.0.0.1', '10.0.0.3']);
    // One first write each, B's again when its threshold turns member-2 unhealthy (and the failure counts on the
    // way there): a handful, not one per round.
    expect(writes.mock.calls.length).toBeLessThanOrEqual(6);
    const before = writes.mock.calls.length;
    await rounds(20);
    expect(writes.mock.calls.length).toBe(before);
  });
});
