import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readFleetState } from './controlplane/fleet-state.js';
import { tlsRequest } from './controlplane/tls-request.js';
import { kubectl, kubectlOk } from './fleet/kubectl.js';

const fleet = inject('fleet');
const host = fleet.hostContext;
const ns = `e2e-api-${Date.now()}`;
const k = (args: readonly string[], input?: string) => kubectlOk(fleet, host, args, input);
const kr = (args: readonly string[], input?: string) => kubectl(fleet, host, args, input);

const configMap = (name: string, extra = '') => `apiVersion: federation.herd.io/v1alpha1
kind: FederatedConfigMap
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${name}
spec:
  template:
    data:
      greeting: hello
${extra}`;

describe('federation.herd.io through the host kube-apiserver', () => {
  it('is Available and discoverable, with every resource and its docs', async () => {
    const svc = JSON.parse(await k(['get', 'apiservice', 'v1alpha1.federation.herd.io', '-o', 'json'])) as {
      status: { conditions: { type: string; status: string }[] };
    };
    expect(svc.status.conditions).toContainEqual(expect.objectContaining({ type: 'Available', status: 'True' }));
    const resources = (await k(['api-resources', '--api-group=federation.herd.io', '-o', 'name'])).trim().split('\n');
    for (const r of ['memberclusters', 'federatedtypeconfigs', 'propagationpolicies', 'clusterpropagationpolicies', 'overridepolicies', 'globalloadbalancers']) {
      expect(resources).toContain(`${r}.federation.herd.io`);
    }
    for (const kind of ['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'services', 'ingresses', 'configmaps', 'secrets', 'serviceaccounts', 'namespaces', 'roles', 'rolebindings', 'persistentvolumeclaims']) {
      expect(resources).toContain(`federated${kind}.federation.herd.io`);
    }
    const explain = await k(['explain', 'federateddeployment.spec.placement']);
    expect(explain).toContain('KIND:       FederatedDeployment');
    expect(explain).toMatch(/clusterSelector\s+<Object>/);
  });

  it('creates, reads, changes, watches and deletes with plain kubectl', async () => {
    await k(['create', 'namespace', ns]);
    const watch = kr(['-n', ns, 'get', 'fcm', '--watch', '--output-watch-events', '--request-timeout=10s']);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await k(['create', '-f', '-'], configMap('alpha'))).toContain('federatedconfigmap.federation.herd.io/alpha created');
    await k(['create', '-f', '-'], configMap('beta'));

    const table = await k(['-n', ns, 'get', 'fcm']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+.*AGE$/);
    expect(table).toMatch(/^alpha\s/m);
    expect(await k(['-n', ns, 'get', 'fcm', '-o', 'wide'])).toMatch(/^beta\s/m);
    expect(await k(['get', 'fcm', '-A'])).toMatch(new RegExp(`^${ns}\\s+alpha\\s`, 'm'));
    expect((await k(['-n', ns, 'get', 'fcm', '-l', 'app=beta', '-o', 'name'])).trim()).toBe('federatedconfigmap.federation.herd.io/beta');
    expect((await k(['-n', ns, 'get', 'fcm', '--field-selector', 'metadata.name=alpha', '-o', 'name'])).trim()).toBe('federatedconfigmap.federation.herd.io/alpha');
    expect((await k(['-n', ns, 'get', 'fcm', '--chunk-size=1', '-o', 'name'])).trim().split('\n')).toHaveLength(2);
    expect((await k(['-n', ns, 'get', 'fcm', '--sort-by=.metadata.name', '-o', 'name'])).trim().split('\n')).toEqual([
      'federatedconfigmap.federation.herd.io/alpha',
      'federatedconfigmap.federation.herd.io/beta',
    ]);
    const yaml = await k(['-n', ns, 'get', 'fcm', 'alpha', '-o', 'yaml']);
    expect(yaml).toMatch(/uid: [0-9a-f-]{36}/);
    expect(await k(['-n', ns, 'describe', 'fcm', 'alpha'])).toMatch(/Name:\s+alpha/);

    // client-side apply: create, no-op, change
    const applied = configMap('gamma');
    expect(await k(['apply', '-f', '-'], applied)).toContain('created');
    expect(await k(['apply', '-f', '-'], applied)).toContain('unchanged');
    const changed = applied.replace('greeting: hello', 'greeting: hi');
    const diff = await kr(['diff', '-f', '-'], changed);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('greeting: hi');
    expect(await k(['apply', '-f', '-'], changed)).toContain('configured');

    await k(['-n', ns, 'patch', 'fcm', 'alpha', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/template/data/greeting","value":"hey"}]']);
    await k(['-n', ns, 'patch', 'fcm', 'alpha', '--type', 'merge', '-p', '{"spec":{"template":{"data":{"extra":"1"}}}}']);
    const alpha = JSON.parse(await k(['-n', ns, 'get', 'fcm', 'alpha', '-o', 'json'])) as { metadata: { generation: number }; spec: { template: { data: Record<string, string> } } };
    expect(alpha.spec.template.data).toEqual({ greeting: 'hey', extra: '1' });
    expect(alpha.metadata.generation).toBe(3);
    const strategic = await kr(['-n', ns, 'patch', 'fcm', 'alpha', '--type', 'strategic', '-p', '{}']);
    expect(strategic.code).not.toBe(0);
    expect(strategic.stderr).toContain('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    // kubectl edit with a scripted editor
    process.env.KUBE_EDITOR = 'sed -i s/hey$/edited/';
    try {
      await k(['-n', ns, 'edit', 'fcm', 'alpha']);
    } finally {
      delete process.env.KUBE_EDITOR;
    }
    expect(await k(['-n', ns, 'get', 'fcm', 'alpha', '-o', 'jsonpath={.spec.template.data.greeting}'])).toBe('edited');
    // a condition the propagation controller writes through /status (no placement: not Scheduled), waited for with kubectl wait
    await k(['-n', ns, 'wait', '--for=condition=Scheduled=false', 'fcm/alpha', '--timeout=10s']);
    expect(await k(['-n', ns, 'get', 'fcm', 'alpha', '-o', 'jsonpath={.status.conditions[?(@.type=="Scheduled")].reason}'])).toBe('NoClusters');
    await k(['-n', ns, 'label', 'fcm', 'alpha', 'tier=front']);
    await k(['-n', ns, 'annotate', 'fcm', 'alpha', 'note=checked']);
    expect(await k(['-n', ns, 'get', 'fcm', 'alpha', '-o', 'jsonpath={.metadata.labels.tier}/{.metadata.annotations.note}'])).toBe('front/checked');

    await k(['-n', ns, 'delete', 'fcm', 'beta']);
    await k(['-n', ns, 'wait', '--for=delete', 'fcm/beta', '--timeout=10s']);
    const events = (await watch).stdout;
    expect(events).toMatch(/^ADDED\s+alpha/m);
    expect(events).toMatch(/^MODIFIED\s+alpha/m);
    expect(events).toMatch(/^DELETED\s+beta/m);
  });

  it('keeps an object with finalizers until they are gone, and honours cascade policies', async () => {
    await k(['create', '-f', '-'], configMap('held').replace('  labels:', '  finalizers: ["example.com/hold"]\n  labels:'));
    const del = await k(['-n', ns, 'delete', 'fcm', 'held', '--wait=false', '--cascade=foreground']);
    expect(del).toContain('deleted');
    const held = JSON.parse(await k(['-n', ns, 'get', 'fcm', 'held', '-o', 'json'])) as { metadata: { deletionTimestamp?: string; finalizers: string[] } };
    expect(held.metadata.deletionTimestamp).toBeDefined();
    expect(held.metadata.finalizers).toContain('example.com/hold');
    await k(['-n', ns, 'patch', 'fcm', 'held', '--type', 'json', '-p', '[{"op":"remove","path":"/metadata/finalizers/0"}]']);
    await k(['-n', ns, 'wait', '--for=delete', 'fcm/held', '--timeout=60s']);

    await k(['create', '-f', '-'], configMap('orphaned'));
    await k(['-n', ns, 'delete', 'fcm', 'orphaned', '--cascade=orphan', '--timeout=60s']);
    expect((await kr(['-n', ns, 'get', 'fcm', 'orphaned'])).code).not.toBe(0);

    await k(['-n', ns, 'delete', 'fcm', '--all']);
    expect((await k(['-n', ns, 'get', 'fcm', '-o', 'name'])).trim()).toBe('');
  });

  it('refuses a user without RBAC in the upstream wording, as auth can-i predicts', async () => {
    const denied = await kr(['--as=eve', '-n', ns, 'get', 'fcm']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(
      `federatedconfigmaps.federation.herd.io is forbidden: User "eve" cannot list resource "federatedconfigmaps" in API group "federation.herd.io" in the namespace "${ns}"`,
    );
    expect((await kr(['--as=eve', 'auth', 'can-i', 'list', 'federatedconfigmaps.federation.herd.io', '-n', ns])).stdout.trim()).toBe('no');
    expect((await k(['auth', 'can-i', 'list', 'federatedconfigmaps.federation.herd.io', '-n', ns])).trim()).toBe('yes');
  });

  it('answers bad input with Status errors and keeps serving', async () => {
    const invalid = await kr(['create', '-f', '-'], configMap('Bad_Name'));
    expect(invalid.stderr).toContain('The FederatedConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"');
    const unknown = await kr(['create', '-f', '-'], configMap('strict', '  bogus: 1\n'));
    expect(unknown.stderr).toContain('strict decoding error: unknown field "spec.bogus"');
    const dir = mkdtempSync(join(tmpdir(), 'herd-e2e-'));
    const big = join(dir, 'big.json');
    writeFileSync(big, JSON.stringify({ apiVersion: 'federation.herd.io/v1alpha1', kind: 'FederatedConfigMap', metadata: { name: 'big' }, spec: { template: { data: { x: 'x'.repeat(4 * 1024 * 1024) } } } }));
    const tooBig = await kr(['create', '--raw', `/apis/federation.herd.io/v1alpha1/namespaces/${ns}/federatedconfigmaps`, '-f', big]);
    expect(tooBig.stderr).toMatch(/Request entity too large|too large/i);
    const malformed = join(dir, 'bad.json');
    writeFileSync(malformed, '{"apiVersion":');
    const bad = await kr(['create', '--raw', `/apis/federation.herd.io/v1alpha1/namespaces/${ns}/federatedconfigmaps`, '-f', malformed]);
    expect(bad.stderr).toMatch(/json parse error|unrecognized/);
    expect(await k(['get', '--raw', '/apis/federation.herd.io/v1alpha1'])).toContain('APIResourceList');
  });

  it.runIf(fleet.stateDir !== undefined)('does not trust X-Remote-User from a client without the front-proxy certificate', async () => {
    const state = readFleetState(fleet.stateDir!)!;
    const url = `${state.herd!.url}/apis/federation.herd.io/v1alpha1/namespaces/${ns}/federatedconfigmaps`;
    const spoofed = await tlsRequest(url, { caFile: state.herd!.caFile }, { method: 'GET' });
    expect(spoofed.status).toBe(401);
    const withHeaders = await tlsRequest(url, { caFile: state.herd!.caFile }, { headers: { 'X-Remote-User': 'admin', 'X-Remote-Group': 'system:masters' } });
    expect(withHeaders.status).toBe(401);
    expect(JSON.parse(withHeaders.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('lets the host finish deleting a namespace that holds Herd objects', async () => {
    await k(['create', '-f', '-'], configMap('last'));
    await k(['delete', 'namespace', ns, '--timeout=120s']);
    expect((await kr(['get', 'namespace', ns])).stderr).toContain('not found');
    expect((await k(['get', 'fcm', '-n', ns, '-o', 'name'])).trim()).toBe('');
  });
});
