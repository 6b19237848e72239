import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed, vi } from 'vitest';
import {
  API_VERSION,
  CLUSTER_NAME_LABEL,
  CONFLICT_RESOLUTION_ANNOTATION,
  FEDERATED_KIND_ANNOTATION,
  FEDERATED_NAME_ANNOTATION,
  GROUP,
  MANAGED_LABEL,
  ORPHAN_ANNOTATION,
  PROPAGATION_FINALIZER,
  RENDERED_HASH_ANNOTATION,
  VERSION,
  staticResourceDefinitions,
  type ClusterPropagationStatus,
  type FederatedObject,
} from '../../api/federation/v1alpha1/index.js';
import type { Condition } from '../../api/meta/object-meta.js';
import type { MemberSnapshot } from '../members/member-fleet.js';
import { memberClusterStrategy } from '../members/member-cluster-strategy.js';
import { ApiGroupRegistry } from '../registry/api-group-registry.js';
import { FederatedTypeSync } from '../registry/federated-type-sync.js';
import type { ResourceStore } from '../registry/resource-store.js';
import { CachedStorage } from '../storage/cached-storage.js';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import { FakeMemberApiserver, statusBody, type RecordedRequest } from './fake-member-apiserver.fixture.js';
import type { FleetView } from './fleet-view.js';
import { PropagationController } from './propagation-controller.js';

const NS = 'demo';
const MEMBERS = ['member-a', 'member-b'] as const;
type MemberName = (typeof MEMBERS)[number];
const CONFIGMAP_PATH = `/api/v1/namespaces/${NS}/configmaps/app`;
const CONFIGMAPS = `/api/v1/namespaces/${NS}/configmaps`;
const FEDERATED_PLURALS = ['federatedconfigmaps', 'federateddeployments', 'federatednamespaces'];

/** The fleet as propagation sees it, changed by the test the way probes change the real one. */
class FakeFleet implements FleetView {
  readonly probed: string[] = [];
  private readonly snapshots = new Map<string, MemberSnapshot>();
  private readonly listeners = new Set<(name: string) => void>();

  constructor(snapshots: readonly MemberSnapshot[]) {
    for (const s of snapshots) this.snapshots.set(s.name, s);
  }

  members(): MemberSnapshot[] {
    return [...this.snapshots.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): MemberSnapshot | undefined {
    return this.snapshots.get(name);
  }

  onChange(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  probeSoon(name: string): void {
    this.probed.push(name);
  }

  refreshDiscovery(): void {}

  /** A new snapshot of one member, announced to the listeners as MemberFleet does. */
  setReady(name: string, ready: boolean): void {
    const { notReadySince: _, ...before } = this.snapshots.get(name)!;
    this.snapshots.set(name, { ...before, ready, ...(ready ? {} : { notReadySince: new Date().toISOString() }) });
    for (const l of this.listeners) l(name);
  }
}

function snapshot(name: string, member: FakeMemberApiserver, ready: boolean): MemberSnapshot {
  return {
    name,
    labels: { [CLUSTER_NAME_LABEL]: name },
    ready,
    ...(ready ? {} : { notReadySince: new Date().toISOString() }),
    leaving: false,
    unschedulable: false,
    taints: [],
    client: member.client,
  };
}

interface Herd {
  readonly controller: PropagationController;
  readonly fleet: FakeFleet;
  readonly members: Readonly<Record<MemberName, FakeMemberApiserver>>;
  store(plural: string): ResourceStore;
}

/**
 * Herd's side, composed as `herd serve` does (sqlite behind the read cache, the registry, FederatedTypeSync serving
 * the default Federated kinds), once per file: compiling every schema is the slow part. Each test gets its own
 * controller, fleet and members, and leaves no Federated object behind.
 */
let herdStorage: { registry: ApiGroupRegistry; close(): Promise<void> } | undefined;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herd-propagation-'));
  const storage = new CachedStorage(new SqliteStorage({ path: join(dir, 'herd.db') }));
  await storage.start();
  const registry = new ApiGroupRegistry(GROUP, VERSION, storage);
  for (const def of staticResourceDefinitions) registry.add(def, def.plural === 'memberclusters' ? memberClusterStrategy : {});
  const sync = new FederatedTypeSync(registry, registry.get('federatedtypeconfigs')!.store);
  await sync.start();
  herdStorage = {
    registry,
    async close() {
      await sync.stop();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

afterAll(async () => {
  await herdStorage?.close();
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Removes every Federated object the test made, finalizers and all (the controller is stopped by then). */
async function purge(registry: ApiGroupRegistry): Promise<void> {
  for (const plural of FEDERATED_PLURALS) {
    const store = registry.get(plural)!.store;
    for (const item of (await store.list(undefined)).items) {
      await store.patch(item.namespace || undefined, item.name, 'merge', JSON.stringify({ metadata: { finalizers: null } }));
      await store.delete(item.namespace || undefined, item.name).catch((err: { reason?: string }) => {
        if (err.reason !== 'NotFound') throw err;
      });
    }
  }
}

/** A controller over a fake fleet of two members, each a fake apiserver on one MockAgent. */
async function startHerd(options: { notReady?: readonly MemberName[] } = {}): Promise<Herd> {
  const registry = herdStorage!.registry;
  cleanups.push(() => purge(registry));
  const logs: string[] = [];
  const log = (msg: string, err?: unknown) => logs.push(err === undefined ? msg : `${msg}: ${err instanceof Error ? err.message : String(err)}`);
  onTestFailed(() => {
    if (logs.length > 0) console.warn(`controller log:\n${logs.join('\n')}`);
  });
  const mock = new MockAgent();
  mock.disableNetConnect();
  cleanups.push(() => mock.close());
  const members = {
    'member-a': new FakeMemberApiserver(mock, 'https://member-a.invalid:6443'),
    'member-b': new FakeMemberApiserver(mock, 'https://member-b.invalid:6443'),
  };
  cleanups.push(() => MEMBERS.forEach((m) => members[m].close()));
  const fleet = new FakeFleet(MEMBERS.map((m) => snapshot(m, members[m], !options.notReady?.includes(m))));
  const controller = new PropagationController({ registry, fleet, log, resyncIntervalMs: 0 });
  await controller.start();
  cleanups.push(() => controller.stop());
  return {
    controller,
    fleet,
    members,
    store: (plural) => {
      const served = registry.get(plural);
      if (!served) throw new Error(`${plural} is not served`);
      return served.store;
    },
  };
}

/** Polls `probe` every few milliseconds until it returns something other than undefined or false. */
async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 2_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 3));
  }
}

async function read(herd: Herd, plural: string, name: string): Promise<FederatedObject> {
  return JSON.parse((await herd.store(plural).get(NS, name)).json) as FederatedObject;
}

function entry(fed: FederatedObject, cluster: string): ClusterPropagationStatus | undefined {
  return fed.status?.clusters?.find((c) => c.name === cluster);
}

function condition(fed: FederatedObject, type: string): Condition | undefined {
  return fed.status?.conditions?.find((c) => c.type === type);
}

const phases = (fed: FederatedObject): [string, string][] => (fed.status?.clusters ?? []).map((c) => [c.name, c.phase]);
const calls = (requests: readonly RecordedRequest[]): string[] => requests.map((r) => `${r.method} ${r.path}`);

function configMap(name: string, init: { annotations?: Record<string, string>; overrides?: unknown } = {}) {
  return {
    apiVersion: API_VERSION,
    kind: 'FederatedConfigMap',
    metadata: { name, namespace: NS, ...(init.annotations ? { annotations: init.annotations } : {}) },
    spec: {
      template: { metadata: { labels: { app: 'web' }, annotations: { team: 'payments' } }, data: { greeting: 'hello' } },
      placement: { clusterSelector: {} },
      ...(init.overrides ? { overrides: init.overrides } : {}),
    },
  };
}

/** Creates a FederatedConfigMap and waits until every chosen member holds it. */
async function propagate(herd: Herd, object: ReturnType<typeof configMap>): Promise<FederatedObject> {
  await herd.store('federatedconfigmaps').create(NS, { object });
  const fed = await until(async () => {
    const f = await read(herd, 'federatedconfigmaps', object.metadata.name);
    return condition(f, 'Propagated')?.status === 'True' && f;
  }, 'Propagated=True');
  await herd.controller.idle();
  return fed;
}

/** Every phase change of one member's status entry that Herd writes, in order, as the store's watch reports them. */
async function followEntry(herd: Herd, plural: string, name: string, cluster: string): Promise<ClusterPropagationStatus[]> {
  const seen: ClusterPropagationStatus[] = [];
  const watch = await herd.store(plural).watch(NS);
  cleanups.push(() => watch.stop());
  void (async () => {
    for await (const e of watch) {
      if (e.type === 'BOOKMARK' || e.object.name !== name) continue;
      const c = entry(JSON.parse(e.object.json) as FederatedObject, cluster);
      if (c && (c.phase !== seen.at(-1)?.phase || c.reason !== seen.at(-1)?.reason)) seen.push(c);
    }
  })();
  return seen;
}

const patchConfigMap = (herd: Herd, name: string, patch: unknown) => herd.store('federatedconfigmaps').patch(NS, name, 'merge', JSON.stringify(patch));

describe('PropagationController', () => {
  it('creates the rendered object in every member the placement chooses and reports it', async () => {
    const herd = await startHerd();
    const created = await herd.store('federatedconfigmaps').create(NS, { object: configMap('app') });
    expect((JSON.parse(created.json) as FederatedObject).metadata.finalizers).toEqual([PROPAGATION_FINALIZER]);
    const fed = await until(async () => {
      const f = await read(herd, 'federatedconfigmaps', 'app');
      return condition(f, 'Propagated')?.status === 'True' && f;
    }, 'Propagated=True');
    await herd.controller.idle();

    for (const m of MEMBERS) {
      const writes = herd.members[m].writes();
      // The first create finds no namespace: Herd creates it (labelled as its own) and creates the object again.
      expect(calls(writes)).toEqual([`POST ${CONFIGMAPS}`, 'POST /api/v1/namespaces', `POST ${CONFIGMAPS}`]);
      expect(writes[1]!.body).toMatchObject({ kind: 'Namespace', metadata: { name: NS, labels: { [MANAGED_LABEL]: 'true' } } });
      const create = writes[2]!;
      expect(create.query).toEqual({ fieldManager: 'herd' });
      expect(create.body).toMatchObject({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'app',
          namespace: NS,
          labels: { app: 'web', [MANAGED_LABEL]: 'true' },
          annotations: { team: 'payments', [FEDERATED_NAME_ANNOTATION]: `${NS}/app`, [FEDERATED_KIND_ANNOTATION]: 'FederatedConfigMap', [RENDERED_HASH_ANNOTATION]: expect.any(String) },
        },
        data: { greeting: 'hello' },
      });
      expect(herd.members[m].object(CONFIGMAP_PATH)?.data).toEqual({ greeting: 'hello' });
    }

    expect(fed.metadata.finalizers).toEqual([PROPAGATION_FINALIZER]);
    expect(condition(fed, 'Scheduled')).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(condition(fed, 'Propagated')).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(fed.status).toMatchObject({ observedGeneration: 1, placedClusters: 2, propagatedClusters: 2 });
    expect(phases(fed)).toEqual([
      ['member-a', 'Applied'],
      ['member-b', 'Applied'],
    ]);

    const explanation = await herd.controller.placementExplanation('federatedconfigmaps', NS, 'app');
    expect(explanation).toMatchObject({ apiVersion: API_VERSION, kind: 'PlacementExplanation', metadata: { name: 'app', namespace: NS }, source: 'Spec' });
    expect(explanation.clusters).toEqual([
      expect.objectContaining({ cluster: 'member-a', selected: true }),
      expect.objectContaining({ cluster: 'member-b', selected: true }),
    ]);
  });

  it('sends nothing to the members when a reconcile changes nothing in the rendering', async () => {
    const herd = await startHerd();
    await propagate(herd, configMap('app'));
    const before = MEMBERS.map((m) => herd.members[m].writes().length);

    // Metadata of the Federated object only, then a placement naming the members it already chose: a new generation
    // to reconcile (its observedGeneration shows when that is done), the same rendering for each member.
    await patchConfigMap(herd, 'app', { metadata: { annotations: { 'example.com/touched': 'yes' } } });
    await patchConfigMap(herd, 'app', { spec: { placement: { clusterSelector: null, clusters: [{ name: 'member-a' }, { name: 'member-b' }] } } });
    const fed = await until(async () => {
      const f = await read(herd, 'federatedconfigmaps', 'app');
      return f.status?.observedGeneration === 2 && f;
    }, 'generation 2 reconciled');
    await herd.controller.idle();

    expect(MEMBERS.map((m) => herd.members[m].writes().length)).toEqual(before);
    expect(phases(fed)).toEqual([
      ['member-a', 'Applied'],
      ['member-b', 'Applied'],
    ]);
    expect(condition(fed, 'Propagated')).toMatchObject({ status: 'True', observedGeneration: 2 });
  });

  it('server-side applies a changed template, after taking over the fields of its create', async () => {
    const herd = await startHerd();
    await propagate(herd, configMap('app'));
    const before = MEMBERS.map((m) => herd.members[m].writes().length);
    const oldHash = herd.members['member-a'].object(CONFIGMAP_PATH)?.metadata.annotations?.[RENDERED_HASH_ANNOTATION];

    await patchConfigMap(herd, 'app', { spec: { template: { data: { greeting: 'bonjour' } } } });
    await until(() => MEMBERS.every((m) => (herd.members[m].object(CONFIGMAP_PATH)?.data as Record<string, string>).greeting === 'bonjour'), 'the new data in both members');
    await herd.controller.idle();

    for (const [i, m] of MEMBERS.entries()) {
      const writes = herd.members[m].writes().slice(before[i]);
      expect(calls(writes)).toEqual([`PATCH ${CONFIGMAP_PATH}`, `PATCH ${CONFIGMAP_PATH}`]);
      const [own, apply] = writes as [RecordedRequest, RecordedRequest];
      expect(own.contentType).toBe('application/json-patch+json');
      expect(own.body).toEqual([
        { op: 'test', path: '/metadata/resourceVersion', value: expect.any(String) },
        { op: 'replace', path: '/metadata/managedFields/0/operation', value: 'Apply' },
      ]);
      expect(apply.contentType).toBe('application/apply-patch+yaml');
      expect(apply.query).toEqual({ fieldManager: 'herd', force: 'true' });
      expect(apply.body).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'app', labels: { [MANAGED_LABEL]: 'true' } }, data: { greeting: 'bonjour' } });
      const live = herd.members[m].object(CONFIGMAP_PATH)!;
      expect(live.metadata.annotations?.[RENDERED_HASH_ANNOTATION]).not.toBe(oldHash);
      expect(live.metadata.managedFields?.map((f) => `${f.manager}/${f.operation}`)).toEqual(['herd/Apply']);
    }
    const fed = await read(herd, 'federatedconfigmaps', 'app');
    expect(condition(fed, 'Propagated')).toMatchObject({ status: 'True', observedGeneration: 2 });
  });

  it('removes the copy from a member the placement no longer chooses', async () => {
    const herd = await startHerd();
    await propagate(herd, configMap('app'));
    const before = herd.members['member-a'].writes().length;
    const uid = herd.members['member-b'].object(CONFIGMAP_PATH)?.metadata.uid;

    await patchConfigMap(herd, 'app', { spec: { placement: { clusterSelector: null, clusters: [{ name: 'member-a' }] } } });
    const fed = await until(async () => {
      const f = await read(herd, 'federatedconfigmaps', 'app');
      return f.status?.clusters?.length === 1 && f;
    }, 'member-b dropped from the status');
    await herd.controller.idle();

    const deletes = herd.members['member-b'].writes().filter((w) => w.method === 'DELETE');
    expect(calls(deletes)).toEqual([`DELETE ${CONFIGMAP_PATH}`]);
    expect(deletes[0]!.body).toMatchObject({ kind: 'DeleteOptions', preconditions: { uid } });
    expect(herd.members['member-b'].object(CONFIGMAP_PATH)).toBeUndefined();
    expect(herd.members['member-a'].writes()).toHaveLength(before);
    expect(herd.members['member-a'].object(CONFIGMAP_PATH)).toBeDefined();
    expect(phases(fed)).toEqual([['member-a', 'Applied']]);
    expect(condition(fed, 'Propagated')?.status).toBe('True');
    expect(fed.status?.placedClusters).toBe(1);

    const explanation = await herd.controller.placementExplanation('federatedconfigmaps', NS, 'app');
    expect(explanation.clusters).toEqual([
      expect.objectContaining({ cluster: 'member-a', selected: true }),
      expect.objectContaining({ cluster: 'member-b', selected: false, filter: 'ClusterNames' }),
    ]);
  });

  describe('deletion', () => {
    const gone = (herd: Herd, name: string) => () =>
      read(herd, 'federatedconfigmaps', name).then(
        () => false,
        (err: { reason?: string }) => err.reason === 'NotFound',
      );

    it('removes the copy from every member, then lets the object go', async () => {
      const herd = await startHerd();
      await propagate(herd, configMap('app'));
      const result = await herd.store('federatedconfigmaps').delete(NS, 'app');
      expect(result.kind).toBe('pending');

      await until(gone(herd, 'app'), 'the Federated object to be gone');
      for (const m of MEMBERS) {
        expect(calls(herd.members[m].writes().filter((w) => w.method === 'DELETE'))).toEqual([`DELETE ${CONFIGMAP_PATH}`]);
        expect(herd.members[m].object(CONFIGMAP_PATH)).toBeUndefined();
      }
    });

    it(`leaves the member copies in place with ${ORPHAN_ANNOTATION}=true`, async () => {
      const herd = await startHerd();
      await propagate(herd, configMap('app', { annotations: { [ORPHAN_ANNOTATION]: 'true' } }));
      await herd.store('federatedconfigmaps').delete(NS, 'app');

      await until(gone(herd, 'app'), 'the Federated object to be gone');
      await herd.controller.idle();
      for (const m of MEMBERS) {
        expect(herd.members[m].writes().filter((w) => w.method === 'DELETE')).toEqual([]);
        expect(herd.members[m].object(CONFIGMAP_PATH)?.data).toEqual({ greeting: 'hello' });
      }
    });
  });

  it('reports a Conflict for an object Herd does not manage, and adopts it with conflict-resolution Overwrite', async () => {
    const herd = await startHerd();
    const a = herd.members['member-a'];
    a.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    a.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: NS, labels: { owner: 'someone-else' } }, data: { greeting: 'theirs' } });

    await herd.store('federatedconfigmaps').create(NS, { object: configMap('app') });
    const fed = await until(async () => {
      const f = await read(herd, 'federatedconfigmaps', 'app');
      return entry(f, 'member-a')?.phase === 'Conflict' && entry(f, 'member-b')?.phase === 'Applied' && f;
    }, 'Conflict in member-a');
    await herd.controller.idle();

    expect(entry(fed, 'member-a')).toMatchObject({ reason: 'AlreadyExists', message: expect.stringContaining(CONFLICT_RESOLUTION_ANNOTATION) });
    expect(condition(fed, 'Propagated')).toMatchObject({ status: 'False', reason: 'Conflict' });
    // Only creates, each refused: no apply, no delete (how many creates: see the test of Herd's own status writes).
    expect(new Set(calls(a.writes()))).toEqual(new Set([`POST ${CONFIGMAPS}`]));
    expect(a.object(CONFIGMAP_PATH)).toMatchObject({ metadata: { labels: { owner: 'someone-else' } }, data: { greeting: 'theirs' } });

    await patchConfigMap(herd, 'app', { metadata: { annotations: { [CONFLICT_RESOLUTION_ANNOTATION]: 'Overwrite' } } });
    const adopted = await until(async () => {
      const f = await read(herd, 'federatedconfigmaps', 'app');
      return entry(f, 'member-a')?.phase === 'Applied' && f;
    }, 'member-a adopted');
    await herd.controller.idle();

    const apply = a.writes().find((w) => w.method === 'PATCH' && w.contentType === 'application/apply-patch+yaml');
    expect(apply?.query).toEqual({ fieldManager: 'herd', force: 'true' });
    expect(a.object(CONFIGMAP_PATH)).toMatchObject({ metadata: { labels: { [MANAGED_LABEL]: 'true' } }, data: { greeting: 'hello' } });
    expect(condition(adopted, 'Propagated')?.status).toBe('True');
  });

  describe('a member that is not Ready', () => {
    it('keeps its copy but gets no writes until it is Ready again, then converges to the latest template', async () => {
      const herd = await startHerd();
      await propagate(herd, configMap('app'));
      const b = herd.members['member-b'];
      const before = b.writes().length;

      herd.fleet.setReady('member-b', false);
      await until(async () => entry(await read(herd, 'federatedconfigmaps', 'app'), 'member-b')?.phase === 'ClusterNotReady', 'ClusterNotReady in member-b');
      await patchConfigMap(herd, 'app', { spec: { template: { data: { greeting: 'hallo' } } } });
      const fed = await until(async () => {
        const f = await read(herd, 'federatedconfigmaps', 'app');
        return f.status?.observedGeneration === 2 && f;
      }, 'the new generation reconciled');
      await herd.controller.idle();

      expect(entry(fed, 'member-b')).toMatchObject({ phase: 'ClusterNotReady', reason: 'ClusterNotReady' });
      expect(entry(fed, 'member-a')?.phase).toBe('Applied');
      expect(condition(fed, 'Propagated')).toMatchObject({ status: 'False', reason: 'ClusterNotReady' });
      expect(herd.members['member-a'].object(CONFIGMAP_PATH)?.data).toEqual({ greeting: 'hallo' });
      expect(b.writes()).toHaveLength(before);
      expect(b.object(CONFIGMAP_PATH)?.data).toEqual({ greeting: 'hello' });

      herd.fleet.setReady('member-b', true);
      await until(() => (b.object(CONFIGMAP_PATH)?.data as Record<string, string>).greeting === 'hallo', 'the new data in member-b');
      await until(async () => entry(await read(herd, 'federatedconfigmaps', 'app'), 'member-b')?.phase === 'Applied', 'Applied in member-b');
      expect(b.writes().slice(before).at(-1)).toMatchObject({ method: 'PATCH', contentType: 'application/apply-patch+yaml' });
    });

    it('is not given a new object, and gets it once it turns Ready', async () => {
      const herd = await startHerd({ notReady: ['member-b'] });
      const fed = await propagate(herd, configMap('app'));
      const b = herd.members['member-b'];

      expect(phases(fed)).toEqual([['member-a', 'Applied']]);
      expect(b.requests).toEqual([]);
      const explanation = await herd.controller.placementExplanation('federatedconfigmaps', NS, 'app');
      expect(explanation.clusters).toEqual([
        expect.objectContaining({ cluster: 'member-a', selected: true }),
        expect.objectContaining({ cluster: 'member-b', selected: false, filter: 'Taint' }),
      ]);

      herd.fleet.setReady('member-b', true);
      await until(async () => entry(await read(herd, 'federatedconfigmaps', 'app'), 'member-b')?.phase === 'Applied', 'Applied in member-b');
      expect(b.object(CONFIGMAP_PATH)?.data).toEqual({ greeting: 'hello' });
    });
  });

  it('keeps retrying a member that answers 500 and delivers once it answers again, without a new trigger', async () => {
    const herd = await startHerd();
    const b = herd.members['member-b'];
    b.intercept = (req) => (req.method === 'GET' ? undefined : { statusCode: 500, data: statusBody(500, 'InternalError', 'etcdserver: request timed out') });
    const posts = () => b.requests.filter((r) => r.method === 'POST').length;

    const history = await followEntry(herd, 'federatedconfigmaps', 'app', 'member-b');

    await herd.store('federatedconfigmaps').create(NS, { object: configMap('app') });
    // The writer tries 3 times, then the member's own Status is the copy's reason and message. The object is retried
    // with backoff; after 5 failures in a row the breaker opens, later calls fail at once, and the member is probed.
    await until(() => history.some((c) => c.phase === 'ClusterNotReady'), 'ClusterNotReady in member-b');
    expect(history.map((c) => [c.phase, c.reason])).toEqual([
      ['Failed', 'InternalError'],
      ['ClusterNotReady', 'Unreachable'],
    ]);
    expect(history[0]!.message).toBe('etcdserver: request timed out');
    expect(history[1]!.message).toContain('circuit breaker open');
    expect(posts()).toBe(5);
    expect(herd.fleet.probed).toContain('member-b');
    expect(entry(await read(herd, 'federatedconfigmaps', 'app'), 'member-a')?.phase).toBe('Applied');

    // The member recovers; the breaker lets a trial call through once its 5 s are up (time is moved on, not waited).
    b.intercept = undefined;
    const realNow = Date.now;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 6_000);
    await until(async () => entry(await read(herd, 'federatedconfigmaps', 'app'), 'member-b')?.phase === 'Applied', 'Applied in member-b', 3_000);
    expect(b.object(CONFIGMAP_PATH)?.data).toEqual({ greeting: 'hello' });
    expect(calls(herd.members['member-a'].writes())).toEqual([`POST ${CONFIGMAPS}`, 'POST /api/v1/namespaces', `POST ${CONFIGMAPS}`]);
  });

  // Herd's own status write comes back through its watch before the write's answer: that echo must not cost another
  // reconcile (here it would be a second create of a name that is taken).
  it('does not reconcile an object again for its own status write', async () => {
    const herd = await startHerd();
    const a = herd.members['member-a'];
    a.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    a.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: NS }, data: { greeting: 'theirs' } });

    await herd.store('federatedconfigmaps').create(NS, { object: configMap('app') });
    await until(async () => entry(await read(herd, 'federatedconfigmaps', 'app'), 'member-a')?.phase === 'Conflict', 'Conflict in member-a');
    await herd.controller.idle();

    expect(calls(a.writes())).toEqual([`POST ${CONFIGMAPS}`]);
  });

  it('divides the replicas of a FederatedDeployment by static weight', async () => {
    const herd = await startHerd();
    const web = { app: 'web' };
    await herd.store('federateddeployments').create(NS, {
      object: {
        apiVersion: API_VERSION,
        kind: 'FederatedDeployment',
        metadata: { name: 'web', namespace: NS },
        spec: {
          template: {
            metadata: { labels: web },
            spec: { replicas: 6, selector: { matchLabels: web }, template: { metadata: { labels: web }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
          },
          placement: {
            clusterSelector: {},
            replicaScheduling: { type: 'Divide', weighting: 'Static', clusters: [{ name: 'member-a', weight: 2 }, { name: 'member-b', weight: 1 }] },
          },
        },
      },
    });
    const fed = await until(async () => {
      const f = await read(herd, 'federateddeployments', 'web');
      return condition(f, 'Propagated')?.status === 'True' && f;
    }, 'Propagated=True');

    const path = `/apis/apps/v1/namespaces/${NS}/deployments/web`;
    expect(herd.members['member-a'].object(path)).toMatchObject({ kind: 'Deployment', spec: { replicas: 4 } });
    expect(herd.members['member-b'].object(path)).toMatchObject({ kind: 'Deployment', spec: { replicas: 2 } });
    expect(fed.status?.replicas).toBe(6);
    expect(fed.status?.clusters?.map((c) => [c.name, c.replicas])).toEqual([
      ['member-a', 4],
      ['member-b', 2],
    ]);
  });

  it('fails only the member whose override does not apply', async () => {
    const herd = await startHerd();
    await herd.store('federatedconfigmaps').create(NS, {
      object: configMap('app', { overrides: [{ clusterName: 'member-b', patches: [{ op: 'replace', path: '/data/missing', value: 'x' }] }] }),
    });
    const fed = await until(async () => {
      const f = await read(herd, 'federatedconfigmaps', 'app');
      return entry(f, 'member-a')?.phase === 'Applied' && entry(f, 'member-b')?.phase === 'Failed' && f;
    }, 'Applied in member-a and Failed in member-b');

    expect(entry(fed, 'member-b')).toMatchObject({ reason: 'OverrideFailed', message: expect.stringContaining('spec.overrides[member-b] patch 0') });
    expect(condition(fed, 'Propagated')).toMatchObject({ status: 'False', reason: 'Failed' });
    expect(herd.members['member-b'].writes()).toEqual([]);
    expect(herd.members['member-a'].object(CONFIGMAP_PATH)?.data).toEqual({ greeting: 'hello' });
  });

  it('places an object without spec.placement by the PropagationPolicy that selects it, names it in status, and counts it in the policy', async () => {
    const herd = await startHerd();
    const policies = herd.store('propagationpolicies');
    cleanups.push(async () => {
      await policies.delete(NS, 'only-b').catch(() => undefined);
    });
    await policies.create(NS, {
      object: {
        apiVersion: API_VERSION,
        kind: 'PropagationPolicy',
        metadata: { name: 'only-b', namespace: NS },
        spec: { resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap', labelSelector: { matchLabels: { tier: 'web' } } }], placement: { clusters: [{ name: 'member-b' }] } },
      },
    });
    const object = configMap('by-policy');
    delete (object.spec as { placement?: unknown }).placement;
    Object.assign(object.metadata, { labels: { tier: 'web' } });
    const fed = await propagate(herd, object);
    expect(fed.status?.policy).toEqual({ kind: 'PropagationPolicy', namespace: NS, name: 'only-b' });
    expect(phases(fed)).toEqual([['member-b', 'Applied']]);
    await until(async () => {
      const p = JSON.parse((await policies.get(NS, 'only-b')).json) as { status?: { matchedResources?: number } };
      return p.status?.matchedResources === 1;
    }, 'matchedResources 1');
  });

  it('adopts, for a FederatedNamespace, the namespace Herd created in a member for other objects', async () => {
    const herd = await startHerd();
    await propagate(herd, configMap('app'));
    const a = herd.members['member-a'];
    expect(a.object(`/api/v1/namespaces/${NS}`)?.metadata.labels?.['federation.herd.io/managed']).toBe('true');
    await herd.store('federatednamespaces').create(NS, {
      object: { apiVersion: API_VERSION, kind: 'FederatedNamespace', metadata: { name: NS, namespace: NS }, spec: { template: { metadata: { labels: { team: 'a' } } }, placement: { clusters: [{ name: 'member-a' }] } } },
    });
    const fed = await until(async () => {
      const f = await read(herd, 'federatednamespaces', NS);
      return f.status?.clusters?.[0]?.phase !== undefined && f.status.clusters[0].phase !== 'Pending' && f;
    }, 'a phase for member-a');
    expect(phases(fed)).toEqual([['member-a', 'Applied']]);
    const ns = a.object(`/api/v1/namespaces/${NS}`);
    expect(ns?.metadata.annotations?.['federation.herd.io/federated-name']).toBe(`${NS}/${NS}`);
    expect(ns?.metadata.labels?.team).toBe('a');
  });
});
