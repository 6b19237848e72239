import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCA, issue, type CertificateAuthority } from '../../e2e/controlplane/pki.js';
import type { AuthenticationRequest, TokenAuthenticator } from './authentication-request.js';
import { DelegatingAuthenticator, type DelegatingAuthenticatorOptions } from './authenticator.js';
import { BEARER_PROTOCOL_PREFIX } from './bearer-token.js';
import { ClientCertAuthenticator } from './client-cert-authenticator.js';
import { RequestHeaderAuthenticator } from './request-header-authenticator.js';
import { parseAuthenticationConfigMap } from './request-header-config.js';
import { TokenFileAuthenticator } from './token-file-authenticator.js';

let frontProxyCA: CertificateAuthority;
let clientCA: CertificateAuthority;
let strangerCA: CertificateAuthority;
const certs: Record<string, X509Certificate> = {};
let options: DelegatingAuthenticatorOptions;

const tokenFile = TokenFileAuthenticator.parse('admin-token,admin,uid-admin,"system:masters"\ndev-token,dev,uid-dev,system:authenticated\n', 't.csv');
const failingTokens: TokenAuthenticator = {
  authenticateToken: async () => {
    throw new Error('tokenreviews: no answer within 10000 ms');
  },
};

beforeAll(async () => {
  [frontProxyCA, clientCA, strangerCA] = await Promise.all([createCA('front-proxy-ca'), createCA('kubernetes-ca'), createCA('stranger-ca')]);
  const cert = async (ca: CertificateAuthority, subject: string) => new X509Certificate((await issue(ca, { subject, usage: 'client' })).certPem);
  certs.proxy = await cert(frontProxyCA, 'CN=front-proxy-client');
  certs.user = await cert(clientCA, 'CN=carol, O=ops');
  certs.stranger = await cert(strangerCA, 'CN=mallory, O=system:masters');
  const config = parseAuthenticationConfigMap({
    'client-ca-file': clientCA.certPem,
    'requestheader-client-ca-file': frontProxyCA.certPem,
    'requestheader-allowed-names': '["front-proxy-client"]',
    'requestheader-username-headers': '["X-Remote-User"]',
    'requestheader-uid-headers': '["X-Remote-Uid"]',
    'requestheader-group-headers': '["X-Remote-Group"]',
    'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
  });
  options = {
    requestHeader: new RequestHeaderAuthenticator(config.requestHeader!),
    clientCert: new ClientCertAuthenticator(config.clientCert!),
    tokens: [tokenFile],
  };
});

const aggregatorHeaders = { 'x-remote-user': ['system:kube-aggregator'], 'x-remote-group': ['system:masters'], 'x-remote-extra-scopes': ['s'] };

describe('DelegatingAuthenticator', () => {
  it.each<{ name: string; request: () => AuthenticationRequest; user: object }>([
    {
      name: 'trusts front-proxy headers behind the front-proxy certificate and adds system:authenticated',
      request: () => ({ headers: aggregatorHeaders, peerCertificates: [certs.proxy!] }),
      user: { name: 'system:kube-aggregator', groups: ['system:masters', 'system:authenticated'], extra: { scopes: ['s'] } },
    },
    {
      name: 'gives the aggregator discovery user without groups system:authenticated',
      request: () => ({ headers: { 'x-remote-user': ['system:aggregator'] }, peerCertificates: [certs.proxy!] }),
      user: { name: 'system:aggregator', groups: ['system:authenticated'], extra: {} },
    },
    {
      name: 'falls back to the client certificate when the certificate is not the front proxy',
      request: () => ({ headers: aggregatorHeaders, peerCertificates: [certs.user!] }),
      user: { name: 'carol', groups: ['ops', 'system:authenticated'] },
    },
    {
      name: 'falls through to the bearer token when the front-proxy certificate sends no username',
      request: () => ({ headers: { authorization: ['Bearer admin-token'] }, peerCertificates: [certs.proxy!] }),
      user: { name: 'admin', uid: 'uid-admin', groups: ['system:masters', 'system:authenticated'], extra: {} },
    },
    {
      name: 'does not add system:authenticated twice',
      request: () => ({ headers: { authorization: ['Bearer dev-token'] } }),
      user: { name: 'dev', uid: 'uid-dev', groups: ['system:authenticated'], extra: {} },
    },
    {
      name: 'accepts a token sent as a websocket subprotocol',
      request: () => ({
        headers: { upgrade: ['websocket'], connection: ['Upgrade'], 'sec-websocket-protocol': [`v5.channel.k8s.io, ${BEARER_PROTOCOL_PREFIX}${Buffer.from('dev-token').toString('base64url')}`] },
      }),
      user: { name: 'dev', groups: ['system:authenticated'] },
    },
  ])('$name', async ({ request, user }) => {
    const outcome = await new DelegatingAuthenticator(options).authenticate(request());
    expect(outcome.authenticated).toBe(true);
    expect(outcome.authenticated && outcome.user).toMatchObject(user);
  });

  it.each<{ name: string; request: () => AuthenticationRequest; reason: RegExp }>([
    {
      name: 'never trusts front-proxy headers without a certificate',
      request: () => ({ headers: aggregatorHeaders }),
      reason: /^no credentials$/,
    },
    {
      name: 'never trusts front-proxy headers behind a certificate from an unknown CA',
      request: () => ({ headers: aggregatorHeaders, peerCertificates: [certs.stranger!] }),
      // Both certificate authenticators fail with the same text, which the aggregate keeps once.
      reason: /^verifying certificate SN=\d+ failed: x509: certificate signed by unknown authority$/,
    },
    {
      name: 'rejects an unknown bearer token',
      request: () => ({ headers: { authorization: ['Bearer nope'] } }),
      reason: /^invalid bearer token$/,
    },
  ])('$name', async ({ request, reason }) => {
    const outcome = await new DelegatingAuthenticator(options).authenticate(request());
    expect(outcome).toMatchObject({ authenticated: false });
    expect(!outcome.authenticated && outcome.reason).toMatch(reason);
  });

  it('aggregates the failures of every authenticator that saw a credential', async () => {
    const outcome = await new DelegatingAuthenticator(options).authenticate({ headers: { authorization: ['Bearer nope'] }, peerCertificates: [certs.stranger!] });
    expect(outcome).toMatchObject({ authenticated: false });
    expect(!outcome.authenticated && outcome.reason).toMatch(/^\[verifying certificate SN=\d+ failed: x509: certificate signed by unknown authority, invalid bearer token\]$/);
  });

  it('gives anonymous access to a request without credentials when enabled', async () => {
    const outcome = await new DelegatingAuthenticator({ ...options, anonymous: { enabled: true } }).authenticate({ headers: {} });
    expect(outcome).toMatchObject({ authenticated: true, user: { name: 'system:anonymous', groups: ['system:unauthenticated'], extra: {} } });
  });

  it.each([
    { name: 'does not fall back to anonymous after a rejected token', headers: { authorization: ['Bearer nope'] } },
    { name: 'does not fall back to anonymous when the token check fails', headers: { authorization: ['Bearer admin-token'] }, failing: true },
  ])('$name', async ({ headers, failing }) => {
    const tokens = failing ? [failingTokens] : [tokenFile];
    const outcome = await new DelegatingAuthenticator({ ...options, tokens, anonymous: { enabled: true } }).authenticate({ headers });
    expect(outcome.authenticated).toBe(false);
  });

  it('tries every token authenticator in order', async () => {
    const outcome = await new DelegatingAuthenticator({ tokens: [failingTokens, tokenFile] }).authenticate({ headers: { authorization: ['Bearer dev-token'] } });
    expect(outcome).toMatchObject({ authenticated: true, user: { name: 'dev' } });
  });

  it.each([
    { name: 'limits anonymous access to the listed paths', path: '/healthz', want: true },
    { name: 'refuses anonymous access elsewhere', path: '/apis', want: false },
    { name: 'refuses anonymous access without a path', path: undefined, want: false },
  ])('$name', async ({ path, want }) => {
    const a = new DelegatingAuthenticator({ anonymous: { enabled: true, paths: ['/healthz'] } });
    expect((await a.authenticate({ headers: {}, ...(path === undefined ? {} : { path }) })).authenticated).toBe(want);
  });

  it('lists identity headers and Authorization for stripping whatever the outcome', async () => {
    const headers = { ...aggregatorHeaders, 'x-remote-uid': ['u'], authorization: ['Bearer nope'], accept: ['*/*'] };
    const outcome = await new DelegatingAuthenticator(options).authenticate({ headers });
    expect(outcome.stripHeaders.sort()).toEqual(['authorization', 'x-remote-extra-scopes', 'x-remote-group', 'x-remote-uid', 'x-remote-user']);
  });

  it('strips the standard identity headers even without front-proxy configuration', async () => {
    const outcome = await new DelegatingAuthenticator({ tokens: [tokenFile] }).authenticate({ headers: { ...aggregatorHeaders, authorization: ['Bearer dev-token'] } });
    expect(outcome).toMatchObject({ authenticated: true, user: { name: 'dev' } });
    expect(outcome.stripHeaders.sort()).toEqual(['authorization', 'x-remote-extra-scopes', 'x-remote-group', 'x-remote-user']);
  });
});
