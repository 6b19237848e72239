import { afterEach, describe, expect, it } from 'vitest';
import { GROUP, VERSION, memberClusterDefinition, type MemberCluster } from '../../api/federation/v1alpha1/index.js';
import { nowTimestamp } from '../registry/object-meta.js';
import { ApiGroupRegistry } from '../registry/api-group-registry.js';
import type { ResourceStore } from '../registry/resource-store.js';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import { CredentialStoreError } from './credential-store-error.js';
import { describeRef, type CredentialRef, type CredentialStore, type MemberCredentials } from './credential-store.js';
import { addFakeMember, FakeNetworkClient, fakeNetwork, type FakeMember } from './fake-member.fixture.js';
import { memberClusterStrategy } from './member-cluster-strategy.js';
import { MemberFleet } from './member-fleet.js';

const SECRET_TOKEN = 'tok-3f9a-very-secret';
const ROTATED_TOKEN = 'tok-rotated-also-secret';

/** Credentials in memory, counting reads. */
class MemoryCredentials implements CredentialStore {
  readonly data = new Map<string, MemberCredentials>();
  reads = 0;
  async read(ref: CredentialRef): Promise<MemberCredentials> {
    this.reads++;
    const c = this.data.get(describeRef(ref));
    if (!c) throw new CredentialStoreError('NotFound', `Secret ${describeRef(ref)} not found on the host`);
    return c;
  }
  async write(ref: CredentialRef, creds: MemberCredentials): Promise<void> {
    this.data.set(describeRef(ref), creds);
  }
  async remove(ref: CredentialRef): Promise<void> {
    this.data.delete(describeRef(ref));
  }
}

async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what = 'condition'): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const memberCluster = (name: string, origin: string): { object: MemberCluster } => ({
  object: {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'MemberCluster',
    metadata: { name },
    spec: {
      apiEndpoint: origin,
      secretRef: { namespace: 'herd-system', name: `member-${name}` },
      region: 'eu-west',
      zone: 'eu-west-a',
      healthCheck: { periodSeconds: 3600 },
    },
  },
});

async function setup(members: Record<string, Partial<Omit<FakeMember, 'calls'>>> = { 'member-1': {} }) {
  const storage = new SqliteStorage({ path: ':memory:' });
  const registry = new ApiGroupRegistry(GROUP, VERSION, storage);
  const store: ResourceStore = registry.add(memberClusterDefinition, memberClusterStrategy).store;
  const network = fakeNetwork();
  const credentials = new MemoryCredentials();
  const fakes: Record<string, FakeMember> = {};
  for (const [name, init] of Object.entries(members)) {
    const origin = `https://${name}.invalid:6443`;
    fakes[name] = addFakeMember(network, origin, { token: SECRET_TOKEN, ...init });
    await credentials.write({ namespace: 'herd-system', name: `member-${name}` }, { token: SECRET_TOKEN });
    await store.create(undefined, memberCluster(name, origin));
  }
  let clock = Date.parse('2026-07-01T10:00:00Z');
  const logs: string[] = [];
  const changes: string[] = [];
  const clients: FakeNetworkClient[] = [];
  const fleet = new MemberFleet({
    store,
    credentials,
    now: () => clock,
    log: (msg, err) => logs.push(`${msg}${err instanceof Error ? `: ${err.message}` : err === undefined ? '' : `: ${String(err)}`}`),
    createClient: (_name, connection) => {
      const c = new FakeNetworkClient(connection, network);
      clients.push(c);
      return c;
    },
  });
  fleet.onChange((name) => changes.push(name));
  cleanups.push(async () => {
    await fleet.stop();
    await storage.close();
  });
  const read = async (name: string) => JSON.parse((await store.get(undefined, name)).json) as MemberCluster;
  const condition = async (name: string, type: string) => (await read(name)).status?.conditions?.find((c) => c.type === type);
  /** One more probe round of `name`, a minute later (so its status is written whatever it found). */
  const probe = async (name: string) => {
    clock += 61_000;
    const expected = nowTimestamp(new Date(clock));
    fleet.probeSoon(name);
    await waitFor(async () => (await read(name)).status?.lastProbeTime === expected, `a probe of ${name} at ${expected}`);
  };
  await fleet.start();
  return { store, fleet, fakes, credentials, logs, changes, clients, read, condition, probe };
}

/** Every place a credential could leak to: statuses, logs, errors. */
async function expectNoSecrets(t: Awaited<ReturnType<typeof setup>>, ...extra: unknown[]) {
  const statuses = await Promise.all(t.fleet.members().map((m) => t.read(m.name)));
  const text = JSON.stringify([statuses, t.logs, extra.map((e) => (e instanceof Error ? e.message : e))]);
  for (const secret of [SECRET_TOKEN, ROTATED_TOKEN]) expect(text).not.toContain(secret);
}

describe('MemberFleet', () => {
  it('probes a new member and writes Ready, version, APIs and capacity to its status', async () => {
    const t = await setup();
    const ready = await waitFor(() => t.condition('member-1', 'Ready'), 'a Ready condition');
    expect(ready).toMatchObject({ status: 'True', reason: 'ClusterReady' });
    const status = (await t.read('member-1')).status!;
    expect(status.kubernetesVersion).toBe('v1.36.3');
    expect(status.apiEnablements?.map((a) => a.groupVersion)).toEqual(['v1', 'apps/v1']);
    expect(status.nodeSummary).toEqual({ total: 2, ready: 2 });
    expect(status.resourceSummary?.allocated).toEqual({ cpu: '500m', memory: String(2 ** 30), pods: 1 });
    const snap = await waitFor(() => t.fleet.get('member-1')?.ready && t.fleet.get('member-1'));
    expect(snap).toMatchObject({
      name: 'member-1',
      ready: true,
      leaving: false,
      unschedulable: false,
      labels: { 'topology.kubernetes.io/region': 'eu-west', 'federation.herd.io/cluster-name': 'member-1' },
    });
    expect(snap.client).toBeInstanceOf(FakeNetworkClient);
    expect(t.changes).toContain('member-1');
    await expectNoSecrets(t);
  });

  it('reports an outage after two failed probes, and recovery after one success', async () => {
    const t = await setup();
    await waitFor(async () => (await t.condition('member-1', 'Ready'))?.status === 'True');
    t.fakes['member-1']!.down = true;
    await t.probe('member-1');
    expect(await t.condition('member-1', 'Ready')).toMatchObject({ status: 'True' });
    await t.probe('member-1');
    expect(await t.condition('member-1', 'Ready')).toMatchObject({ status: 'False', reason: 'ClusterOffline', message: 'connect ECONNREFUSED member-1.invalid:6443' });
    expect(await t.condition('member-1', 'Offline')).toMatchObject({ status: 'True', reason: 'Unreachable' });
    const down = await waitFor(() => !t.fleet.get('member-1')?.ready && t.fleet.get('member-1'));
    expect(down.notReadySince).toBe((await t.condition('member-1', 'Ready'))?.lastTransitionTime);
    expect(t.logs.some((l) => l.includes('member-1 is not Ready: ClusterOffline'))).toBe(true);

    t.fakes['member-1']!.down = false;
    await t.probe('member-1');
    expect(await t.condition('member-1', 'Ready')).toMatchObject({ status: 'True', reason: 'ClusterReady' });
    expect(await t.condition('member-1', 'Offline')).toMatchObject({ status: 'False' });
    await waitFor(() => t.fleet.get('member-1')?.ready);
    await expectNoSecrets(t);
  });

  it('marks refused credentials, re-reads them, and recovers with a new client once they are rotated', async () => {
    const t = await setup();
    await waitFor(async () => (await t.condition('member-1', 'Ready'))?.status === 'True');
    const firstClient = t.fleet.get('member-1')!.client as FakeNetworkClient;
    t.fakes['member-1']!.token = ROTATED_TOKEN;
    await t.probe('member-1');
    await t.probe('member-1');
    expect(await t.condition('member-1', 'Ready')).toMatchObject({ status: 'False', reason: 'CredentialsInvalid', message: '401 Unauthorized' });
    expect(await t.condition('member-1', 'CredentialsInvalid')).toMatchObject({ status: 'True', reason: 'Unauthorized' });
    const readsBefore = t.credentials.reads;

    await t.credentials.write({ namespace: 'herd-system', name: 'member-member-1' }, { token: ROTATED_TOKEN });
    await t.probe('member-1');
    expect(t.credentials.reads).toBeGreaterThan(readsBefore);
    await t.probe('member-1');
    expect(await t.condition('member-1', 'Ready')).toMatchObject({ status: 'True' });
    const snap = await waitFor(() => t.fleet.get('member-1')?.ready && t.fleet.get('member-1'));
    expect(snap.client).not.toBe(firstClient);
    expect(firstClient.closed).toBe(true);
    await expectNoSecrets(t);
  });

  it('treats credentials the member takes as anonymous as invalid', async () => {
    const t = await setup({ 'member-1': { anonymous: true } });
    const ready = await waitFor(() => t.condition('member-1', 'Ready'));
    expect(ready).toMatchObject({ status: 'False', reason: 'CredentialsInvalid', message: expect.stringContaining('system:anonymous') });
    expect(t.fleet.get('member-1')?.ready).toBe(false);
  });

  it('has no client and is not Ready while its credentials cannot be read, and says which Secret', async () => {
    const t = await setup();
    await waitFor(async () => (await t.condition('member-1', 'Ready'))?.status === 'True');
    await t.credentials.remove({ namespace: 'herd-system', name: 'member-member-1' });
    const mc = await t.read('member-1');
    // Any change to the MemberCluster makes Herd read the credentials again.
    await t.store.update(undefined, 'member-1', { object: { ...mc, metadata: { ...mc.metadata, annotations: { touched: 'yes' } } } });
    await waitFor(() => t.fleet.get('member-1')?.client === undefined, 'the client dropped');
    await t.probe('member-1');
    expect(await t.condition('member-1', 'Ready')).toMatchObject({ status: 'False', reason: 'CredentialsInvalid', message: 'Secret herd-system/member-member-1 not found on the host' });
    expect(await t.condition('member-1', 'CredentialsInvalid')).toMatchObject({ status: 'True', reason: 'CredentialsUnavailable' });
    await expectNoSecrets(t);
  });

  it('follows labels, cordon, deletion and removal, and closes the client of a removed member', async () => {
    const t = await setup();
    await waitFor(() => t.fleet.get('member-1')?.ready);
    const client = t.fleet.get('member-1')!.client as FakeNetworkClient;
    let mc = await t.read('member-1');
    t.changes.length = 0;
    await t.store.update(undefined, 'member-1', { object: { ...mc, metadata: { ...mc.metadata, labels: { ...mc.metadata.labels, tier: 'gold' } }, spec: { ...mc.spec, unschedulable: true } } });
    const cordoned = await waitFor(() => t.fleet.get('member-1')?.unschedulable && t.fleet.get('member-1'));
    expect(cordoned.labels.tier).toBe('gold');
    expect(t.changes).toContain('member-1');

    await t.store.delete(undefined, 'member-1');
    await waitFor(() => t.fleet.get('member-1')?.leaving, 'leaving');
    mc = await t.read('member-1');
    expect(mc.metadata.finalizers).toEqual(['federation.herd.io/member-cleanup']);
    await t.store.update(undefined, 'member-1', { object: { ...mc, metadata: { ...mc.metadata, finalizers: [] } } });
    await waitFor(() => t.fleet.get('member-1') === undefined, 'removed');
    await waitFor(() => client.closed, 'client closed');
    expect(t.fleet.members()).toEqual([]);
  });
});
