import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCA, issue, type CertificateAuthority } from '../../e2e/controlplane/pki.js';
import type { RequestHeaders } from './authentication-request.js';
import { identityHeaderNames, RequestHeaderAuthenticator } from './request-header-authenticator.js';
import { parseAuthenticationConfigMap, type RequestHeaderConfig } from './request-header-config.js';

let frontProxyCA: CertificateAuthority;
let clientCA: CertificateAuthority;
let config: RequestHeaderConfig;
const certs: Record<string, X509Certificate> = {};

function configWith(overrides: Partial<Record<string, string>>): RequestHeaderConfig {
  return parseAuthenticationConfigMap({
    'requestheader-client-ca-file': frontProxyCA.certPem,
    'requestheader-allowed-names': '["front-proxy-client"]',
    'requestheader-username-headers': '["X-Remote-User"]',
    'requestheader-uid-headers': '["X-Remote-Uid"]',
    'requestheader-group-headers': '["X-Remote-Group"]',
    'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
    ...overrides,
  } as Record<string, string>).requestHeader!;
}

beforeAll(async () => {
  [frontProxyCA, clientCA] = await Promise.all([createCA('front-proxy-ca'), createCA('kubernetes-ca')]);
  config = configWith({});
  const pem = async (ca: CertificateAuthority, subject: string, usage: 'client' | 'server') => new X509Certificate((await issue(ca, { subject, usage })).certPem);
  certs.proxy = await pem(frontProxyCA, 'CN=front-proxy-client', 'client');
  certs.otherName = await pem(frontProxyCA, 'CN=someone-else', 'client');
  certs.serverOnly = await pem(frontProxyCA, 'CN=front-proxy-client', 'server');
  certs.userCert = await pem(clientCA, 'CN=front-proxy-client', 'client');
});

const identity: RequestHeaders = {
  'x-remote-user': ['alice'],
  'x-remote-uid': ['uid-1'],
  'x-remote-group': ['dev', 'system:authenticated'],
  'x-remote-extra-scopes': ['view', 'edit'],
  'x-remote-extra-authentication.kubernetes.io%2fpod-name': ['pod-1'],
};

describe('RequestHeaderAuthenticator', () => {
  it('reads the identity headers behind a verified front-proxy certificate', async () => {
    const auth = new RequestHeaderAuthenticator(config);
    const res = await auth.authenticate({ headers: identity, peerCertificates: [certs.proxy!] });
    expect(res).toEqual({
      user: {
        name: 'alice',
        uid: 'uid-1',
        groups: ['dev', 'system:authenticated'],
        extra: { scopes: ['view', 'edit'], 'authentication.kubernetes.io/pod-name': ['pod-1'] },
      },
    });
  });

  it.each([
    { name: 'is not applicable without a client certificate', peer: [] as string[], headers: identity },
    { name: 'is not applicable without a username header', peer: ['proxy'], headers: { 'x-remote-group': ['dev'] } },
    { name: 'is not applicable when the username header is empty', peer: ['proxy'], headers: { 'x-remote-user': [''] } },
  ])('$name', async ({ peer, headers }) => {
    const auth = new RequestHeaderAuthenticator(config);
    expect(await auth.authenticate({ headers, peerCertificates: peer.map((p) => certs[p]!) })).toBeUndefined();
  });

  it.each([
    { name: 'never trusts headers behind a certificate from another CA', peer: 'userCert', error: /^verifying certificate SN=\d+ failed: x509: certificate signed by unknown authority/ },
    { name: 'never trusts headers behind a server-only certificate', peer: 'serverOnly', error: /incompatible key usage/ },
    { name: 'never trusts headers behind a certificate with a common name that is not allowed', peer: 'otherName', error: /^x509: subject with cn=someone-else is not in the allowed list$/ },
  ])('$name', async ({ peer, error }) => {
    const auth = new RequestHeaderAuthenticator(config);
    await expect(auth.authenticate({ headers: identity, peerCertificates: [certs[peer]!] })).rejects.toThrow(error);
  });

  it('accepts any common name when no names are configured', async () => {
    const auth = new RequestHeaderAuthenticator(configWith({ 'requestheader-allowed-names': '' }));
    const res = await auth.authenticate({ headers: identity, peerCertificates: [certs.otherName!] });
    expect(res?.user.name).toBe('alice');
  });

  it('rejects a certificate that has expired by the injected clock', async () => {
    const auth = new RequestHeaderAuthenticator(config, { now: () => new Date(Date.now() + 20 * 365 * 24 * 3600 * 1000) });
    await expect(auth.authenticate({ headers: identity, peerCertificates: [certs.proxy!] })).rejects.toThrow(/is after/);
  });

  it('is not applicable while the configuration getter has nothing', async () => {
    const auth = new RequestHeaderAuthenticator(() => undefined);
    expect(await auth.authenticate({ headers: identity, peerCertificates: [certs.proxy!] })).toBeUndefined();
  });

  it('follows a configuration getter as it changes', async () => {
    let current = configWith({ 'requestheader-allowed-names': '["nobody"]' });
    const auth = new RequestHeaderAuthenticator(() => current);
    await expect(auth.authenticate({ headers: identity, peerCertificates: [certs.proxy!] })).rejects.toThrow(/not in the allowed list/);
    current = config;
    expect((await auth.authenticate({ headers: identity, peerCertificates: [certs.proxy!] }))?.user.name).toBe('alice');
  });

  it.each<{ name: string; overrides: Record<string, string>; headers: RequestHeaders; want: object }>([
    {
      name: 'takes the first non-empty username header in configured order',
      overrides: { 'requestheader-username-headers': '["X-User-A","X-User-B"]' },
      headers: { 'x-user-a': [''], 'x-user-b': ['bob'] },
      want: { name: 'bob', groups: [], extra: {} },
    },
    {
      name: 'reads only the first value of a repeated username header',
      overrides: {},
      headers: { 'x-remote-user': ['first', 'second'] },
      want: { name: 'first', groups: [], extra: {} },
    },
    {
      name: 'collects groups from every group header and drops empty values',
      overrides: { 'requestheader-group-headers': '["X-Remote-Group","X-Other-Group"]' },
      headers: { 'x-remote-user': ['u'], 'x-other-group': ['c'], 'x-remote-group': ['a', '', 'b'] },
      want: { name: 'u', groups: ['a', 'b', 'c'], extra: {} },
    },
    {
      name: 'does not split a group value on commas',
      overrides: {},
      headers: { 'x-remote-user': ['u'], 'x-remote-group': 'a, b' },
      want: { name: 'u', groups: ['a, b'], extra: {} },
    },
    {
      name: 'matches header names regardless of case',
      overrides: {},
      headers: { 'X-REMOTE-USER': ['u'], 'X-Remote-Extra-Foo': ['1'] },
      want: { name: 'u', groups: [], extra: { foo: ['1'] } },
    },
    {
      name: 'lower-cases and percent-decodes extra keys and keeps empty values',
      overrides: {},
      headers: { 'x-remote-user': ['u'], 'x-remote-extra-a%2Fb%25c': ['', 'x'] },
      want: { name: 'u', groups: [], extra: { 'a/b%c': ['', 'x'] } },
    },
    {
      name: 'keeps an extra key with a malformed escape as it is',
      overrides: {},
      headers: { 'x-remote-user': ['u'], 'x-remote-extra-100%': ['x'] },
      want: { name: 'u', groups: [], extra: { '100%': ['x'] } },
    },
    {
      name: 'merges extra values from several prefixes in prefix order',
      overrides: { 'requestheader-extra-headers-prefix': '["X-B-","X-A-"]' },
      headers: { 'x-remote-user': ['u'], 'x-a-k': ['from-a'], 'x-b-k': ['from-b'] },
      want: { name: 'u', groups: [], extra: { k: ['from-b', 'from-a'] } },
    },
    {
      name: 'keeps a __proto__ extra key as an ordinary key',
      overrides: {},
      headers: { 'x-remote-user': ['u'], 'x-remote-extra-__proto__': ['p'] },
      want: { name: 'u', groups: [], extra: JSON.parse('{"__proto__":["p"]}') as object },
    },
    {
      name: 'leaves the uid out when no uid header is set',
      overrides: { 'requestheader-uid-headers': '' },
      headers: { 'x-remote-user': ['u'], 'x-remote-uid': ['ignored'] },
      want: { name: 'u', groups: [], extra: {} },
    },
  ])('$name', async ({ overrides, headers, want }) => {
    const auth = new RequestHeaderAuthenticator(configWith(overrides));
    const res = await auth.authenticate({ headers, peerCertificates: [certs.proxy!] });
    expect(res?.user).toStrictEqual(want);
  });
});

describe('identityHeaderNames', () => {
  it('lists the identity headers present, including every extra header', () => {
    const headers = { ...identity, 'X-Remote-Extra-Other': ['1'], accept: ['application/json'], authorization: ['Bearer x'] };
    expect(identityHeaderNames(config, headers).sort()).toEqual([
      'x-remote-extra-authentication.kubernetes.io%2fpod-name',
      'x-remote-extra-other',
      'x-remote-extra-scopes',
      'x-remote-group',
      'x-remote-uid',
      'x-remote-user',
    ]);
  });

  it('strips nothing without configuration', () => {
    expect(new RequestHeaderAuthenticator(() => undefined).headersToStrip(identity)).toEqual([]);
  });
});
