import net from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALICE, headerLines, memberPki, memberWith, peerCommonName, startMemberServer, type MemberPki, type MemberServer } from './member-proxy.fixture.js';
import { proxyToMember, type MemberProxyRequest } from './member-proxy.js';

let pki: MemberPki;
let member: MemberServer;

beforeAll(async () => {
  pki = await memberPki();
  member = await startMemberServer(pki);
});
afterAll(async () => member.close());

const certMember = () => memberWith('member-1', { server: member.url, ca: pki.ca, cert: pki.herdCert, key: pki.herdKey });
const tokenMember = () => memberWith('member-2', { server: member.url, ca: pki.ca, token: 'herd-token' });

function proxy(over: Partial<MemberProxyRequest> = {}): ReturnType<typeof proxyToMember> {
  return proxyToMember({
    member: certMember(),
    method: 'GET',
    path: '/api/v1/namespaces/x/pods?limit=5',
    headers: {},
    user: ALICE,
    signal: new AbortController().signal,
    ...over,
  });
}

async function text(body: Readable): Promise<string> {
  let out = '';
  for await (const chunk of body) out += String(chunk);
  return out;
}

/** Resolves with the member's view of the next request, answered with `answer`. */
function nextRequest(answer: { status?: number; headers?: Record<string, string>; body?: string } = {}): Promise<IncomingMessage> {
  return new Promise((resolve) => {
    member.onRequest = (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers }).end(answer.body ?? '{}');
        resolve(req);
      });
    };
  });
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

beforeEach(() => {
  member.onRequest = (_req, res) => res.writeHead(500).end('unexpected request');
});

describe('proxyToMember', () => {
  it('authenticates with Herd client certificate and impersonates the caller, header for header', async () => {
    const seen = nextRequest({ body: '{"kind":"PodList"}' });
    const res = await proxy();
    const req = await seen;
    expect(res.status).toBe(200);
    expect(await text(res.body)).toBe('{"kind":"PodList"}');
    expect(req.url).toBe('/api/v1/namespaces/x/pods?limit=5');
    expect(peerCommonName(req)).toBe('herd');
    expect(req.headers.authorization).toBeUndefined();
    expect(headerLines(req, 'impersonate-')).toEqual([
      'Impersonate-User: alice',
      'Impersonate-Uid: uid-1',
      'Impersonate-Group: dev',
      'Impersonate-Group: system:authenticated',
      'Impersonate-Extra-authentication.kubernetes.io%2Fcredential-id: X509SHA256=ab12',
      'Impersonate-Extra-scopes: view',
      'Impersonate-Extra-scopes: edit',
    ]);
  });

  it('sends Herd bearer token, never the caller credentials or identity claims', async () => {
    const seen = nextRequest();
    await proxy({
      member: tokenMember(),
      user: { name: 'bob', groups: [], extra: {} },
      headers: {
        authorization: 'Bearer caller-token',
        'impersonate-user': 'root',
        'impersonate-group': ['system:masters'],
        'x-remote-user': 'root',
        'x-remote-group': 'system:masters',
        'proxy-authorization': 'Basic eA==',
        connection: 'keep-alive, x-per-hop',
        'x-per-hop': '1',
        te: 'trailers',
        upgrade: 'websocket',
        host: 'herd.example',
        ':authority': 'herd.example',
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
        'user-agent': 'kubectl/v1.36.0',
      },
    });
    const req = await seen;
    expect(req.headers.authorization).toBe('Bearer herd-token');
    expect(peerCommonName(req)).toBeUndefined();
    expect(headerLines(req, 'impersonate-')).toEqual(['Impersonate-User: bob']);
    expect(headerLines(req, 'x-remote-')).toEqual([]);
    expect(req.headers['proxy-authorization']).toBeUndefined();
    expect(req.headers['x-per-hop']).toBeUndefined();
    expect(req.headers.te).toBeUndefined();
    expect(req.headers.upgrade).toBeUndefined();
    expect(req.headers.host).toBe(new URL(member.url).host);
    expect(req.headers.accept).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    expect(req.headers['user-agent']).toBe('kubectl/v1.36.0');
  });

  it('passes the member status and headers back without hop-by-hop headers', async () => {
    const status = '{"kind":"Status","code":404,"reason":"NotFound"}';
    const seen = nextRequest({ status: 404, body: status, headers: { 'x-member': 'yes', warning: '299 - "old"', connection: 'keep-alive', 'keep-alive': 'timeout=5' } });
    const res = await proxy();
    await seen;
    expect(res.status).toBe(404);
    expect(await text(res.body)).toBe(status);
    expect(res.headers).toMatchObject({ 'x-member': 'yes', warning: '299 - "old"', 'content-type': 'application/json' });
    expect(res.headers).not.toHaveProperty('connection');
    expect(res.headers).not.toHaveProperty('keep-alive');
  });

  it('streams a watch: each event arrives before the member writes the next, and the caller leaving ends it', async () => {
    let next!: () => void;
    const mayContinue = new Promise<void>((resolve) => (next = resolve));
    const memberClosed = new Promise<void>((resolve) => {
      member.onRequest = (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n');
        void mayContinue.then(() => res.write('{"type":"MODIFIED","object":{"metadata":{"name":"a"}}}\n'));
        res.on('close', () => resolve());
        void req;
      };
    });
    const abort = new AbortController();
    const res = await proxy({ path: '/api/v1/pods?watch=1', signal: abort.signal });
    expect(res.status).toBe(200);
    const it = res.body[Symbol.asyncIterator]();
    expect(String((await it.next()).value)).toContain('"ADDED"');
    next();
    expect(String((await it.next()).value)).toContain('"MODIFIED"');
    abort.abort();
    await memberClosed;
    await expect(it.next()).rejects.toThrow();
  });

  it('streams the request body: the member reads the first part before the caller has written the rest', async () => {
    const upload = new PassThrough();
    let firstPart!: (s: string) => void;
    const firstArrived = new Promise<string>((resolve) => (firstPart = resolve));
    const seen = new Promise<{ req: IncomingMessage; body: string }>((resolve) => {
      member.onRequest = (req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => {
          if (body === '') firstPart(String(d));
          body += String(d);
        });
        req.on('end', () => {
          res.writeHead(201, { 'content-type': 'application/json' }).end(body);
          resolve({ req, body });
        });
      };
    });
    const answer = proxy({ method: 'POST', path: '/api/v1/namespaces/x/configmaps', headers: { 'content-type': 'application/json', 'content-length': '999' }, body: upload });
    upload.write('{"kind":"ConfigMap",');
    expect(await firstArrived).toBe('{"kind":"ConfigMap",');
    upload.end('"metadata":{"name":"c"}}');
    const res = await answer;
    const { req, body } = await seen;
    expect(res.status).toBe(201);
    expect(body).toBe('{"kind":"ConfigMap","metadata":{"name":"c"}}');
    expect(req.headers['content-length']).toBeUndefined();
    expect(req.headers['transfer-encoding']).toBe('chunked');
    await text(res.body);
  });

  it('sends a buffered body with its own length, whatever length the caller claimed', async () => {
    const seen = new Promise<{ length: string | undefined; body: string }>((resolve) => {
      member.onRequest = (req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += String(d)));
        req.on('end', () => {
          res.writeHead(200).end('{}');
          resolve({ length: req.headers['content-length'], body });
        });
      };
    });
    const res = await proxy({ method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json', 'content-length': '3' }, body: '{"a":"ü"}' });
    await text(res.body);
    expect(await seen).toEqual({ length: String(Buffer.byteLength('{"a":"ü"}')), body: '{"a":"ü"}' });
  });

  it('answers 503 ServiceUnavailable naming the member when it cannot be reached', async () => {
    const port = await closedPort();
    const res = await proxy({ member: memberWith('member-9', { server: `https://127.0.0.1:${port}`, ca: pki.ca }) });
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toBe('application/json');
    const status = JSON.parse(await text(res.body)) as { kind: string; reason: string; code: number; message: string };
    expect(status).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    expect(status.message).toContain('member member-9 is unavailable');
    expect(status.message).toContain('ECONNREFUSED');
  });

  it('answers 503 when the member certificate does not verify', async () => {
    const res = await proxy({ member: memberWith('member-1', { server: member.url, ca: pki.otherCa, cert: pki.herdCert, key: pki.herdKey }) });
    expect(res.status).toBe(503);
    expect(JSON.parse(await text(res.body)).message).toMatch(/member member-1 is unavailable: .*certificate/);
  });

  it('answers 503 when the member sends no headers within the deadline', async () => {
    member.onRequest = () => {}; // never answers
    const res = await proxy({ headersTimeoutMs: 200 });
    expect(res.status).toBe(503);
    expect(JSON.parse(await text(res.body)).message).toBe('member member-1 is unavailable: timed out');
  });

  it('refuses a path that does not start with / (it would change the member URL) and an identity headers cannot carry', async () => {
    const bad = await proxy({ path: '@evil.example/api' });
    expect(bad.status).toBe(400);
    const unsendable = await proxy({ user: { name: 'eve\r\nImpersonate-Group: system:masters', groups: [], extra: {} } });
    expect(unsendable.status).toBe(500);
    expect(JSON.parse(await text(unsendable.body)).message).toContain('cannot impersonate');
  });
});
