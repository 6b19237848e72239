import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memberFromKubeconfig } from './kubeconfig-credentials.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const MEMBER_CA = '-----BEGIN CERTIFICATE-----\nMIIB-ca-body\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB-client-body\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN EC PRIVATE KEY-----\nMHc-secret-key-body\n-----END EC PRIVATE KEY-----\n';

function kubeconfig(user: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'herd-kc-')), 'kubeconfig');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'm1',
    clusters: [{ name: 'm1', cluster: { server: 'https://10.0.0.5:6443/', 'certificate-authority-data': b64(MEMBER_CA) } }],
    users: [{ name: 'm1-admin', user }],
    contexts: [{ name: 'm1', context: { cluster: 'm1', user: 'm1-admin' } }],
  };
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

describe('memberFromKubeconfig', () => {
  it('takes a client certificate and key, with the server and CA', () => {
    const m = memberFromKubeconfig(kubeconfig({ 'client-certificate-data': b64(CERT), 'client-key-data': b64(KEY) }));
    expect(m).toMatchObject({ context: 'm1', user: 'm1-admin', credentialKind: 'client certificate', credentials: { cert: CERT, key: KEY } });
    expect(m.connection).toMatchObject({ server: 'https://10.0.0.5:6443', ca: MEMBER_CA });
  });

  it('takes a token, inline or from tokenFile', () => {
    expect(memberFromKubeconfig(kubeconfig({ token: 'tok-inline' })).credentials).toEqual({ token: 'tok-inline' });
    const file = join(mkdtempSync(join(tmpdir(), 'herd-tok-')), 'token');
    writeFileSync(file, 'tok-file\n');
    expect(memberFromKubeconfig(kubeconfig({ tokenFile: file })).credentials).toEqual({ token: 'tok-file' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an exec plugin', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'aws', args: ['eks', 'get-token'] } }, 'exec plugins are not supported'],
    ['basic authentication', { username: 'admin', password: 'hunter2' }, 'basic authentication'],
    ['no credentials at all', {}, 'user "m1-admin" has no credentials Herd can use'],
    ['a certificate without its key', { 'client-certificate-data': b64(CERT) }, 'a client certificate but no key'],
  ])('refuses %s, naming the user', (_name, user, message) => {
    expect(() => memberFromKubeconfig(kubeconfig(user))).toThrow(message);
    try {
      memberFromKubeconfig(kubeconfig(user));
    } catch (err) {
      expect((err as Error).message).toContain('context "m1"');
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('names the contexts there are when the one asked for is missing', () => {
    expect(() => memberFromKubeconfig(kubeconfig({ token: 't' }), 'm2')).toThrow('has no context "m2" (it has: m1)');
  });

  it('does not quote a broken file, which could hold credentials', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'herd-kc-')), 'kubeconfig');
    writeFileSync(path, 'users: [{name: u, user: {token: tok-leak}\n  broken: [');
    expect(() => memberFromKubeconfig(path)).toThrow(/^cannot read kubeconfig .*: not a valid kubeconfig$/);
  });
});
