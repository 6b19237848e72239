import { describe, expect, it } from 'vitest';
import { isCredentialStoreError } from './credential-store-error.js';
import { FakeNetworkClient, fakeNetwork } from './fake-member.fixture.js';
import { HostSecretCredentialStore } from './host-secret-credential-store.js';

const HOST = 'https://host.invalid:6443';
const SECRETS = '/api/v1/namespaces/herd-system/secrets';
const ref = { namespace: 'herd-system', name: 'member-a' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIB-cert-body\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN EC PRIVATE KEY-----\nMHc-key-body\n-----END EC PRIVATE KEY-----\n';

/** A host whose Secrets live in a map; answers as kube-apiserver does. */
function fakeHost(opts: { forbid?: boolean } = {}) {
  const mock = fakeNetwork();
  const secrets = new Map<string, { type: string; data: Record<string, string> }>();
  const calls: string[] = [];
  mock
    .get(HOST)
    .intercept({ path: () => true, method: () => true })
    .reply((o) => {
      const path = String(o.path);
      calls.push(`${String(o.method)} ${path}`);
      const status = (code: number, reason: string, message: string) => ({ statusCode: code, data: JSON.stringify({ kind: 'Status', code, reason, message }) });
      if (opts.forbid) return status(403, 'Forbidden', 'secrets is forbidden: User "jane" cannot create resource "secrets" in API group "" in the namespace "herd-system"');
      const name = path.startsWith(`${SECRETS}/`) ? path.slice(SECRETS.length + 1) : undefined;
      const body = o.body ? (JSON.parse(String(o.body)) as { metadata: { name: string }; type: string; data: Record<string, string> }) : undefined;
      if (o.method === 'POST' && path === SECRETS) {
        if (secrets.has(body!.metadata.name)) return status(409, 'AlreadyExists', `secrets "${body!.metadata.name}" already exists`);
        secrets.set(body!.metadata.name, { type: body!.type, data: body!.data });
        return { statusCode: 201, data: JSON.stringify(body) };
      }
      if (!name || !secrets.has(name)) return status(404, 'NotFound', `secrets "${name}" not found`);
      if (o.method === 'GET') return { statusCode: 200, data: JSON.stringify({ kind: 'Secret', metadata: { name }, ...secrets.get(name) }) };
      if (o.method === 'PUT') {
        secrets.set(name, { type: body!.type, data: body!.data });
        return { statusCode: 200, data: JSON.stringify(body) };
      }
      secrets.delete(name);
      return { statusCode: 200, data: '{}' };
    })
    .persist();
  return { store: new HostSecretCredentialStore(new FakeNetworkClient({ server: HOST, token: 'admin' }, mock)), secrets, calls };
}

describe('HostSecretCredentialStore', () => {
  it('writes an Opaque Secret with tls.crt and tls.key in base64 and reads it back', async () => {
    const { store, secrets } = fakeHost();
    await store.write(ref, { cert: PEM_CERT, key: PEM_KEY });
    expect(secrets.get('member-a')).toEqual({ type: 'Opaque', data: { 'tls.crt': b64(PEM_CERT), 'tls.key': b64(PEM_KEY) } });
    expect(await store.read(ref)).toEqual({ cert: PEM_CERT, key: PEM_KEY });
  });

  it('replaces an existing Secret on write, so only the new keys remain', async () => {
    const { store, secrets, calls } = fakeHost();
    await store.write(ref, { cert: PEM_CERT, key: PEM_KEY });
    await store.write(ref, { token: 'tok-1' });
    expect(secrets.get('member-a')?.data).toEqual({ token: b64('tok-1') });
    expect(calls.slice(-2)).toEqual([`POST ${SECRETS}`, `PUT ${SECRETS}/member-a`]);
    expect(await store.read(ref)).toEqual({ token: 'tok-1' });
  });

  it('removes a Secret, and a missing one is fine', async () => {
    const { store, secrets } = fakeHost();
    await store.write(ref, { token: 'tok-1' });
    await store.remove(ref);
    await store.remove(ref);
    expect(secrets.size).toBe(0);
  });

  it('names the Secret in errors but never its content', async () => {
    const { store, secrets } = fakeHost();
    await expect(store.read(ref)).rejects.toSatisfy((e) => isCredentialStoreError(e, 'NotFound') && (e as Error).message === 'Secret herd-system/member-a not found on the host');
    secrets.set('member-a', { type: 'Opaque', data: { 'tls.crt': b64(PEM_CERT) } });
    const err = (await store.read(ref).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe('Secret herd-system/member-a has tls.crt but no tls.key');
    expect(err.message).not.toContain('cert-body');
    const denied = (await fakeHost({ forbid: true }).store.write(ref, { token: 'tok-secret-9' }).catch((e: unknown) => e)) as Error;
    expect(denied.message).toContain('creating Secret herd-system/member-a on the host: 403 Forbidden');
    expect(denied.message).not.toContain('tok-secret-9');
  });
});
