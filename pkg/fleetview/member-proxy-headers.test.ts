import { describe, expect, it } from 'vitest';
import {
  escapeExtraKey,
  forwardedRequestHeaders,
  forwardedResponseHeaders,
  impersonationHeaders,
  UnsendableIdentityError,
} from './member-proxy-headers.js';

describe('escapeExtraKey', () => {
  it('percent-encodes what is not a header token byte, and %, as client-go headerKeyEscape does', () => {
    expect(escapeExtraKey('scopes')).toBe('scopes');
    expect(escapeExtraKey('authentication.kubernetes.io/credential-id')).toBe('authentication.kubernetes.io%2Fcredential-id');
    expect(escapeExtraKey('a%b')).toBe('a%25b');
    expect(escapeExtraKey('a b:c')).toBe('a%20b%3Ac');
    expect(escapeExtraKey("!#$&'*+-.^_`|~")).toBe("!#$&'*+-.^_`|~");
    expect(escapeExtraKey('ü')).toBe('%C3%BC');
  });
});

describe('impersonationHeaders', () => {
  it('names the user, uid, each group and each extra value', () => {
    expect(
      impersonationHeaders({ name: 'alice', uid: 'u1', groups: ['g1', 'g2'], extra: { 'example.com/k': ['a', 'b'], empty: [] } }),
    ).toEqual({
      'Impersonate-User': 'alice',
      'Impersonate-Uid': 'u1',
      'Impersonate-Group': ['g1', 'g2'],
      'Impersonate-Extra-example.com%2Fk': ['a', 'b'],
    });
  });

  it('leaves out the uid and groups when there are none', () => {
    expect(impersonationHeaders({ name: 'system:anonymous', groups: [], extra: {} })).toEqual({ 'Impersonate-User': 'system:anonymous' });
  });

  it('sends a UTF-8 name as its bytes, as Go does, and refuses a name that would split the header', () => {
    expect(impersonationHeaders({ name: 'jürgen', groups: [], extra: {} })['Impersonate-User']).toBe(Buffer.from('jürgen', 'utf8').toString('latin1'));
    expect(() => impersonationHeaders({ name: 'eve\r\nImpersonate-Group: system:masters', groups: [], extra: {} })).toThrow(UnsendableIdentityError);
    expect(() => impersonationHeaders({ name: 'eve', groups: ['a\nb'], extra: {} })).toThrow(UnsendableIdentityError);
  });
});

describe('forwardedRequestHeaders', () => {
  const incoming = {
    ':method': 'GET',
    ':path': '/x',
    ':authority': 'herd',
    host: 'herd.example',
    authorization: 'Bearer caller-token',
    'impersonate-user': 'root',
    'impersonate-group': ['system:masters'],
    'impersonate-extra-scopes': 'all',
    'x-remote-user': 'root',
    'x-remote-group': ['system:masters'],
    'x-remote-extra-foo': 'bar',
    connection: 'keep-alive, X-Per-Hop',
    'x-per-hop': '1',
    'keep-alive': 'timeout=5',
    'transfer-encoding': 'chunked',
    te: 'trailers',
    trailer: 'x-checksum',
    upgrade: 'websocket',
    'proxy-authorization': 'Basic eA==',
    'proxy-connection': 'keep-alive',
    expect: '100-continue',
    'content-length': '12',
    accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    'content-type': 'application/apply-patch+yaml',
    'user-agent': 'kubectl/v1.36.0',
    'x-forwarded-for': ['10.0.0.1'],
    'audit-id': 'abc',
    absent: undefined,
  };

  it('keeps what describes the request and drops credentials, identity claims and hop-by-hop headers', () => {
    expect(forwardedRequestHeaders(incoming)).toEqual({
      'content-length': '12',
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      'content-type': 'application/apply-patch+yaml',
      'user-agent': 'kubectl/v1.36.0',
      'x-forwarded-for': ['10.0.0.1'],
      'audit-id': 'abc',
    });
  });

  it('drops Content-Length when the body is re-chunked', () => {
    expect(forwardedRequestHeaders(incoming, { dropContentLength: true })).not.toHaveProperty('content-length');
  });

  it('matches names case-insensitively', () => {
    expect(forwardedRequestHeaders({ Authorization: 'x', 'Impersonate-User': 'root', 'X-Remote-User': 'root', Accept: '*/*' })).toEqual({ accept: '*/*' });
  });
});

describe('forwardedResponseHeaders', () => {
  it('drops hop-by-hop headers, which HTTP/2 forbids, and keeps the rest', () => {
    expect(
      forwardedResponseHeaders({
        connection: 'keep-alive, x-hop',
        'x-hop': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'proxy-authenticate': 'Basic',
        'content-type': 'application/json',
        'content-length': '2',
        'content-encoding': 'gzip',
        'set-cookie': ['a=1', 'b=2'],
        'audit-id': 'member-audit',
        warning: '299 - "deprecated"',
      }),
    ).toEqual({
      'content-type': 'application/json',
      'content-length': '2',
      'content-encoding': 'gzip',
      'set-cookie': ['a=1', 'b=2'],
      'audit-id': 'member-audit',
      warning: '299 - "deprecated"',
    });
  });
});
