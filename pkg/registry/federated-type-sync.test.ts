import { afterEach, describe, expect, it } from 'vitest';
import {
  API_VERSION,
  GROUP,
  VERSION,
  defaultFederatedTypeConfigs,
  staticResourceDefinitions,
  type FederatedTypeConfig,
  type TargetType,
} from '../../api/federation/v1alpha1/index.js';
import type { JSONSchemaProps } from '../../api/meta/resource-definition.js';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import { ApiGroupRegistry } from './api-group-registry.js';
import { FederatedTypeSync, type FederatedTypeSyncOptions } from './federated-type-sync.js';
import type { ResourceStore } from './resource-store.js';
import { appsV1, exampleV1, index } from './target-schema-resolver.fixture.js';
import { TargetSchemaResolver } from './target-schema-resolver.js';

const widgetTarget: TargetType = { group: 'example.com', version: 'v1', kind: 'Widget', pluralName: 'widgets', scope: 'Namespaced' };
const ftc = (name: string, targetType: TargetType, federatedType?: FederatedTypeConfig['spec']['federatedType']) => ({
  object: { apiVersion: API_VERSION, kind: 'FederatedTypeConfig', metadata: { name }, spec: { targetType, ...(federatedType ? { federatedType } : {}) } },
});

/** The fixture cluster: apps/v1 and example.com/v1 are published, nothing else. */
const fixtureResolver = () =>
  new TargetSchemaResolver({
    cluster: 'host',
    getJson: async (path) => {
      if (path === '/openapi/v3') return index();
      if (path.startsWith('/openapi/v3/apis/apps/v1')) return appsV1;
      if (path.startsWith('/openapi/v3/apis/example.com/v1')) return exampleV1;
      return { components: { schemas: {} } };
    },
  });

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const running: { sync: FederatedTypeSync; storage: SqliteStorage }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.sync.stop();
    await r.storage.close();
  }
});

async function start(options: FederatedTypeSyncOptions = {}, seed: (store: ResourceStore) => Promise<void> = async () => {}) {
  const storage = new SqliteStorage({ path: ':memory:' });
  const registry = new ApiGroupRegistry(GROUP, VERSION, storage);
  for (const def of staticResourceDefinitions) registry.add(def);
  const store = registry.get('federatedtypeconfigs')!.store;
  await seed(store);
  const logs: string[] = [];
  const sync = new FederatedTypeSync(registry, store, { log: (m) => logs.push(m), ...options });
  running.push({ sync, storage });
  await sync.start();
  const status = async (name: string) => (JSON.parse((await store.get(undefined, name)).json) as FederatedTypeConfig).status;
  return { registry, store, sync, logs, status };
}

const templateOf = (registry: ApiGroupRegistry, plural: string): JSONSchemaProps | undefined =>
  registry.get(plural)?.definition.schema.properties?.spec?.properties?.template;

describe('FederatedTypeSync', () => {
  it('installs the defaults, serves them and marks each Established, with the schema cluster where one was found', async () => {
    const { registry, status } = await start({ resolveSchema: (t) => fixtureResolver().resolve(t), schemaCluster: 'host' });
    for (const d of defaultFederatedTypeConfigs()) {
      const plural = `federated${d.spec.targetType.pluralName}`;
      expect(registry.get(plural), plural).toBeDefined();
      const s = await status(d.metadata.name!);
      expect(s?.conditions).toEqual([expect.objectContaining({ type: 'Established', status: 'True', reason: 'Served', observedGeneration: 1 })]);
      expect(s?.templateSchemaCluster).toBe(d.spec.targetType.group === 'apps' && d.spec.targetType.kind === 'Deployment' ? 'host' : undefined);
    }
    expect(templateOf(registry, 'federateddeployments')?.properties?.spec?.properties?.replicas).toMatchObject({ type: 'integer' });
    expect(templateOf(registry, 'federatedconfigmaps')).toMatchObject({ 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('serves a new kind within a second with its schema, writes Established once, and stops serving it on delete', async () => {
    const { registry, store, status } = await start({ resolveSchema: (t) => fixtureResolver().resolve(t), schemaCluster: 'host' });
    const events: string[] = [];
    const watch = await store.watch(undefined, { resourceVersion: (await store.list(undefined)).resourceVersion });
    const seen = (async () => {
      for await (const e of watch) if (e.type !== 'BOOKMARK' && e.object.name === 'widgets.example.com') events.push(e.type);
    })();

    await store.create(undefined, ftc('widgets.example.com', widgetTarget));
    await waitFor(() => registry.get('federatedwidgets'));
    expect(templateOf(registry, 'federatedwidgets')?.properties?.spec?.properties?.size).toMatchObject({ 'x-kubernetes-int-or-string': true });
    const s = await waitFor(() => status('widgets.example.com'));
    expect(s).toMatchObject({ templateSchemaCluster: 'host', conditions: [{ type: 'Established', status: 'True', reason: 'Served' }] });
    await new Promise((r) => setTimeout(r, 300));
    expect(events).toEqual(['ADDED', 'MODIFIED']);

    await store.delete(undefined, 'widgets.example.com');
    await waitFor(() => registry.get('federatedwidgets') === undefined);
    watch.stop();
    await seen;
  });

  it('keeps templates as sent while a schema is missing, and picks it up on a retry', async () => {
    let published = false;
    const resolver = fixtureResolver();
    const { registry, store, status, logs } = await start({
      resolveSchema: async (t) => (t.kind === 'Widget' && !published ? undefined : resolver.resolve(t)),
      schemaCluster: 'host',
      retryDelaysMs: [50],
    });
    await store.create(undefined, ftc('widgets.example.com', widgetTarget));
    await waitFor(async () => (await status('widgets.example.com'))?.conditions?.[0]?.status === 'True');
    expect(templateOf(registry, 'federatedwidgets')).toMatchObject({ 'x-kubernetes-preserve-unknown-fields': true });
    expect((await status('widgets.example.com'))?.templateSchemaCluster).toBeUndefined();
    expect(logs.filter((l) => l.includes('example.com/v1/Widget'))).toHaveLength(1);
    published = true;
    await waitFor(async () => (await status('widgets.example.com'))?.templateSchemaCluster === 'host');
    expect(templateOf(registry, 'federatedwidgets')?.properties?.spec?.properties?.size).toBeDefined();
  });

  it('starts the retry backoff over for a newly missing schema, while another one never comes', async () => {
    let published = false;
    const resolver = fixtureResolver();
    const { store, status } = await start({
      resolveSchema: async (t) => (t.kind === 'Gadget' ? undefined : t.kind === 'Widget' && !published ? undefined : resolver.resolve(t)),
      schemaCluster: 'host',
      // The first delay is short, the later ones far longer than the test waits.
      retryDelaysMs: [50, 60_000],
    });
    await store.create(undefined, ftc('gadgets.example.com', { ...widgetTarget, kind: 'Gadget', pluralName: 'gadgets' }));
    await waitFor(async () => (await status('gadgets.example.com'))?.conditions?.[0]?.status === 'True');
    // Let the gadget's retries reach the long delay.
    await new Promise((r) => setTimeout(r, 150));
    await store.create(undefined, ftc('widgets.example.com', widgetTarget));
    await waitFor(async () => (await status('widgets.example.com'))?.conditions?.[0]?.status === 'True');
    published = true;
    await waitFor(async () => (await status('widgets.example.com'))?.templateSchemaCluster === 'host');
  });

  it('falls back to templates kept as sent when resolving fails or misses the deadline', async () => {
    const { registry, status, logs } = await start(
      {
        resolveSchema: (t) => (t.kind === 'Widget' ? new Promise(() => {}) : Promise.reject(new Error('connect ECONNREFUSED'))),
        schemaCluster: 'host',
        resolveTimeoutMs: 100,
      },
      async (store) => void (await store.create(undefined, ftc('widgets.example.com', widgetTarget))),
    );
    expect(templateOf(registry, 'federatedwidgets')).toMatchObject({ 'x-kubernetes-preserve-unknown-fields': true });
    expect((await status('widgets.example.com'))?.conditions?.[0]).toMatchObject({ status: 'True', reason: 'Served' });
    expect(logs.some((l) => l.includes('example.com/v1/Widget'))).toBe(true);
  });

  it('reports a plural that is already taken as NameConflict, and serves it once the other config is gone', async () => {
    const other: TargetType = { group: 'other.io', version: 'v1', kind: 'Gadget', pluralName: 'gadgets', scope: 'Namespaced' };
    const { registry, store, status } = await start({}, async (s) => {
      await s.create(undefined, ftc('a.example.com', widgetTarget));
      await s.create(undefined, ftc('b.other.io', other, { pluralName: 'federatedwidgets', kind: 'FederatedGadget' }));
      await s.create(undefined, ftc('c.other.io', other, { pluralName: 'memberclusters', kind: 'FederatedThing' }));
    });
    expect(registry.get('federatedwidgets')?.definition.kind).toBe('FederatedWidget');
    expect(registry.get('memberclusters')?.definition.kind).toBe('MemberCluster');
    expect((await status('b.other.io'))?.conditions?.[0]).toMatchObject({ status: 'False', reason: 'NameConflict' });
    expect((await status('c.other.io'))?.conditions?.[0]).toMatchObject({ status: 'False', reason: 'NameConflict' });
    await store.delete(undefined, 'a.example.com');
    await waitFor(() => registry.get('federatedwidgets')?.definition.kind === 'FederatedGadget');
    await waitFor(async () => (await status('b.other.io'))?.conditions?.[0]?.status === 'True');
  });
});
