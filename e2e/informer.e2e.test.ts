import { ADD, CustomObjectsApi, DELETE, KubeConfig, UPDATE, makeInformer, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectlOk } from './fleet/kubectl.js';

const fleet = inject('fleet');
const ns = `e2e-informer-${Date.now()}`;
const group = 'federation.herd.io';
const version = 'v1alpha1';
const plural = 'federatedconfigmaps';
const k = (args: readonly string[], input?: string) => kubectlOk(fleet, fleet.hostContext, args, input);
const manifest = (name: string, value: string) =>
  JSON.stringify({ apiVersion: `${group}/${version}`, kind: 'FederatedConfigMap', metadata: { name, namespace: ns }, spec: { template: { data: { v: value } } } });

async function eventually(check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  await k(['create', 'namespace', ns]);
});
afterAll(async () => {
  await k(['delete', 'namespace', ns, '--wait=false']);
});

describe('client libraries against Herd through the host', () => {
  it('an @kubernetes/client-node informer syncs and follows changes', async () => {
    await k(['apply', '-f', '-'], manifest('before', '1'));
    const kc = new KubeConfig();
    kc.loadFromFile(fleet.kubeconfig);
    kc.setCurrentContext(fleet.hostContext);
    const api = kc.makeApiClient(CustomObjectsApi);
    const informer = makeInformer<KubernetesObject>(kc, `/apis/${group}/${version}/namespaces/${ns}/${plural}`, () =>
      api.listNamespacedCustomObject({ group, version, namespace: ns, plural }),
    );
    const seen: string[] = [];
    informer.on(ADD, (o) => seen.push(`ADD ${o.metadata?.name}`));
    informer.on(UPDATE, (o) => seen.push(`UPDATE ${o.metadata?.name}`));
    informer.on(DELETE, (o) => seen.push(`DELETE ${o.metadata?.name}`));
    const errors: unknown[] = [];
    informer.on('error', (err: unknown) => errors.push(err));
    await informer.start();
    try {
      await eventually(() => seen.includes('ADD before'));
      await k(['apply', '-f', '-'], manifest('after', '1'));
      await eventually(() => seen.includes('ADD after'));
      await k(['apply', '-f', '-'], manifest('after', '2'));
      await eventually(() => seen.includes('UPDATE after'));
      await k(['-n', ns, 'delete', 'fcm', 'before']);
      await eventually(() => seen.includes('DELETE before'));
      expect(informer.list().map((o) => o.metadata?.name).sort()).toEqual(['after']);
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });

  it('a WatchList request gets the initial events and the annotated bookmark', async () => {
    const raw = await k([
      'get',
      '--raw',
      `/apis/${group}/${version}/namespaces/${ns}/${plural}?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=2`,
    ]);
    const events = raw.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name?: string; annotations?: Record<string, string> } } });
    expect(events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name)).toEqual(['after']);
    const bookmark = events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(events.indexOf(bookmark!)).toBe(1);
  });
});
