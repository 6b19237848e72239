import http2 from 'node:http2';
import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import { PassThrough, type Duplex } from 'node:stream';
import tls from 'node:tls';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FleetMember } from './fleet-members.js';
import { ALICE, headerLines, memberPki, memberWith, peerCommonName, startMemberServer, type MemberPki, type MemberServer } from './member-proxy.fixture.js';
import { proxyUpgrade, type MemberUpgradeOutcome } from './member-upgrade.js';

// Herd's side as the server layer will run it: an HTTP/2 server that also speaks HTTP/1.1 (kubectl and the
// aggregator upgrade over HTTP/1.1), whose 'upgrade' listener hands the exchange to proxyUpgrade.
let pki: MemberPki;
let member: MemberServer;
let front: http2.Http2SecureServer;
let frontPort: number;
let target: { member: FleetMember; path: (url: string) => string; timeoutMs?: number };
let outcomes: Promise<MemberUpgradeOutcome>[];
let frontRequests: string[];

beforeAll(async () => {
  pki = await memberPki();
  member = await startMemberServer(pki);
  front = http2.createSecureServer({ key: pki.serverKey, cert: pki.serverCert, allowHTTP1: true });
  front.on('request', (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
    frontRequests.push(req.url);
    res.writeHead(418).end();
  });
  front.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    outcomes.push(
      proxyUpgrade({
        member: target.member,
        method: req.method ?? 'GET',
        path: target.path(req.url ?? '/'),
        headers: req.headersDistinct,
        user: ALICE,
        socket,
        head,
        ...(target.timeoutMs === undefined ? {} : { timeoutMs: target.timeoutMs }),
      }),
    );
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', () => resolve()));
  frontPort = (front.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await member.close();
  await new Promise<void>((resolve) => front.close(() => resolve()));
});

beforeEach(() => {
  target = { member: certMember(), path: (url) => url };
  outcomes = [];
  frontRequests = [];
  member.onUpgrade = (_req, socket) => socket.destroy();
});

const certMember = () => memberWith('member-1', { server: member.url, ca: pki.ca, cert: pki.herdCert, key: pki.herdKey });

/** A raw HTTP/1.1 client connection to the front server that collects everything it receives. */
class Caller {
  closed = false;
  readonly #chunks: Buffer[] = [];
  readonly #waiters: (() => void)[] = [];

  constructor(readonly socket: tls.TLSSocket) {
    socket.on('data', (d: Buffer) => {
      this.#chunks.push(d);
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  static async connect(): Promise<Caller> {
    const socket = tls.connect({ host: '127.0.0.1', port: frontPort, ca: pki.ca, ALPNProtocols: ['http/1.1'] });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    return new Caller(socket);
  }

  get received(): Buffer {
    return Buffer.concat(this.#chunks);
  }

  get text(): string {
    return this.received.toString('latin1');
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  async until(done: () => boolean): Promise<void> {
    while (!done()) {
      if (this.closed) throw new Error(`connection closed; received ${JSON.stringify(this.text)}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  async closedAfter(): Promise<string> {
    while (!this.closed) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.text;
  }
}

const EXEC = '/api/v1/namespaces/x/pods/p/exec?command=sh&stdin=true&tty=true';

function spdyRequest(extra = ''): string {
  return (
    `POST ${EXEC} HTTP/1.1\r\nHost: herd.example\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n` +
    `X-Stream-Protocol-Version: v4.channel.k8s.io\r\nX-Stream-Protocol-Version: v3.channel.k8s.io\r\n` +
    `Authorization: Bearer caller-token\r\nImpersonate-User: root\r\nX-Remote-User: root\r\nKeep-Alive: timeout=5\r\n${extra}\r\n`
  );
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('proxyUpgrade behind http2.createSecureServer({ allowHTTP1: true })', () => {
  it('switches protocols (SPDY) as the caller, then copies bytes both ways until the member closes', async () => {
    let memberReq!: IncomingMessage;
    let memberGot = '';
    let memberPeer: string | undefined;
    member.onUpgrade = (req, socket) => {
      memberReq = req;
      memberPeer = peerCommonName(req); // read now: a closed socket has no peer certificate
      socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n');
      socket.on('data', (d: Buffer) => {
        memberGot += String(d);
        if (memberGot === 'stdin-bytes') socket.end('stdout-bytes');
      });
    };
    const caller = await Caller.connect();
    caller.socket.write(spdyRequest());
    await caller.until(() => caller.text.includes('\r\n\r\n'));
    expect(caller.text).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(caller.text).toContain('X-Stream-Protocol-Version: v4.channel.k8s.io\r\n');
    expect(await outcomes[0]).toEqual({ kind: 'upgraded' });
    caller.socket.write('stdin-bytes');
    const all = await caller.closedAfter();
    expect(all.endsWith('\r\n\r\nstdout-bytes')).toBe(true);
    expect(memberGot).toBe('stdin-bytes');
    expect(frontRequests).toEqual([]); // the request handler never saw it

    expect(memberReq.method).toBe('POST');
    expect(memberReq.url).toBe(EXEC);
    expect(memberPeer).toBe('herd');
    expect(memberReq.headers.authorization).toBeUndefined();
    expect(memberReq.headers['keep-alive']).toBeUndefined();
    expect(headerLines(memberReq, 'x-remote-')).toEqual([]);
    expect(memberReq.headers.connection).toBe('Upgrade');
    expect(memberReq.headers.upgrade).toBe('SPDY/3.1');
    expect(headerLines(memberReq, 'x-stream-protocol-version')).toEqual([
      'x-stream-protocol-version: v4.channel.k8s.io',
      'x-stream-protocol-version: v3.channel.k8s.io',
    ]);
    expect(headerLines(memberReq, 'impersonate-')).toEqual([
      'Impersonate-User: alice',
      'Impersonate-Uid: uid-1',
      'Impersonate-Group: dev',
      'Impersonate-Group: system:authenticated',
      'Impersonate-Extra-authentication.kubernetes.io%2Fcredential-id: X509SHA256=ab12',
      'Impersonate-Extra-scopes: view',
      'Impersonate-Extra-scopes: edit',
    ]);
  });

  it('delivers everything the member wrote before it closed (port-forward of a large download)', async () => {
    const size = 16 * 1024 * 1024;
    member.onUpgrade = (_req, socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n');
      socket.once('data', () => socket.end(Buffer.alloc(size, 120)));
    };
    const caller = await Caller.connect();
    caller.socket.write(spdyRequest());
    await caller.until(() => caller.text.includes('\r\n\r\n'));
    const headLength = caller.text.indexOf('\r\n\r\n') + 4;
    caller.socket.write('go');
    await caller.closedAfter();
    expect(caller.received.length - headLength).toBe(size);
  });

  it('upgrades a WebSocket with a bearer token, forwarding bytes sent on either side with the heads', async () => {
    target.member = memberWith('member-2', { server: member.url, ca: pki.ca, token: 'herd-token' });
    let memberReq!: IncomingMessage;
    let memberHead = '';
    member.onUpgrade = (req, socket, head) => {
      memberReq = req;
      memberHead = String(head);
      socket.on('data', (d: Buffer) => socket.write(`echo:${String(d)}`));
      // The 101 and the first frame in one write: they may arrive as the 'upgrade' event's head.
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: acc\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\nfirst-frame');
    };
    const caller = await Caller.connect();
    caller.socket.write(
      `GET ${EXEC} HTTP/1.1\r\nHost: herd.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v5.channel.k8s.io, v4.channel.k8s.io\r\n\r\n` +
        // Sent with the request head (one TLS record): the front's 'upgrade' event hands it over as `head`.
        'early',
    );
    await caller.until(() => caller.text.includes('echo:early'));
    expect(caller.text).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n[^]*Sec-WebSocket-Protocol: v5\.channel\.k8s\.io\r\n\r\nfirst-frameecho:early$/);
    caller.socket.write('ping');
    await caller.until(() => caller.text.endsWith('echo:ping'));
    expect(memberHead).toBe(''); // the caller's early bytes reach the member only once it has switched protocols
    expect(memberReq.headers.authorization).toBe('Bearer herd-token');
    expect(memberReq.headers['sec-websocket-key']).toBe('dGhlIHNhbXBsZSBub25jZQ==');
    expect(memberReq.headers['sec-websocket-protocol']).toBe('v5.channel.k8s.io, v4.channel.k8s.io');
    expect(memberReq.headers.upgrade).toBe('websocket');
    caller.socket.end();
    caller.socket.destroy();
  });

  it('passes a refusal (403 with a chunked Status) back to the caller and closes the connection', async () => {
    const status = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: 'pods "p" is forbidden: User "alice" cannot create resource "pods/exec"' });
    member.onUpgrade = (_req, socket) => {
      const hex = Buffer.byteLength(status).toString(16);
      // Keep-alive from the member: Herd must still end the caller's connection after the body.
      socket.write(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\nKeep-Alive: timeout=60\r\nX-Member: m1\r\n\r\n${hex}\r\n${status}\r\n0\r\n\r\n`);
    };
    const caller = await Caller.connect();
    caller.socket.write(spdyRequest());
    const all = await caller.closedAfter();
    const [head, body] = all.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(head!.toLowerCase()).toContain('connection: close');
    expect(head!.toLowerCase()).toContain('x-member: m1');
    expect(head!.toLowerCase()).not.toContain('transfer-encoding');
    expect(head!.toLowerCase()).not.toContain('keep-alive');
    expect(body).toBe(status);
    expect(await outcomes[0]).toEqual({ kind: 'refused', status: 403 });
  });

  it('answers 503 ServiceUnavailable naming the member when it cannot be reached', async () => {
    const port = await closedPort();
    target.member = memberWith('member-9', { server: `https://127.0.0.1:${port}`, ca: pki.ca });
    const caller = await Caller.connect();
    caller.socket.write(spdyRequest());
    const all = await caller.closedAfter();
    expect(all).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    const status = JSON.parse(all.split('\r\n\r\n')[1]!) as { reason: string; code: number; message: string };
    expect(status).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
    expect(status.message).toMatch(/^member member-9 is unavailable: .*ECONNREFUSED/);
    expect(await outcomes[0]).toMatchObject({ kind: 'failed', status: 503 });
  });

  it('answers 503 when the member does not answer in time', async () => {
    target.timeoutMs = 200;
    member.onUpgrade = () => {}; // silent
    const caller = await Caller.connect();
    caller.socket.write(spdyRequest());
    const all = await caller.closedAfter();
    expect(all).toMatch(/^HTTP\/1\.1 503 /);
    expect(all).toContain('member member-1 is unavailable: timed out');
  });

  it('drops the member connection when the caller leaves before the member answers', async () => {
    let memberSocketClosed!: () => void;
    const closed = new Promise<void>((resolve) => (memberSocketClosed = resolve));
    let arrived!: () => void;
    const upgradeArrived = new Promise<void>((resolve) => (arrived = resolve));
    member.onUpgrade = (_req, socket) => {
      socket.on('close', () => memberSocketClosed());
      socket.on('error', () => {});
      arrived();
    };
    const caller = await Caller.connect();
    caller.socket.write(spdyRequest());
    await upgradeArrived;
    caller.socket.destroy();
    await closed;
    expect(await outcomes[0]).toEqual({ kind: 'cancelled' });
  });

  it('answers 400 for a request without an Upgrade value it can forward', async () => {
    const socket = new PassThrough();
    let written = '';
    socket.on('data', (d: Buffer) => (written += String(d)));
    const outcome = await proxyUpgrade({ member: certMember(), method: 'GET', path: EXEC, headers: {}, user: ALICE, socket, head: Buffer.alloc(0) });
    expect(outcome).toMatchObject({ kind: 'failed', status: 400 });
    expect(written).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });
});
