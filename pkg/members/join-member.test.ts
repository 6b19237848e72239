import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MemberCluster } from '../../api/federation/v1alpha1/member-cluster.js';
import { DirectoryCredentialStore } from './directory-credential-store.js';
import { FakeNetworkClient, fakeNetwork } from './fake-member.fixture.js';
import { joinMember, unjoinMember } from './join-member.js';

const HERD = 'https://herd.invalid:8443';
const PATH = '/apis/federation.herd.io/v1alpha1/memberclusters';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const CA = '-----BEGIN CERTIFICATE-----\nMIIB-ca\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB-client-cert\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN EC PRIVATE KEY-----\nMHc-very-secret-key\n-----END EC PRIVATE KEY-----\n';

function memberKubeconfig(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'herd-join-')), 'kubeconfig');
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'member-1',
      clusters: [{ name: 'member-1', cluster: { server: 'https://127.0.0.1:7001', 'certificate-authority-data': b64(CA) } }],
      users: [{ name: 'admin', user: { 'client-certificate-data': b64(CERT), 'client-key-data': b64(KEY) } }],
      contexts: [{ name: 'member-1', context: { cluster: 'member-1', user: 'admin' } }],
    }),
  );
  return path;
}

/** Herd's API for MemberClusters, with the cleanup finalizer released after `holdPolls` reads of a deleted object. */
function fakeHerd(holdPolls = 0) {
  const mock = fakeNetwork();
  const objects = new Map<string, MemberCluster>();
  const deletes: unknown[] = [];
  let polls = 0;
  let rv = 1;
  mock
    .get(HERD)
    .intercept({ path: () => true, method: () => true })
    .reply((o) => {
      const path = String(o.path);
      const name = path.startsWith(`${PATH}/`) ? path.slice(PATH.length + 1) : undefined;
      const body = o.body ? (JSON.parse(String(o.body)) as MemberCluster) : undefined;
      const notFound = { statusCode: 404, data: JSON.stringify({ kind: 'Status', code: 404, reason: 'NotFound', message: `memberclusters.federation.herd.io "${name}" not found` }) };
      const stamp = (mc: MemberCluster) => ({ ...mc, metadata: { ...mc.metadata, resourceVersion: String(++rv) } });
      if (o.method === 'POST') {
        if (objects.has(body!.metadata.name!)) return { statusCode: 409, data: JSON.stringify({ kind: 'Status', code: 409, reason: 'AlreadyExists', message: 'exists' }) };
        const created = stamp({ ...body!, metadata: { ...body!.metadata, finalizers: ['federation.herd.io/member-cleanup'] } });
        objects.set(created.metadata.name!, created);
        return { statusCode: 201, data: JSON.stringify(created) };
      }
      const current = name ? objects.get(name) : undefined;
      if (!current) return notFound;
      if (o.method === 'GET') {
        if (current.metadata.deletionTimestamp && ++polls > holdPolls) {
          objects.delete(name!);
          return notFound;
        }
        return { statusCode: 200, data: JSON.stringify(current) };
      }
      if (o.method === 'PUT') {
        const updated = stamp(body!);
        objects.set(name!, updated);
        return { statusCode: 200, data: JSON.stringify(updated) };
      }
      deletes.push(body ?? null);
      objects.set(name!, { ...current, metadata: { ...current.metadata, deletionTimestamp: '2026-07-01T10:00:00Z' } });
      return { statusCode: 200, data: JSON.stringify(objects.get(name!)) };
    })
    .persist();
  return { herd: new FakeNetworkClient({ server: HERD, token: 'herd-admin' }, mock), objects, deletes };
}

function credentialsDir() {
  const dir = mkdtempSync(join(tmpdir(), 'herd-join-creds-'));
  return { dir, store: new DirectoryCredentialStore(dir) };
}

describe('joinMember', () => {
  it('stores the credentials and creates the MemberCluster with endpoint, CA, topology and labels', async () => {
    const { herd, objects } = fakeHerd();
    const { dir, store } = credentialsDir();
    const r = await joinMember({ name: 'member-1', kubeconfig: memberKubeconfig(), herd, credentials: store, region: 'eu-west', zone: 'eu-west-a', labels: { env: 'dev' } });
    expect(r).toMatchObject({ created: true, credentialKind: 'client certificate', secretRef: { namespace: 'herd-system', name: 'member-member-1' } });
    expect(objects.get('member-1')).toMatchObject({
      metadata: { name: 'member-1', labels: { env: 'dev' } },
      spec: { apiEndpoint: 'https://127.0.0.1:7001', caBundle: b64(CA), region: 'eu-west', zone: 'eu-west-a', secretRef: { namespace: 'herd-system', name: 'member-member-1' } },
    });
    expect(readFileSync(join(dir, 'herd-system', 'member-member-1', 'tls.key'), 'utf8')).toBe(KEY);
    expect(JSON.stringify([...objects.values(), r])).not.toContain('very-secret-key');
  });

  it('updates an existing MemberCluster, keeping fields join does not set', async () => {
    const { herd, objects } = fakeHerd();
    const { store } = credentialsDir();
    await joinMember({ name: 'member-1', kubeconfig: memberKubeconfig(), herd, credentials: store, region: 'eu-west' });
    const mc = objects.get('member-1')!;
    objects.set('member-1', { ...mc, spec: { ...mc.spec, unschedulable: true } });
    const r = await joinMember({ name: 'member-1', kubeconfig: memberKubeconfig(), herd, credentials: store, zone: 'eu-west-b', labels: { tier: 'gold' } });
    expect(r.created).toBe(false);
    expect(objects.get('member-1')).toMatchObject({ metadata: { labels: { tier: 'gold' } }, spec: { unschedulable: true, region: 'eu-west', zone: 'eu-west-b' } });
  });

  it.each<[string, Partial<Parameters<typeof joinMember>[0]>, string]>([
    ['a name that is not a DNS subdomain', { name: 'Member_1' }, 'invalid member name "Member_1"'],
    ['a label Herd sets itself', { labels: { 'topology.kubernetes.io/region': 'x' } }, 'use --region'],
    ['a label value that is not one', { labels: { env: 'a b' } }, 'label env value "a b"'],
  ])('refuses %s before writing anything', async (_name, override, message) => {
    const { herd, objects } = fakeHerd();
    const { dir, store } = credentialsDir();
    await expect(joinMember({ name: 'member-1', kubeconfig: memberKubeconfig(), herd, credentials: store, ...override })).rejects.toThrow(message);
    expect(objects.size).toBe(0);
    await expect(new DirectoryCredentialStore(dir).read({ namespace: 'herd-system', name: 'member-member-1' })).rejects.toThrow('not found');
  });
});

describe('unjoinMember', () => {
  it('deletes the MemberCluster, waits until Herd has let it go, then removes the credentials', async () => {
    const { herd, objects, deletes } = fakeHerd(2);
    const { store } = credentialsDir();
    await joinMember({ name: 'member-1', kubeconfig: memberKubeconfig(), herd, credentials: store });
    const lines: string[] = [];
    const r = await unjoinMember({ name: 'member-1', herd, credentials: store, pollIntervalMs: 1, log: (l) => lines.push(l) });
    expect(r).toEqual({ found: true, removedCredentials: { namespace: 'herd-system', name: 'member-member-1' } });
    expect(objects.size).toBe(0);
    expect(deletes).toEqual([null]);
    expect(lines[0]).toContain('waiting for Herd to clean up member-1 (finalizers: federation.herd.io/member-cleanup');
    await expect(store.read({ namespace: 'herd-system', name: 'member-member-1' })).rejects.toThrow('not found');
  });

  it('asks for Orphan propagation with --orphan', async () => {
    const { herd, deletes } = fakeHerd();
    const { store } = credentialsDir();
    await joinMember({ name: 'member-1', kubeconfig: memberKubeconfig(), herd, credentials: store });
    await unjoinMember({ name: 'member-1', herd, credentials: store, orphan: true, pollIntervalMs: 1 });
    expect(deletes).toEqual([{ apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Orphan' }]);
  });

  it('gives up after the timeout, says what holds the MemberCluster, and keeps the credentials', async () => {
    const { herd } = fakeHerd(Number.MAX_SAFE_INTEGER);
    const { store } = credentialsDir();
    await joinMember({ name: 'member-1', kubeconfig: memberKubeconfig(), herd, credentials: store });
    await expect(unjoinMember({ name: 'member-1', herd, credentials: store, timeoutMs: 0, pollIntervalMs: 1 })).rejects.toThrow(
      'held by finalizers federation.herd.io/member-cleanup; its credentials are kept',
    );
    expect(await store.read({ namespace: 'herd-system', name: 'member-member-1' })).toEqual({ cert: CERT, key: KEY });
  });

  it('reports a member that was not joined', async () => {
    const { herd } = fakeHerd();
    expect(await unjoinMember({ name: 'member-9', herd, credentials: credentialsDir().store })).toMatchObject({ found: false });
  });
});
