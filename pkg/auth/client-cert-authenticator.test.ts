import { createHash, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCA, issue, type CertificateAuthority } from '../../e2e/controlplane/pki.js';
import { ClientCertAuthenticator } from './client-cert-authenticator.js';
import { parseAuthenticationConfigMap, type ClientCertConfig } from './request-header-config.js';

let clientCA: CertificateAuthority;
let otherCA: CertificateAuthority;
let config: ClientCertConfig;

async function cert(ca: CertificateAuthority, subject: string, usage: 'client' | 'server' = 'client'): Promise<X509Certificate> {
  return new X509Certificate((await issue(ca, { subject, usage })).certPem);
}

function credentialId(c: X509Certificate): string {
  return `X509SHA256=${createHash('sha256').update(c.raw).digest('hex')}`;
}

beforeAll(async () => {
  [clientCA, otherCA] = await Promise.all([createCA('kubernetes-ca'), createCA('other-ca')]);
  config = parseAuthenticationConfigMap({ 'client-ca-file': clientCA.certPem }).clientCert!;
});

const UID = '0.9.2342.19200300.100.1.1';

describe('ClientCertAuthenticator', () => {
  it.each([
    { name: 'names the user by CN and the groups by O', subject: 'CN=alice, O=dev, O=ops', want: { name: 'alice', groups: ['dev', 'ops'] } },
    { name: 'gives a certificate without O no groups', subject: 'CN=bob', want: { name: 'bob', groups: [] } },
    { name: 'reads the UID attribute', subject: `CN=carol, O=system:masters, ${UID}=uid-7`, want: { name: 'carol', uid: 'uid-7', groups: ['system:masters'] } },
  ])('$name', async ({ subject, want }) => {
    const c = await cert(clientCA, subject);
    const res = await new ClientCertAuthenticator(config).authenticate({ headers: {}, peerCertificates: [c] });
    expect(res?.user).toStrictEqual({ ...want, extra: { 'authentication.kubernetes.io/credential-id': [credentialId(c)] } });
  });

  it('ignores the UID attribute when UID parsing is off', async () => {
    const c = await cert(clientCA, `CN=carol, ${UID}=uid-7`);
    const res = await new ClientCertAuthenticator(config, { parseUid: false }).authenticate({ headers: {}, peerCertificates: [c] });
    expect(res?.user.uid).toBeUndefined();
  });

  it.each([
    { name: 'rejects a certificate with two UIDs', subject: `CN=d, ${UID}=a, ${UID}=b`, error: 'expected 1 UID, but found multiple: [a b]' },
    { name: 'rejects a certificate with an empty UID', subject: `CN=d, ${UID}=`, error: 'UID cannot be an empty string' },
  ])('$name', async ({ subject, error }) => {
    const c = await cert(clientCA, subject);
    await expect(new ClientCertAuthenticator(config).authenticate({ headers: {}, peerCertificates: [c] })).rejects.toThrow(error);
  });

  it('is not applicable for a certificate without a common name', async () => {
    const c = await cert(clientCA, 'O=dev');
    expect(await new ClientCertAuthenticator(config).authenticate({ headers: {}, peerCertificates: [c] })).toBeUndefined();
  });

  it('is not applicable without a client certificate or without configuration', async () => {
    const c = await cert(clientCA, 'CN=alice');
    expect(await new ClientCertAuthenticator(config).authenticate({ headers: {} })).toBeUndefined();
    expect(await new ClientCertAuthenticator(() => undefined).authenticate({ headers: {}, peerCertificates: [c] })).toBeUndefined();
  });

  it.each([
    { name: 'rejects a certificate from another CA', ca: 'other', usage: 'client' as const, error: /signed by unknown authority/ },
    { name: 'rejects a server-only certificate', ca: 'client', usage: 'server' as const, error: /incompatible key usage/ },
  ])('$name', async ({ ca, usage, error }) => {
    const c = await cert(ca === 'other' ? otherCA : clientCA, 'CN=mallory, O=system:masters', usage);
    await expect(new ClientCertAuthenticator(config).authenticate({ headers: {}, peerCertificates: [c] })).rejects.toThrow(error);
  });
});
