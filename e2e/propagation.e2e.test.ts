import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stopComponent } from './fleet/component-outage.js';
import { kubectl, kubectlOk } from './fleet/kubectl.js';
import { eventually as pollUntil } from './fleet/eventually.js';

// Acceptance of propagation through kubectl on the host: members joined by `herd dev up` (member-1 eu-west,
// member-2 us-east, member-3 ap-south), Federated objects written once to the host, member objects read from each
// member's own apiserver.
const fleet = inject('fleet');
const host = fleet.hostContext;
const members = fleet.memberContexts;
const k = (args: readonly string[], input?: string) => kubectlOk(fleet, host, args, input);
const m = (member: string, args: readonly string[]) => kubectlOk(fleet, member, args);
const NS = 'prop-e2e';

/** The shared poller with this file's patience (90 s by default). */
const eventually = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> => pollUntil(what, probe, { timeoutMs });

async function memberGet(member: string, resource: string, name: string, ns = NS): Promise<Record<string, any> | undefined> {
  const r = await kubectl(fleet, member, ['get', resource, name, '-n', ns, '-o', 'json']);
  if (r.code !== 0) {
    if (r.stderr.includes('NotFound')) return undefined;
    throw new Error(r.stderr);
  }
  return JSON.parse(r.stdout) as Record<string, any>;
}

async function federated(resource: string, name: string, ns = NS): Promise<Record<string, any>> {
  return JSON.parse(await k(['get', resource, name, '-n', ns, '-o', 'json'])) as Record<string, any>;
}

function deployment(name: string, placement: object, extra: object = {}): string {
  return JSON.stringify({
    apiVersion: 'federation.herd.io/v1alpha1',
    kind: 'FederatedDeployment',
    metadata: { name, namespace: NS },
    spec: {
      template: {
        metadata: { labels: { app: name } },
        spec: {
          replicas: 6,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: 'web', image: 'registry.example/web:1.0', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
          },
        },
      },
      placement,
      ...extra,
    },
  });
}

const byRegion = (regions: string[]) => ({ clusterSelector: { matchExpressions: [{ key: 'topology.kubernetes.io/region', operator: 'In', values: regions }] } });
const divide = (weights: Record<string, number>) => ({
  replicaScheduling: { type: 'Divide', weighting: 'Static', clusters: Object.entries(weights).map(([name, weight]) => ({ name, weight })) },
});

describe.runIf(members.length >= 3)('propagation to the members', () => {
  beforeAll(async () => {
    await kubectl(fleet, host, ['create', 'namespace', NS]);
    // Each member gets the namespace too, as an unmanaged one (Herd would otherwise create it with the first object).
    for (const member of members) await kubectl(fleet, member, ['create', 'namespace', NS]);
  });

  afterAll(async () => {
    // Deleting the namespaces deletes their Federated objects, and Herd removes the copies from the members.
    await kubectl(fleet, host, ['delete', 'namespace', NS, 'prop-e2e-ns', '--wait=false']);
    await kubectl(fleet, host, ['delete', 'federatedtypeconfig', 'gadgets.example.com', '--ignore-not-found']);
  });

  it('the members are joined and Ready', async () => {
    await k(['wait', '--for=condition=Ready', 'memberclusters', '--all', '--timeout=90s']);
    const list = JSON.parse(await k(['get', 'memberclusters', '-o', 'json'])) as { items: any[] };
    expect(list.items.map((i) => i.metadata.name).sort()).toEqual(expect.arrayContaining(members.slice(0, 3)));
    const first = list.items.find((i) => i.metadata.name === members[0]);
    expect(first.metadata.labels['topology.kubernetes.io/region']).toBe('eu-west');
    expect(first.status.kubernetesVersion).toMatch(/^v1\./);
    expect(first.status.apiEnablements.some((g: any) => g.groupVersion === 'apps/v1')).toBe(true);
    expect(JSON.stringify(first)).not.toMatch(/BEGIN (EC |RSA )?PRIVATE KEY/);
  });

  it('places by region, divides 2:1, overrides the image for one member, and reaches Ready with 6 ready replicas', async () => {
    const [eu, us, ap] = members as [string, string, string];
    await k(['apply', '-f', '-'], deployment('web', { ...byRegion(['eu-west', 'us-east']), ...divide({ [eu]: 2, [us]: 1 }) }, {
      overrides: [{ clusterName: us, patches: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'registry.example/web:1.0-us' }] }],
    }));
    await k(['wait', '--for=condition=Propagated', `federateddeployment/web`, '-n', NS, '--timeout=60s']);
    const dEu = await memberGet(eu, 'deployment', 'web');
    const dUs = await memberGet(us, 'deployment', 'web');
    expect(dEu?.spec.replicas).toBe(4);
    expect(dUs?.spec.replicas).toBe(2);
    expect(dEu?.spec.template.spec.containers[0].image).toBe('registry.example/web:1.0');
    expect(dUs?.spec.template.spec.containers[0].image).toBe('registry.example/web:1.0-us');
    expect(dEu?.metadata.labels['federation.herd.io/managed']).toBe('true');
    expect(dEu?.metadata.annotations['federation.herd.io/federated-name']).toBe(`${NS}/web`);
    expect(await memberGet(ap, 'deployment', 'web')).toBeUndefined();
    await k(['wait', '--for=condition=Ready', `federateddeployment/web`, '-n', NS, '--timeout=120s']);
    const fed = await federated('federateddeployment', 'web');
    expect(fed.status.readyReplicas).toBe(6);
    expect(fed.status.replicas).toBe(6);
    expect(fed.status.placedClusters).toBe(2);
    expect(fed.status.observedGeneration).toBe(fed.metadata.generation);
    const table = await k(['get', 'federateddeployment', 'web', '-n', NS]);
    expect(table).toMatch(/web\s+6\s+6\s+2\s+2\s+True/);
  });

  it('converges placement changes: adds a cluster, rebalances, and removes from a dropped one', async () => {
    const [eu, us, ap] = members as [string, string, string];
    await k(['apply', '-f', '-'], deployment('web', { ...byRegion(['eu-west', 'us-east', 'ap-south']), ...divide({ [eu]: 2, [us]: 1, [ap]: 1 }) }));
    await eventually('web in ap-south', async () => (await memberGet(ap, 'deployment', 'web'))?.spec.replicas !== undefined);
    await k(['wait', '--for=condition=Propagated', 'federateddeployment/web', '-n', NS, '--timeout=60s']);
    const counts = await Promise.all([eu, us, ap].map(async (c) => (await memberGet(c, 'deployment', 'web'))?.spec.replicas as number));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(6);
    expect(counts[0]).toBe(3);
    // The override is gone from the spec: the image in us-east goes back to the template's.
    await eventually('override removed', async () => (await memberGet(us, 'deployment', 'web'))?.spec.template.spec.containers[0].image === 'registry.example/web:1.0');
    await k(['apply', '-f', '-'], deployment('web', { ...byRegion(['us-east', 'ap-south']), ...divide({ [us]: 1, [ap]: 1 }) }));
    await eventually('web gone from eu-west', async () => (await memberGet(eu, 'deployment', 'web')) === undefined);
    await eventually('3+3', async () => (await memberGet(us, 'deployment', 'web'))?.spec.replicas === 3 && (await memberGet(ap, 'deployment', 'web'))?.spec.replicas === 3);
  });

  it('a manual edit in a member is reverted and reported as drift', async () => {
    const us = members[1]!;
    await m(us, ['-n', NS, 'set', 'image', 'deployment/web', 'web=registry.example/hacked:6.6']);
    await eventually('image restored', async () => (await memberGet(us, 'deployment', 'web'))?.spec.template.spec.containers[0].image === 'registry.example/web:1.0');
    const fed = await eventually('drift reported', async () => {
      const f = await federated('federateddeployment', 'web');
      const c = (f.status.clusters as any[]).find((x) => x.name === us);
      return c?.drift?.count > 0 ? f : undefined;
    });
    const c = (fed.status.clusters as any[]).find((x) => x.name === us);
    expect(c.drift.fields).toContain('/spec/template/spec/containers/0/image');
  });

  it('delete removes the objects everywhere; --cascade=orphan leaves them', async () => {
    const [, us, ap] = members as [string, string, string];
    await k(['delete', 'federateddeployment', 'web', '-n', NS, '--timeout=60s']);
    expect(await memberGet(us, 'deployment', 'web')).toBeUndefined();
    expect(await memberGet(ap, 'deployment', 'web')).toBeUndefined();

    await k(['apply', '-f', '-'], deployment('kept', { clusters: [{ name: us }] }));
    await k(['wait', '--for=condition=Propagated', 'federateddeployment/kept', '-n', NS, '--timeout=60s']);
    await k(['delete', 'federateddeployment', 'kept', '-n', NS, '--cascade=orphan', '--timeout=60s']);
    expect((await kubectl(fleet, host, ['get', 'federateddeployment', 'kept', '-n', NS])).code).not.toBe(0);
    expect(await memberGet(us, 'deployment', 'kept')).toBeDefined();
    await m(us, ['delete', 'deployment', 'kept', '-n', NS]);
  });

  it('propagates a ConfigMap, Secret, Service, Namespace and a CRD kind', async () => {
    const all = { clusterSelector: {} };
    const objects = [
      { kind: 'FederatedConfigMap', metadata: { name: 'cfg', namespace: NS }, spec: { template: { data: { a: '1' } }, placement: all } },
      { kind: 'FederatedSecret', metadata: { name: 'sec', namespace: NS }, spec: { template: { type: 'Opaque', stringData: { password: 'p4ss' } }, placement: all } },
      { kind: 'FederatedService', metadata: { name: 'svc', namespace: NS }, spec: { template: { spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }, placement: all } },
      { kind: 'FederatedNamespace', metadata: { name: 'prop-e2e-ns', namespace: 'prop-e2e-ns' }, spec: { template: { metadata: { labels: { team: 'a' } } }, placement: all } },
    ];
    await k(['create', 'namespace', 'prop-e2e-ns']).catch(() => '');
    for (const o of objects) await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'federation.herd.io/v1alpha1', ...o }));
    for (const member of members) {
      await eventually(`configmap in ${member}`, async () => (await memberGet(member, 'configmap', 'cfg'))?.data?.a === '1');
      await eventually(`secret in ${member}`, async () => Buffer.from((await memberGet(member, 'secret', 'sec'))?.data?.password ?? '', 'base64').toString() === 'p4ss');
      await eventually(`service in ${member}`, async () => (await memberGet(member, 'service', 'svc'))?.spec?.ports?.[0]?.port === 80);
      await eventually(`namespace in ${member}`, async () => {
        const r = await kubectl(fleet, member, ['get', 'namespace', 'prop-e2e-ns', '-o', 'json']);
        return r.code === 0 && (JSON.parse(r.stdout) as any).metadata.labels.team === 'a';
      });
    }
    // A CRD kind: the CRD in every member, its FederatedTypeConfig on Herd.
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  names: {kind: Gadget, plural: gadgets, singular: gadget, listKind: GadgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}}
`;
    for (const member of members) await kubectlOk(fleet, member, ['apply', '-f', '-'], crd);
    await k(['apply', '-f', '-'], 'apiVersion: federation.herd.io/v1alpha1\nkind: FederatedTypeConfig\nmetadata: {name: gadgets.example.com}\nspec:\n  targetType: {group: example.com, version: v1, kind: Gadget, pluralName: gadgets, scope: Namespaced}\n');
    await eventually('FederatedGadget served', async () => (await kubectl(fleet, host, ['get', 'federatedgadgets', '-n', NS])).code === 0);
    await eventually('FederatedGadget created', async () =>
      (await kubectl(fleet, host, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'federation.herd.io/v1alpha1', kind: 'FederatedGadget', metadata: { name: 'g', namespace: NS }, spec: { template: { spec: { size: 3 } }, placement: all } }))).code === 0,
    );
    for (const member of members) await eventually(`gadget in ${member}`, async () => (await memberGet(member, 'gadgets.example.com', 'g'))?.spec?.size === 3);
    await k(['wait', '--for=condition=Propagated', 'federatedgadget/g', '-n', NS, '--timeout=60s']);
  });

  it('a field removed from the template is removed from the members (server-side apply ownership)', async () => {
    const cm = (data: Record<string, string>) =>
      JSON.stringify({ apiVersion: 'federation.herd.io/v1alpha1', kind: 'FederatedConfigMap', metadata: { name: 'shrink', namespace: NS }, spec: { template: { data }, placement: { clusterSelector: {} } } });
    await k(['apply', '-f', '-'], cm({ a: '1', b: '2' }));
    for (const member of members) await eventually(`b in ${member}`, async () => (await memberGet(member, 'configmap', 'shrink'))?.data?.b === '2');
    await k(['apply', '-f', '-'], cm({ a: '1' }));
    for (const member of members) {
      await eventually(`b gone from ${member}`, async () => {
        const o = await memberGet(member, 'configmap', 'shrink');
        return o?.data?.a === '1' && o.data.b === undefined;
      });
    }
  });

  it('a PropagationPolicy places objects without spec.placement, an OverridePolicy changes them per cluster, and explain says why', async () => {
    const [eu, us] = members as [string, string, string];
    const policies = [
      {
        apiVersion: 'federation.herd.io/v1alpha1',
        kind: 'PropagationPolicy',
        metadata: { name: 'tier-web', namespace: NS },
        spec: { resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap', labelSelector: { matchLabels: { tier: 'web' } } }], placement: { clusters: [{ name: us }] } },
      },
      {
        apiVersion: 'federation.herd.io/v1alpha1',
        kind: 'OverridePolicy',
        metadata: { name: 'us-label', namespace: NS },
        spec: {
          resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap' }],
          rules: [{ targetClusters: { clusterNames: [us] }, overriders: { labels: [{ operator: 'add', value: { region: 'us' } }], jsonPatch: [{ op: 'add', path: '/data/where', value: 'us' }] } }],
        },
      },
    ];
    for (const p of policies) await k(['apply', '-f', '-'], JSON.stringify(p));
    await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'federation.herd.io/v1alpha1', kind: 'FederatedConfigMap', metadata: { name: 'by-policy', namespace: NS, labels: { tier: 'web' } }, spec: { template: { data: { a: '1' } } } }));
    await k(['wait', '--for=condition=Propagated', 'federatedconfigmap/by-policy', '-n', NS, '--timeout=60s']);
    const fed = await federated('federatedconfigmap', 'by-policy');
    expect(fed.status.policy).toEqual({ kind: 'PropagationPolicy', namespace: NS, name: 'tier-web' });
    const copy = await memberGet(us, 'configmap', 'by-policy');
    expect(copy?.metadata.labels.region).toBe('us');
    expect(copy?.data).toEqual({ a: '1', where: 'us' });
    expect(await memberGet(eu, 'configmap', 'by-policy')).toBeUndefined();
    const explained = JSON.parse(await k(['get', '--raw', `/apis/federation.herd.io/v1alpha1/namespaces/${NS}/federatedconfigmaps/by-policy/placement`])) as any;
    expect(explained).toMatchObject({ kind: 'PlacementExplanation', policy: { name: 'tier-web' } });
    expect(explained.clusters.find((c: any) => c.cluster === eu)).toMatchObject({ selected: false, filter: 'ClusterNames' });
    expect(explained.clusters.find((c: any) => c.cluster === us)).toMatchObject({ selected: true });
    // The policies count what they match (kubectl get pp shows it in the Matched column).
    await eventually('PropagationPolicy matched 1', async () => (await k(['get', 'pp', 'tier-web', '-n', NS, '-o', 'jsonpath={.status.matchedResources}'])) === '1');
    await eventually('OverridePolicy matched', async () => Number(await k(['get', 'op', 'us-label', '-n', NS, '-o', 'jsonpath={.status.matchedResources}'])) >= 1);
  });

  it('an object Herd does not manage is reported as a Conflict, and adopted when asked', async () => {
    const eu = members[0]!;
    await m(eu, ['create', 'configmap', 'theirs', '-n', NS, '--from-literal=owner=them']);
    const fedCm = (annotations: object) =>
      JSON.stringify({ apiVersion: 'federation.herd.io/v1alpha1', kind: 'FederatedConfigMap', metadata: { name: 'theirs', namespace: NS, annotations }, spec: { template: { data: { owner: 'herd' } }, placement: { clusters: [{ name: eu }] } } });
    await k(['apply', '-f', '-'], fedCm({}));
    const fed = await eventually('conflict reported', async () => {
      const f = await federated('federatedconfigmap', 'theirs');
      return f.status?.clusters?.[0]?.phase === 'Conflict' ? f : undefined;
    });
    expect(fed.status.conditions.find((c: any) => c.type === 'Propagated')).toMatchObject({ status: 'False', reason: 'Conflict' });
    expect((await memberGet(eu, 'configmap', 'theirs'))?.data.owner).toBe('them');
    await k(['apply', '-f', '-'], fedCm({ 'federation.herd.io/conflict-resolution': 'Overwrite' }));
    await eventually('adopted', async () => (await memberGet(eu, 'configmap', 'theirs'))?.data.owner === 'herd');
  });

  it.runIf(fleet.provider === 'local')('a member outage: ClusterNotReady within 2 probe intervals, replicas move after the grace period and come back, updates reach it after', async () => {
    const ap = members[2]!;
    const PERIOD = 2;
    await k(['patch', 'membercluster', ap, '--type=merge', '-p', JSON.stringify({ spec: { healthCheck: { periodSeconds: PERIOD, timeoutSeconds: 1 } } })]);
    const all = { clusterSelector: {} };
    await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'federation.herd.io/v1alpha1', kind: 'FederatedConfigMap', metadata: { name: 'outage', namespace: NS }, spec: { template: { data: { v: '1' } }, placement: all } }));
    await k(['apply', '-f', '-'], deployment('cap', { ...all, tolerations: [{ key: 'federation.herd.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }], replicaScheduling: { type: 'Divide', weighting: 'Dynamic' } }));
    await k(['wait', '--for=condition=Ready', 'federateddeployment/cap', 'federatedconfigmap/outage', '-n', NS, '--timeout=120s']);
    const share = async (): Promise<Record<string, number>> => Object.fromEntries(((await federated('federateddeployment', 'cap')).status.clusters as any[]).filter((c) => c.phase !== 'Deleting').map((c) => [c.name, c.replicas as number]));
    expect((await share())[ap]).toBeGreaterThan(0);

    const apiserver = await stopComponent(fleet.stateDir!, `${ap}/kube-apiserver`);
    const stoppedAt = Date.now();
    try {
      await eventually('ClusterNotReady', async () => {
        const f = await federated('federatedconfigmap', 'outage');
        return (f.status.clusters as any[]).find((c) => c.name === ap)?.phase === 'ClusterNotReady';
      }, 30_000);
      const notReadyAfter = (Date.now() - stoppedAt) / 1000;
      console.log(`[e2e] ClusterNotReady ${notReadyAfter.toFixed(1)} s after the stop (probe period ${PERIOD} s)`);
      expect(notReadyAfter).toBeLessThanOrEqual(2 * PERIOD + 1.5);
      await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'federation.herd.io/v1alpha1', kind: 'FederatedConfigMap', metadata: { name: 'outage', namespace: NS }, spec: { template: { data: { v: '2' } }, placement: all } }));
      const moved = await eventually('replicas moved away', async () => {
        const s = await share();
        return s[ap] === undefined && Object.values(s).reduce((a, b) => a + b, 0) === 6 ? s : undefined;
      }, 60_000);
      expect(Object.keys(moved).sort()).toEqual([members[0], members[1]].sort());
    } finally {
      await apiserver.start();
    }
    await eventually('update reached the member', async () => (await memberGet(ap, 'configmap', 'outage'))?.data?.v === '2', 90_000);
    await eventually('replicas back', async () => ((await share())[ap] ?? 0) > 0, 90_000);
    const counts = await Promise.all(members.map(async (c) => (await memberGet(c, 'deployment', 'cap'))?.spec.replicas ?? 0));
    expect(counts.reduce((a: number, b: number) => a + b, 0)).toBe(6);
  });

  it('a member credential that stops working shows CredentialsInvalid, without leaking it', async () => {
    const eu = members[0]!;
    const mc = JSON.parse(await k(['get', 'membercluster', eu, '-o', 'json'])) as any;
    const broken = {
      apiVersion: 'federation.herd.io/v1alpha1',
      kind: 'MemberCluster',
      metadata: { name: 'broken' },
      spec: { ...mc.spec, secretRef: { namespace: 'herd-system', name: 'member-broken' }, healthCheck: { periodSeconds: 2 } },
    };
    const token = 'not-a-valid-token-0123456789abcdef';
    await k(['create', 'secret', 'generic', 'member-broken', '-n', 'herd-system', `--from-literal=token=${token}`]);
    try {
      await k(['apply', '-f', '-'], JSON.stringify(broken));
      await k(['wait', '--for=condition=CredentialsInvalid', 'membercluster/broken', '--timeout=60s']);
      const out = await k(['get', 'membercluster', 'broken', '-o', 'json']);
      expect(JSON.parse(out).status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'CredentialsInvalid' });
      expect(out).not.toContain(token);
      if (fleet.stateDir) {
        const { readFileSync } = await import('node:fs');
        expect(readFileSync(`${fleet.stateDir}/herd/herd.log`, 'utf8')).not.toContain(token);
      }
    } finally {
      await k(['delete', 'membercluster', 'broken', '--wait=false']).catch(() => '');
      await k(['delete', 'secret', 'member-broken', '-n', 'herd-system']).catch(() => '');
    }
  });

  it('a template every member would refuse is refused at create with the member\'s causes', async () => {
    const bad = JSON.stringify({
      apiVersion: 'federation.herd.io/v1alpha1',
      kind: 'FederatedDeployment',
      metadata: { name: 'refused', namespace: NS },
      spec: {
        template: { spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
        placement: { clusterSelector: {} },
      },
    });
    const r = await kubectl(fleet, host, ['create', '-f', '-'], bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('spec.template.spec.template.metadata.labels');
    expect(r.stderr).toContain('selector');
    expect((await kubectl(fleet, host, ['get', 'federateddeployment', 'refused', '-n', NS])).code).not.toBe(0);
  });
});
