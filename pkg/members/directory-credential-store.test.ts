import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCredentialStoreError } from './credential-store-error.js';
import { DirectoryCredentialStore } from './directory-credential-store.js';

const ref = { namespace: 'herd-system', name: 'member-a' };
const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIB-cert-body\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN EC PRIVATE KEY-----\nMHc-key-body\n-----END EC PRIVATE KEY-----\n';

const store = () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'herd-creds-')), 'members');
  return { dir, store: new DirectoryCredentialStore(dir) };
};

describe('DirectoryCredentialStore', () => {
  it('writes a client certificate as files only the owner can read, and reads it back', async () => {
    const { dir, store: s } = store();
    await s.write(ref, { cert: PEM_CERT, key: PEM_KEY });
    const folder = join(dir, 'herd-system', 'member-a');
    expect(readdirSync(folder).sort()).toEqual(['tls.crt', 'tls.key']);
    expect(statSync(join(folder, 'tls.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(folder, 'tls.crt')).mode & 0o777).toBe(0o600);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'herd-system')).mode & 0o777).toBe(0o700);
    expect(await s.read(ref)).toEqual({ cert: PEM_CERT, key: PEM_KEY });
  });

  it('replaces a certificate with a token, leaving no stale key behind', async () => {
    const { dir, store: s } = store();
    await s.write(ref, { cert: PEM_CERT, key: PEM_KEY });
    await s.write(ref, { token: 'tok-123' });
    expect(readdirSync(join(dir, 'herd-system', 'member-a'))).toEqual(['token']);
    expect(await s.read(ref)).toEqual({ token: 'tok-123' });
  });

  it('says NotFound for missing credentials and removes idempotently', async () => {
    const { store: s } = store();
    await expect(s.read(ref)).rejects.toSatisfy((e) => isCredentialStoreError(e, 'NotFound'));
    await s.write(ref, { token: 'tok-123' });
    await s.remove(ref);
    await s.remove(ref);
    await expect(s.read(ref)).rejects.toThrow('credentials herd-system/member-a not found');
  });

  it('refuses a reference that would leave the directory, and half a certificate, without showing content', async () => {
    const { store: s } = store();
    await expect(s.write({ namespace: '..', name: 'x' }, { token: 't' })).rejects.toThrow('DNS-1123');
    await expect(s.read({ namespace: 'herd-system', name: '../../etc' })).rejects.toThrow('DNS-1123');
    const err = await s.write(ref, { cert: PEM_CERT }).catch((e: unknown) => e);
    expect(isCredentialStoreError(err, 'Invalid')).toBe(true);
    expect((err as Error).message).not.toContain('cert-body');
  });
});
