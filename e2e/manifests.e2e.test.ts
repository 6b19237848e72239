import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createCA, issue } from './controlplane/pki.js';
import { kubectl, kubectlOk } from './fleet/kubectl.js';

// The kustomize base and overlays in manifests/, checked with the fleet's kubectl (kustomize built in): the base and
// the dev overlay pass the host's server-side dry run, the other overlays render, and the RBAC roles cover every
// resource Herd serves.

const fleet = inject('fleet');
const host = fleet.hostContext;
const manifests = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'manifests');
const scratch = mkdtempSync(join(tmpdir(), 'herd-manifests-'));

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  [key: string]: unknown;
}
interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}
interface Container {
  args: string[];
  command: string[];
  image: string;
}
interface DeploymentSpec {
  replicas: number;
  strategy: { type: string };
  template: { spec: { containers: Container[]; volumes: { name: string; persistentVolumeClaim?: unknown; emptyDir?: unknown }[] } };
}

async function render(dir: string): Promise<K8sObject[]> {
  const out = await kubectlOk(fleet, host, ['kustomize', dir]);
  return parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
}

function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

const deploymentSpec = (objects: readonly K8sObject[]) => find(objects, 'Deployment', 'herd-apiserver').spec as DeploymentSpec;
const rules = (objects: readonly K8sObject[], role: string) => (find(objects, 'ClusterRole', role).rules ?? []) as PolicyRule[];
/** Resources of federation.herd.io a role grants `verb` on. */
function granted(rs: readonly PolicyRule[], verb: string): Set<string> {
  return new Set(rs.filter((r) => r.apiGroups?.includes('federation.herd.io') && r.verbs.includes(verb)).flatMap((r) => r.resources ?? []));
}

/**
 * Runs `fn` with namespace herd-system present on the host: a dry run of the namespaced objects needs it. The local
 * and kind fleets have it (they register Herd there); otherwise it is created for the test and removed after.
 */
async function withHerdNamespace<T>(fn: () => Promise<T>): Promise<T> {
  const missing = (await kubectl(fleet, host, ['get', 'namespace', 'herd-system'])).code !== 0;
  if (missing) await kubectlOk(fleet, host, ['create', 'namespace', 'herd-system']);
  try {
    return await fn();
  } finally {
    if (missing) await kubectl(fleet, host, ['delete', 'namespace', 'herd-system', '--wait=false']);
  }
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('manifests/base', () => {
  it('renders every object with the names the APIService and the serving certificate rely on', async () => {
    const objects = await render(join(manifests, 'base'));
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort()).toEqual(
      [
        'APIService//v1alpha1.federation.herd.io',
        'APIService//v1alpha1.fleet.herd.io',
        'ClusterRole//herd-admin',
        'ClusterRole//herd-apiserver',
        'ClusterRole//herd-edit',
        'ClusterRole//herd-fleet-admin',
        'ClusterRole//herd-metrics-reader',
        'ClusterRole//herd-view',
        'ClusterRoleBinding//herd-apiserver',
        'ClusterRoleBinding//herd-apiserver:system:auth-delegator',
        'ConfigMap/herd-system/herd-host-kubeconfig',
        'Deployment/herd-system/herd-apiserver',
        'Namespace//herd-system',
        'PersistentVolumeClaim/herd-system/herd-data',
        'Role/herd-system/herd-apiserver',
        'RoleBinding/herd-system/herd-apiserver',
        'RoleBinding/kube-system/herd-apiserver-auth-reader',
        'Secret/herd-system/herd-apiserver-tls',
        'Service/herd-system/herd-apiserver',
        'ServiceAccount/herd-system/herd-apiserver',
      ].sort(),
    );
    const spec = deploymentSpec(objects);
    expect(spec.replicas).toBe(1);
    expect(spec.strategy.type).toBe('Recreate');
    const herd = spec.template.spec.containers[0]!;
    expect([...herd.command, ...herd.args]).toEqual([
      'herd',
      'serve',
      '--mode=aggregated',
      '--bind-address=0.0.0.0',
      '--secure-port=8443',
      '--tls-cert-file=/var/run/herd/tls/tls.crt',
      '--tls-private-key-file=/var/run/herd/tls/tls.key',
      '--data-dir=/var/lib/herd',
      '--kubeconfig=/var/run/herd/host/kubeconfig',
    ]);
    for (const name of ['v1alpha1.federation.herd.io', 'v1alpha1.fleet.herd.io']) {
      const apiService = find(objects, 'APIService', name).spec as { caBundle: string; service: object };
      expect(apiService.service).toEqual({ namespace: 'herd-system', name: 'herd-apiserver', port: 443 });
      expect(apiService.caBundle).toBe((find(objects, 'Secret', 'herd-apiserver-tls').data as Record<string, string>)['ca.crt']);
    }
  });

  it('passes a server-side dry run on the host', async () => {
    const out = await withHerdNamespace(() => kubectlOk(fleet, host, ['apply', '--dry-run=server', '-k', join(manifests, 'base')]));
    console.log(`[manifests] kubectl apply --dry-run=server -k manifests/base:\n${out}`);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(20);
    for (const line of lines) expect(line).toMatch(/^\S+ (created|configured|unchanged) \(server dry run\)$/);
    for (const name of [
      'deployment.apps/herd-apiserver',
      'service/herd-apiserver',
      'apiservice.apiregistration.k8s.io/v1alpha1.federation.herd.io',
      'apiservice.apiregistration.k8s.io/v1alpha1.fleet.herd.io',
      'rolebinding.rbac.authorization.k8s.io/herd-apiserver-auth-reader',
      'clusterrole.rbac.authorization.k8s.io/herd-view',
      'persistentvolumeclaim/herd-data',
      'secret/herd-apiserver-tls',
    ]) {
      expect(lines.some((l) => l.startsWith(`${name} `)), name).toBe(true);
    }
  });

  it('grants view, edit and admin on every served resource, and never FederatedSecret to view', async () => {
    const objects = await render(join(manifests, 'base'));
    const view = rules(objects, 'herd-view');
    const edit = rules(objects, 'herd-edit');
    const admin = rules(objects, 'herd-admin');
    const fleetAdmin = rules(objects, 'herd-fleet-admin');
    for (const r of [...view, ...edit, ...admin, ...fleetAdmin]) {
      expect(r.resources ?? []).not.toContain('*');
      expect(r.verbs).not.toContain('*');
    }
    const viewable = granted(view, 'get');
    expect([...viewable].filter((r) => /^federated(secrets|roles|rolebindings)(\/|$)/.test(r))).toEqual([]);
    expect(viewable).not.toContain('federatedsecrets');

    const readable = new Set([...viewable, ...granted(edit, 'get'), ...granted(admin, 'get'), ...granted(fleetAdmin, 'get')]);
    const writable = new Set([...granted(edit, 'create'), ...granted(admin, 'create'), ...granted(fleetAdmin, 'create')]);
    // What Herd serves (static kinds and one Federated kind per FederatedTypeConfig), less the kinds of
    // FederatedTypeConfigs other suites may have added: a new static or default kind fails here until
    // manifests/base/user-roles.yaml lists it.
    const ftcs = JSON.parse(await kubectlOk(fleet, host, ['get', 'federatedtypeconfigs', '-o', 'json'])) as {
      items: { metadata: { labels?: Record<string, string> }; spec: { federatedType?: { pluralName?: string }; targetType: { pluralName: string } } }[];
    };
    const added = new Set(
      ftcs.items
        .filter((f) => f.metadata.labels?.['federation.herd.io/default-type'] !== 'true')
        .map((f) => f.spec.federatedType?.pluralName ?? `federated${f.spec.targetType.pluralName}`),
    );
    const served = (await kubectlOk(fleet, host, ['api-resources', '--api-group=federation.herd.io', '-o', 'name']))
      .trim()
      .split('\n')
      .map((n) => n.replace(/\.federation\.herd\.io$/, ''))
      .filter((n) => !added.has(n));
    expect(served.length).toBeGreaterThanOrEqual(20);
    for (const resource of served) {
      expect(readable, `${resource} readable`).toContain(resource);
      expect(readable, `${resource}/status readable`).toContain(`${resource}/status`);
      expect(writable, `${resource} writable`).toContain(resource);
    }
  });

  it('grants view the fleet view and reads through the member proxies, and edit the writes through them', async () => {
    const objects = await render(join(manifests, 'base'));
    const fleetRules = (role: string) => rules(objects, role).filter((r) => r.apiGroups?.includes('fleet.herd.io'));
    expect(fleetRules('herd-view')).toEqual([{ apiGroups: ['fleet.herd.io'], resources: ['views/proxy', 'clusters/proxy'], verbs: ['get'] }]);
    expect(fleetRules('herd-edit')).toEqual([{ apiGroups: ['fleet.herd.io'], resources: ['clusters/proxy'], verbs: ['get', 'create', 'update', 'patch', 'delete'] }]);
  });
});

describe('manifests/overlays', () => {
  it('dev: a serving certificate from files replaces the placeholder and its CA becomes the caBundle', async () => {
    // A copy of manifests/ with a fresh certificate in overlays/dev/tls/, as gen-cert.sh writes it.
    const copy = join(scratch, 'manifests');
    cpSync(manifests, copy, { recursive: true, filter: (src) => !src.startsWith(join(manifests, 'overlays', 'dev', 'tls')) });
    const ca = await createCA('herd-apiserver-ca');
    const serving = await issue(ca, { subject: 'CN=herd-apiserver.herd-system.svc', usage: 'server', dnsNames: ['herd-apiserver.herd-system.svc'] });
    const tls = join(copy, 'overlays', 'dev', 'tls');
    mkdirSync(tls, { recursive: true });
    writeFileSync(join(tls, 'ca.crt'), ca.certPem);
    writeFileSync(join(tls, 'tls.crt'), serving.certPem);
    writeFileSync(join(tls, 'tls.key'), serving.keyPem);

    const objects = await render(join(copy, 'overlays', 'dev'));
    expect(objects.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
    const herd = deploymentSpec(objects).template.spec.containers[0]!;
    expect(herd.image).toBe('herd:dev');
    expect(herd.args).toContain('--log-level=debug');

    // What the host would store: the generated Secret, and the CA decoded from the APIService's caBundle.
    const out = await withHerdNamespace(() => kubectlOk(fleet, host, ['apply', '--dry-run=server', '-k', join(copy, 'overlays', 'dev'), '-o', 'json']));
    const items = (JSON.parse(out) as { items: K8sObject[] }).items;
    const secret = find(items, 'Secret', 'herd-apiserver-tls') as K8sObject & { data: Record<string, string>; type: string };
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(Buffer.from(secret.data['tls.crt']!, 'base64').toString()).toBe(serving.certPem);
    for (const name of ['v1alpha1.federation.herd.io', 'v1alpha1.fleet.herd.io']) {
      const apiService = find(items, 'APIService', name).spec as { caBundle: string };
      expect(Buffer.from(apiService.caBundle, 'base64').toString(), name).toBe(ca.certPem);
    }
  });

  it('etcd: renders two replicas on the etcd backend without the sqlite claim', async () => {
    const objects = await render(join(manifests, 'overlays', 'etcd'));
    const spec = deploymentSpec(objects);
    expect(spec.replicas).toBe(2);
    expect(spec.strategy.type).toBe('RollingUpdate');
    const args = spec.template.spec.containers[0]!.args;
    expect(args).toContain('--storage=etcd');
    expect(args.find((a) => a.startsWith('--etcd-servers='))).toMatch(/^--etcd-servers=https:\/\/.+:2379/);
    expect(objects.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
    expect(spec.template.spec.volumes.find((v) => v.name === 'data')).toEqual({ name: 'data', emptyDir: { sizeLimit: '256Mi' } });
    expect(find(objects, 'PodDisruptionBudget', 'herd-apiserver').spec).toMatchObject({ minAvailable: 1 });
  });

  it('cert-manager: renders a Certificate for the service name and leaves caBundle to the injector', async () => {
    const objects = await render(join(manifests, 'overlays', 'cert-manager'));
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
    const certificate = find(objects, 'Certificate', 'herd-apiserver-tls').spec as { dnsNames: string[]; secretName: string };
    expect(certificate.dnsNames).toContain('herd-apiserver.herd-system.svc');
    expect(certificate.secretName).toBe('herd-apiserver-tls');
    for (const name of ['v1alpha1.federation.herd.io', 'v1alpha1.fleet.herd.io']) {
      const apiService = find(objects, 'APIService', name);
      expect(apiService.metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': 'herd-system/herd-apiserver-tls' });
      expect(apiService.spec).not.toHaveProperty('caBundle');
    }
  });
});
