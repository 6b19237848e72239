import { ADD, CoreV1Api, DELETE, KubeConfig, UPDATE, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CLUSTER_LABEL } from '../api/fleet/v1alpha1/well-known.js';
import { FLEET_CONTEXT, memberContextName } from '../server/cli/fleet-contexts.js';
import { stopComponent } from './fleet/component-outage.js';
import { eventually } from './fleet/eventually.js';
import type { E2eFleet } from './fleet/fleet-provider.js';
import { contextNames, withFleetViewContexts } from './fleet/fleet-view-kubeconfig.js';
import { kubectl, kubectlOk } from './fleet/kubectl.js';
import { kubectlWatch } from './fleet/kubectl-watch.js';
import { objectKey, servedKeys } from './fleet/served-names.js';
import { parseTable } from './fleet/table-output.js';
import { hostTokenUser, type TokenUser } from './fleet/token-user.js';

// Acceptance of the fleet view (docs/fleet-view.md) with plain kubectl and client-node through the contexts `fleet`
// and `<member>@fleet`: every member's objects in one list and one watch, selectors and paging across members,
// discovery, get by name, an informer through a member outage, each member's RBAC for other users, writes refused by
// the view and done through a member proxy as the caller. Member objects are read from each member's own apiserver
// to compare.

const fleet = inject('fleet');
/** The same fleet with the contexts `fleet` and `<member>@fleet` (the local fleet's kubeconfig has them). */
const view = withFleetViewContexts(fleet);
const host = fleet.hostContext;
const members = fleet.memberContexts;
const [m1, m2, m3] = members as [string, string, string];
const NS = 'fleet-view-e2e';
const INFORMER_LABEL = 'fleet-view-e2e/informer';
const IMAGE = 'registry.example/web:1.0';

interface Obj {
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: { manager?: string }[];
  };
  data?: Record<string, string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const direct = (member: string, args: readonly string[], input?: string) => kubectlOk(fleet, member, args, input);
const apply = (context: string, object: object) => kubectlOk(fleet, context, ['apply', '-f', '-'], JSON.stringify(object));

async function items(f: E2eFleet, context: string, args: readonly string[]): Promise<Obj[]> {
  return (JSON.parse(await kubectlOk(f, context, ['get', ...args, '-o', 'json'])) as { items: Obj[] }).items;
}

/** `cluster|namespace/name` of what `kubectl get <args>` lists in each of `only`, read from the members directly. */
async function directEntries(args: readonly string[], only: readonly string[] = members): Promise<string[]> {
  const per = await Promise.all(only.map(async (m) => (await items(fleet, m, args)).map((o) => `${m}|${objectKey(o)}`)));
  return per.flat().sort();
}

/** An object of the view as `cluster|namespace/name`: its origin from the herd.io/cluster label, its name without `@cluster`. */
function viewEntry(o: Obj): string {
  const cluster = o.metadata.labels?.[CLUSTER_LABEL] ?? '(no cluster label)';
  return `${cluster}|${o.metadata.namespace ?? ''}/${withoutClusterSuffix(o.metadata.name, cluster)}`;
}

function withoutClusterSuffix(name: string, cluster: string): string {
  return name.endsWith(`@${cluster}`) ? name.slice(0, -cluster.length - 1) : name;
}

const sameList = (a: readonly string[], b: readonly string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

function difference(seen: readonly string[], wanted: readonly string[]): string {
  const missing = wanted.filter((w) => !seen.includes(w));
  const extra = seen.filter((s) => !wanted.includes(s));
  return `missing: ${JSON.stringify(missing)}\nextra: ${JSON.stringify(extra)}`;
}

/**
 * Waits until `readView` equals `readExpected`, read just before and after the view (so a moment when other suites'
 * objects come and go is retried, not reported). On timeout the error lists what is missing and what is extra.
 */
async function expectSameAs(what: string, readView: () => Promise<string[]>, readExpected: () => Promise<string[]>, timeoutMs = 30_000): Promise<string[]> {
  let last = { seen: [] as string[], wanted: [] as string[] };
  return eventually(
    what,
    async () => {
      const before = await readExpected();
      const seen = await readView();
      const after = await readExpected();
      last = { seen, wanted: after };
      return sameList(before, after) && sameList(seen, after) ? seen : undefined;
    },
    { timeoutMs, describe: () => difference(last.seen, last.wanted) },
  );
}

function deployment(name: string, replicas: number): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: IMAGE, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  };
}

const configMap = (name: string, data: Record<string, string> = { v: '1' }, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: NS, labels },
  data,
});

/** Lines of kubectl's stderr that are not `-v` log lines: what kubectl reports to the user. */
const reported = (stderr: string) => stderr.split('\n').filter((l) => l.trim() !== '' && !/^[IWE]\d{4} /.test(l)).join('\n');

describe.runIf(members.length >= 3)('the fleet view through kubectl and client-node', () => {
  beforeAll(async () => {
    await kubectlOk(fleet, host, ['wait', '--for=condition=Available', 'apiservice/v1alpha1.fleet.herd.io', '--timeout=120s']);
    await kubectl(fleet, host, ['create', 'namespace', NS]);
    // The same app in every member: 2 pods each, Running on the simulated nodes.
    for (const m of members) {
      await kubectl(fleet, m, ['create', 'namespace', NS]);
      await apply(m, deployment('web', 2));
    }
    for (const m of members) await direct(m, ['-n', NS, 'rollout', 'status', 'deployment/web', '--timeout=150s']);
  }, 400_000);

  afterAll(async () => {
    for (const m of members) {
      await kubectl(fleet, m, ['delete', 'namespace', NS, '--wait=false']);
      await kubectl(fleet, m, ['delete', 'clusterrole,clusterrolebinding', '-l', 'fleet-view-e2e=true']);
    }
    await kubectl(fleet, host, ['delete', 'clusterrolebinding', '-l', 'fleet-view-e2e=true']);
    await kubectl(fleet, host, ['delete', 'namespace', NS, '--wait=false']);
  });

  it.runIf(fleet.provider === 'local')('herd dev up wrote the contexts fleet and <member>@fleet into the fleet kubeconfig', () => {
    expect(contextNames(fleet.kubeconfig)).toEqual(expect.arrayContaining([FLEET_CONTEXT, ...members.map(memberContextName)]));
  });

  it("kubectl get pods -A shows every member's pods, with a CLUSTER column after NAME, ordered by namespace, name, cluster", async () => {
    let table: ReturnType<typeof parseTable> = { columns: [], rows: [] };
    await expectSameAs(
      "the view's pods -A = the members' pods",
      async () => {
        table = parseTable(await kubectlOk(view, FLEET_CONTEXT, ['get', 'pods', '-A']));
        return table.rows.map((r) => `${r.CLUSTER}|${r.NAMESPACE}/${withoutClusterSuffix(r.NAME!, r.CLUSTER!)}`);
      },
      () => directEntries(['pods', '-A']),
    );
    expect(table.columns).toEqual(['NAMESPACE', 'NAME', 'CLUSTER', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const ours = table.rows.filter((r) => r.NAMESPACE === NS);
    expect(ours.map((r) => r.CLUSTER).sort()).toEqual(members.flatMap((m) => [m, m]).sort());
    for (const r of ours) expect([r.READY, r.STATUS]).toEqual(['1/1', 'Running']);
    const order = table.rows.map((r) => [r.NAMESPACE!, withoutClusterSuffix(r.NAME!, r.CLUSTER!), r.CLUSTER!] as const);
    const sorted = [...order].sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] !== b[1] ? (a[1] < b[1] ? -1 : 1) : a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
    expect(order).toEqual(sorted);
  });

  it('kubectl get deploy -A -w shows a Deployment created directly in member-3 within 1 s', async () => {
    const watch = kubectlWatch(view, FLEET_CONTEXT, ['get', 'deployments', '-A', '-w']);
    try {
      // A first event proves the watch runs (the view's deployments cache may take a moment to fill the first time).
      const warmup = `warmup-${Date.now()}`;
      await apply(m1, deployment(warmup, 0));
      await watch.waitFor((l) => l.includes(warmup), 20_000);
      await sleep(1000);
      const name = `fresh-${Date.now()}`;
      const asked = Date.now();
      await apply(m3, deployment(name, 0));
      const created = Date.now();
      const line = await watch.waitFor((l) => l.includes(` ${name} `), 15_000);
      console.log(
        `[fleet-view] deployment ${name} created in ${m3}: in the fleet watch ${line.at - created} ms after kubectl apply returned (${line.at - asked} ms after it started)`,
      );
      expect(line.line.trim().split(/\s+/).slice(0, 3)).toEqual([NS, name, m3]);
      expect(Math.max(0, line.at - created)).toBeLessThan(1000);
    } finally {
      watch.stop();
    }
  });

  it('-l herd.io/cluster=… narrows to those members (=, in, !=), also with another selector', async () => {
    const viaView = (selector: string) => async () => (await items(view, FLEET_CONTEXT, ['pods', '-A', '-l', selector])).map(viewEntry);
    await expectSameAs(`${CLUSTER_LABEL}=${m2}`, viaView(`${CLUSTER_LABEL}=${m2}`), () => directEntries(['pods', '-A'], [m2]));
    await expectSameAs(`${CLUSTER_LABEL} in (${m1},${m3})`, viaView(`${CLUSTER_LABEL} in (${m1},${m3})`), () => directEntries(['pods', '-A'], [m1, m3]));
    await expectSameAs(`${CLUSTER_LABEL}!=${m2}`, viaView(`${CLUSTER_LABEL}!=${m2}`), () => directEntries(['pods', '-A'], members.filter((m) => m !== m2)));
    const ours = await items(view, FLEET_CONTEXT, ['pods', '-n', NS, '-l', `app=web,${CLUSTER_LABEL}=${m2}`]);
    expect(ours.map(viewEntry).sort()).toEqual(await directEntries(['pods', '-n', NS, '-l', 'app=web'], [m2]));
  });

  it('--chunk-size=2 pages across clusters and lists the same objects as one page', async () => {
    const paged = await kubectl(view, FLEET_CONTEXT, ['get', 'pods', '-n', NS, '--chunk-size=2', '-o', 'json', '-v=6']);
    expect(paged.code, reported(paged.stderr)).toBe(0);
    const pageRequests = paged.stderr.split('\n').filter((l) => l.includes(`/namespaces/${NS}/pods?`) && l.includes('limit=2'));
    expect(pageRequests.length, paged.stderr).toBeGreaterThanOrEqual(3); // 6 pods, 2 a page
    expect(pageRequests.filter((l) => l.includes('continue=')).length).toBe(pageRequests.length - 1);
    const pagedEntries = (JSON.parse(paged.stdout) as { items: Obj[] }).items.map(viewEntry);
    expect(pagedEntries.sort()).toEqual(await directEntries(['pods', '-n', NS]));
    await expectSameAs(
      'pods -A in pages of 2 = in one page',
      async () => (await items(view, FLEET_CONTEXT, ['pods', '-A', '--chunk-size=2'])).map(viewEntry),
      async () => (await items(view, FLEET_CONTEXT, ['pods', '-A'])).map(viewEntry),
    );
  });

  it('kubectl api-resources works and lists pods and deployments, read-only', async () => {
    const table = parseTable(await kubectlOk(view, FLEET_CONTEXT, ['api-resources', '-o', 'wide']));
    const pods = table.rows.find((r) => r.NAME === 'pods');
    expect(pods).toMatchObject({ APIVERSION: 'v1', NAMESPACED: 'true', KIND: 'Pod', VERBS: 'get,list,watch' });
    expect(table.rows.find((r) => r.NAME === 'deployments')).toMatchObject({ APIVERSION: 'apps/v1', NAMESPACED: 'true', KIND: 'Deployment', VERBS: 'get,list,watch' });
    expect(table.rows.find((r) => r.NAME === 'namespaces')).toMatchObject({ APIVERSION: 'v1', NAMESPACED: 'false' });
  });

  it('kubectl get pod NAME -o yaml works for a unique name and carries the herd.io/cluster label and annotation', async () => {
    const pod = (await items(fleet, m2, ['pods', '-n', NS, '-l', 'app=web']))[0]!;
    const got = parseYaml(await kubectlOk(view, FLEET_CONTEXT, ['get', 'pod', pod.metadata.name, '-n', NS, '-o', 'yaml'])) as Obj;
    expect(got.kind).toBe('Pod');
    expect(got.metadata.name).toBe(pod.metadata.name);
    expect(got.metadata.uid).toBe(pod.metadata.uid);
    expect(got.metadata.labels?.[CLUSTER_LABEL]).toBe(m2);
    expect(got.metadata.annotations?.[CLUSTER_LABEL]).toBe(m2);
  });

  it('a name in several members is served as <name>@<cluster>; get of the plain name answers 409 naming the clusters', async () => {
    await apply(m1, configMap('same', { from: m1 }));
    await apply(m2, configMap('same', { from: m2 }));
    const copy = await eventually(`same@${m2} in the view`, async () => {
      const r = await kubectl(view, FLEET_CONTEXT, ['get', 'configmap', `same@${m2}`, '-n', NS, '-o', 'json']);
      return r.code === 0 ? (JSON.parse(r.stdout) as Obj) : undefined;
    });
    expect(copy.metadata.name).toBe(`same@${m2}`);
    expect(copy.metadata.labels?.[CLUSTER_LABEL]).toBe(m2);
    expect(copy.data).toEqual({ from: m2 });
    const plain = await kubectl(view, FLEET_CONTEXT, ['get', 'configmap', 'same', '-n', NS, '-v=6']);
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(/409 Conflict/);
    expect(reported(plain.stderr)).toContain(m1);
    expect(reported(plain.stderr)).toContain(m2);
  });

  it('writes through the fleet context answer 405 with a message naming the member proxy', async () => {
    const created = await kubectl(view, FLEET_CONTEXT, ['create', 'configmap', 'refused', '-n', NS, '--from-literal=k=v', '-v=6']);
    expect(created.code).not.toBe(0);
    expect(created.stderr).toMatch(/405 Method Not Allowed/);
    expect(reported(created.stderr)).toMatch(/clusters\/\S+\/proxy|@fleet/);
    for (const m of members) expect((await kubectl(fleet, m, ['get', 'configmap', 'refused', '-n', NS])).stderr).toMatch(/NotFound/);

    const pod = (await items(fleet, m1, ['pods', '-n', NS, '-l', 'app=web']))[0]!.metadata.name;
    const deleted = await kubectl(view, FLEET_CONTEXT, ['delete', 'pod', pod, '-n', NS, '--wait=false']);
    expect(deleted.code).not.toBe(0);
    expect(deleted.stderr).toMatch(/MethodNotAllowed/);
    await direct(m1, ['get', 'pod', pod, '-n', NS]);
  });

  it("member-2@fleet: get pods -A equals member-2's, and kubectl create writes in member-2", async () => {
    const ctx = memberContextName(m2);
    await expectSameAs(
      `pods -A through ${ctx} = ${m2}'s`,
      async () => (await items(view, ctx, ['pods', '-A'])).map((o) => `${m2}|${objectKey(o)}|${o.metadata.uid}`),
      async () => (await items(fleet, m2, ['pods', '-A'])).map((o) => `${m2}|${objectKey(o)}|${o.metadata.uid}`),
    );
    await kubectlOk(view, ctx, ['create', 'configmap', 'through-proxy', '-n', NS, '--from-literal=k=v']);
    const made = JSON.parse(await direct(m2, ['get', 'configmap', 'through-proxy', '-n', NS, '-o', 'json', '--show-managed-fields'])) as Obj;
    expect(made.data).toEqual({ k: 'v' });
    expect(made.metadata.managedFields?.map((f) => f.manager)).toContain('kubectl-create');
  });

  it('member-2@fleet: kubectl logs answers as the member itself does', async () => {
    const pod = (await items(fleet, m2, ['pods', '-n', NS, '-l', 'app=web']))[0]!.metadata.name;
    const own = await kubectl(fleet, m2, ['logs', pod, '-n', NS]);
    const proxied = await kubectl(view, memberContextName(m2), ['logs', pod, '-n', NS]);
    // kwok simulates these pods' kubelets without serving logs, so the member itself may refuse: then the proxy must
    // pass the member's own refusal through, word for word, rather than one of its own.
    expect({ code: proxied.code === 0, stdout: proxied.stdout, stderr: proxied.stderr.trim() }).toEqual({ code: own.code === 0, stdout: own.stdout, stderr: own.stderr.trim() });
  });

  describe("other users see what their own RBAC on each member allows", () => {
    let reader: TokenUser;
    let writer: TokenUser;
    const marked = { labels: { 'fleet-view-e2e': 'true' } };

    beforeAll(async () => {
      // Two ServiceAccounts of the host as users; the members know them only by name (Herd passes it on).
      reader = await hostTokenUser(fleet, NS, 'reader');
      writer = await hostTokenUser(fleet, NS, 'writer');
      // On the host, the aggregated default roles: view (get on views/proxy and clusters/proxy), edit (also writes
      // through clusters/proxy).
      const hostBinding = (name: string, role: string, user: string) => ({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name, ...marked },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ kind: 'ServiceAccount', name: user, namespace: NS }],
      });
      await apply(host, hostBinding('fleet-view-e2e-reader', 'view', 'reader'));
      await apply(host, hostBinding('fleet-view-e2e-writer', 'edit', 'writer'));
      // member-1: the reader may read pods, nothing else. member-2: the writer may create and read ConfigMaps in NS.
      await apply(m1, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'fleet-view-e2e-pod-reader', ...marked },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
      });
      await apply(m1, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'fleet-view-e2e-pod-reader', ...marked },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'fleet-view-e2e-pod-reader' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: reader.username }],
      });
      await apply(m2, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'configmap-writer', namespace: NS },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'create'] }],
      });
      await apply(m2, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'configmap-writer', namespace: NS },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-writer' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: writer.username }],
      });
    });

    it("a user allowed to read pods only in member-1 sees only member-1's pods through the fleet context", async () => {
      await expectSameAs(
        `the reader's pods -A = ${m1}'s`,
        async () => (await items(reader.fleet, FLEET_CONTEXT, ['pods', '-A'])).map(viewEntry),
        () => directEntries(['pods', '-A'], [m1]),
      );
      // No member lets it: 403, as a kube-apiserver answers.
      const configMaps = await kubectl(reader.fleet, FLEET_CONTEXT, ['get', 'configmaps', '-n', NS]);
      expect(configMaps.code, `answered: ${configMaps.stdout}${configMaps.stderr}`).not.toBe(0);
      expect(configMaps.stderr).toMatch(/forbidden/i);
      // Narrowed to a member that refuses, it is the same: every member asked refuses.
      const onlyM2 = await kubectl(reader.fleet, FLEET_CONTEXT, ['get', 'pods', '-n', NS, '-l', `${CLUSTER_LABEL}=${m2}`]);
      expect(onlyM2.code, `answered: ${onlyM2.stdout}${onlyM2.stderr}`).not.toBe(0);
      expect(onlyM2.stderr).toMatch(/forbidden/i);
    });

    it('through the member proxies the reader reads as itself, and view on the host does not let it write', async () => {
      const own = (await items(fleet, m1, ['pods', '-n', NS])).map((o) => o.metadata.uid).sort();
      expect((await items(reader.fleet, memberContextName(m1), ['pods', '-n', NS])).map((o) => o.metadata.uid).sort()).toEqual(own);
      const m2Pods = await kubectl(reader.fleet, memberContextName(m2), ['get', 'pods', '-n', NS]);
      expect(m2Pods.code).not.toBe(0);
      expect(m2Pods.stderr).toMatch(/forbidden/i);
      expect(m2Pods.stderr).toContain(reader.username);
      const write = await kubectl(reader.fleet, memberContextName(m1), ['create', 'configmap', 'by-reader', '-n', NS]);
      expect(write.code).not.toBe(0);
      expect(write.stderr).toMatch(/forbidden/i);
      expect(write.stderr).toContain('clusters/proxy'); // refused by the host: view has no create on clusters/proxy
    });

    it('member-2@fleet writes as the caller: the writer creates in member-2, is refused in member-1', async () => {
      const who = JSON.parse(await kubectlOk(writer.fleet, memberContextName(m2), ['auth', 'whoami', '-o', 'json'])) as { status: { userInfo: { username: string } } };
      expect(who.status.userInfo.username).toBe(writer.username);
      await kubectlOk(writer.fleet, memberContextName(m2), ['create', 'configmap', 'by-writer', '-n', NS, '--from-literal=k=v']);
      const made = JSON.parse(await direct(m2, ['get', 'configmap', 'by-writer', '-n', NS, '-o', 'json'])) as Obj;
      expect(made.data).toEqual({ k: 'v' });
      const refused = await kubectl(writer.fleet, memberContextName(m1), ['create', 'configmap', 'by-writer', '-n', NS, '--from-literal=k=v']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/forbidden/i);
      expect(refused.stderr).toContain(writer.username);
      expect((await kubectl(fleet, m1, ['get', 'configmap', 'by-writer', '-n', NS])).stderr).toMatch(/NotFound/);
    });
  });

  it("a client-node informer syncs, follows every member, keeps running through a member's outage and ends with the members' union", async () => {
    const labels = { [INFORMER_LABEL]: 'true' };
    const put = (m: string, name: string, data: Record<string, string> = { v: '1' }) => apply(m, configMap(name, data, labels));
    await put(m1, 'inf-a');
    await put(m2, 'inf-b');
    await put(m3, 'inf-c');
    await put(m1, 'inf-shared');
    await put(m2, 'inf-shared');

    const kc = new KubeConfig();
    kc.loadFromFile(view.kubeconfig);
    kc.setCurrentContext(FLEET_CONTEXT);
    const api = kc.makeApiClient(CoreV1Api);
    const selector = `${INFORMER_LABEL}=true`;
    const informer = makeInformer<V1ConfigMap>(
      kc,
      `/api/v1/namespaces/${NS}/configmaps`,
      () => api.listNamespacedConfigMap({ namespace: NS, labelSelector: selector }),
      selector,
    );
    const events: string[] = [];
    const errors: unknown[] = [];
    informer.on(ADD, (o) => events.push(`ADD ${o.metadata?.name}`));
    informer.on(UPDATE, (o) => events.push(`UPDATE ${o.metadata?.name}`));
    informer.on(DELETE, (o) => events.push(`DELETE ${o.metadata?.name}`));
    informer.on('error', (err: unknown) => errors.push(err));
    const cached = () => informer.list().map((o) => `${o.metadata?.name}`).sort();
    /** What the view must serve: the members' labelled ConfigMaps, named by the collision rule. */
    const wanted = async () =>
      servedKeys(new Map(await Promise.all(members.map(async (m) => [m, (await items(fleet, m, ['configmaps', '-n', NS, '-l', selector])).map(objectKey)] as const)))).map(
        (k) => k.slice(NS.length + 1),
      );
    const event = (e: string, timeoutMs = 15_000) =>
      eventually(`informer event ${e}`, () => events.includes(e), { timeoutMs, intervalMs: 50, describe: () => `events: ${events.join(', ')}; errors: ${errors.map(String).join(', ')}` });

    await informer.start();
    try {
      await expectSameAs('the informer synced', async () => cached(), wanted);
      expect(cached()).toEqual(['inf-a', 'inf-b', 'inf-c', `inf-shared@${m1}`, `inf-shared@${m2}`]);

      await put(m3, 'inf-c2');
      await event('ADD inf-c2');
      await put(m1, 'inf-a', { v: '2' });
      await event('UPDATE inf-a');
      await direct(m2, ['delete', 'configmap', 'inf-b', '-n', NS]);
      await event('DELETE inf-b');
      // The collision ends: the copy left is served under its own name again, its old name deleted first.
      await direct(m1, ['delete', 'configmap', 'inf-shared', '-n', NS]);
      await event('ADD inf-shared');
      expect(events.indexOf(`DELETE inf-shared@${m2}`)).toBeGreaterThanOrEqual(0);
      expect(events.indexOf(`DELETE inf-shared@${m2}`)).toBeLessThan(events.lastIndexOf('ADD inf-shared'));

      if (fleet.provider === 'local' && fleet.stateDir) {
        const outage = await stopComponent(fleet.stateDir, `${m3}/kube-apiserver`);
        try {
          await sleep(2000);
          // The other members' events keep flowing.
          await put(m1, 'inf-during-outage');
          await event('ADD inf-during-outage');
          await put(m2, 'inf-during-outage-2');
          await event('ADD inf-during-outage-2');
          expect(errors).toEqual([]);
        } finally {
          await outage.start();
        }
        // Herd resumes member-3's watch: its new events come through the same informer.
        await put(m3, 'inf-after-outage');
        await event('ADD inf-after-outage', 90_000);
        await direct(m3, ['delete', 'configmap', 'inf-c2', '-n', NS]);
        await event('DELETE inf-c2', 30_000);
      }

      await expectSameAs("the informer's cache = the members' union", async () => cached(), wanted);
      for (const o of informer.list()) {
        const cluster = o.metadata?.labels?.[CLUSTER_LABEL];
        expect(members).toContain(cluster);
        expect(o.metadata?.annotations?.[CLUSTER_LABEL]).toBe(cluster);
      }
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  }, 400_000);
});
