import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeDnsResponse, exchangeDnsMessage, queryDns } from './dns-client.js';
import { FAKE, FakeAnswerSource, ZONE } from './dns-fake-source.fixture.js';
import { DnsResponder } from './dns-responder.js';
import { type DnsQueryEvent, DnsServer, type DnsServerOptions } from './dns-server.js';

const servers: DnsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function serve(options: Partial<DnsServerOptions> = {}) {
  const events: DnsQueryEvent[] = [];
  const source = new FakeAnswerSource();
  const server = new DnsServer({
    responder: new DnsResponder({ zone: ZONE, source }),
    address: '127.0.0.1',
    port: 0,
    onQuery: (e) => events.push(e),
    ...options,
  });
  servers.push(server);
  const at = await server.start();
  return { server, at, events, source, ask: (name: string, type: string, transport: 'udp' | 'tcp' = 'udp') => queryDns({ server: at.address, port: at.port, name, type, transport }) };
}

const query = (id: number, name: string, type: 'A' | 'AAAA' | 'SRV'): Buffer => dnsPacket.encode({ type: 'query', id, questions: [{ name, type }] });
const frame = (message: Buffer): Buffer => Buffer.concat([Buffer.from([message.length >> 8, message.length & 0xff]), message]);

/** Connects, writes, and collects framed answers until `count` arrived or the connection closed. */
function tcpSession(port: number, write: Buffer, count: number): Promise<{ answers: Buffer[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let pending = Buffer.alloc(0);
    const answers: Buffer[] = [];
    socket.on('error', reject);
    socket.on('close', () => resolve({ answers, closed: true }));
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        answers.push(pending.subarray(2, 2 + pending.readUInt16BE(0)));
        pending = pending.subarray(2 + pending.readUInt16BE(0));
      }
      if (answers.length >= count) {
        socket.destroy();
        resolve({ answers, closed: false });
      }
    });
    socket.write(write);
  });
}

describe('DnsServer', () => {
  it('answers over UDP and TCP on the same port and reports each query', async () => {
    const { at, ask, events } = await serve();
    expect(at.address).toBe('127.0.0.1');
    expect(at.port).toBeGreaterThan(0);
    const udp = await ask(FAKE.app, 'A');
    const tcp = await ask(FAKE.app, 'A', 'tcp');
    for (const r of [udp, tcp]) expect([r.rcode, r.flags.authoritative, r.answers.length]).toEqual(['NOERROR', true, 2]);
    expect([udp.transport, tcp.transport]).toEqual(['udp', 'tcp']);
    expect(events.map((e) => [e.qtype, e.rcode, e.transport])).toEqual([
      ['A', 'NOERROR', 'udp'],
      ['A', 'NOERROR', 'tcp'],
    ]);
    expect(events[0]!.seconds).toBeGreaterThanOrEqual(0);
    expect((await ask(`nope.${ZONE}`, 'A')).rcode).toBe('NXDOMAIN');
    expect((await ask('example.com', 'A', 'tcp')).rcode).toBe('REFUSED');
  });

  it('has clients fall back to TCP when the UDP answer is truncated', async () => {
    const { ask, events } = await serve();
    const r = await ask(FAKE.big, 'A');
    expect([r.transport, r.truncatedOverUdp, r.flags.truncated, r.answers.length]).toEqual(['tcp', true, false, 100]);
    expect(events.map((e) => e.transport)).toEqual(['udp', 'tcp']);
  });

  it('answers pipelined TCP queries on one connection in order', async () => {
    const { at } = await serve();
    const names = [FAKE.app, FAKE.big, `nope.${ZONE}`];
    const { answers } = await tcpSession(at.port, Buffer.concat(names.map((n, i) => frame(query(100 + i, n, 'A')))), 3);
    expect(answers.map((a) => decodeDnsResponse(a)).map((r) => [r.id, r.rcode, r.answers.length])).toEqual([
      [100, 'NOERROR', 2],
      [101, 'NOERROR', 100],
      [102, 'NXDOMAIN', 0],
    ]);
  });

  it('stops reading from a TCP client that does not read its answers', async () => {
    const { at, events } = await serve();
    // About 9 MB of answers: more than the kernel buffers between a client that never reads and the server hold.
    const count = 3000;
    const socket = net.connect(at.port, '127.0.0.1');
    socket.write(Buffer.concat(Array.from({ length: count }, (_, i) => frame(query(i, FAKE.big, 'A')))));
    await new Promise((r) => setTimeout(r, 300));
    const answeredWhileIgnored = events.length;
    expect(answeredWhileIgnored).toBeGreaterThan(0);
    expect(answeredWhileIgnored).toBeLessThan(count);
    let pending = Buffer.alloc(0);
    let answers = 0;
    await new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
          pending = pending.subarray(2 + pending.readUInt16BE(0));
          if (++answers === count) resolve();
        }
      });
    });
    socket.destroy();
    expect(events.length).toBe(count);
  });

  it('answers FORMERR to an undecodable TCP message and keeps the connection', async () => {
    const { at } = await serve();
    const garbage = Buffer.from([0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x3f, 1, 2]);
    const { answers } = await tcpSession(at.port, Buffer.concat([frame(garbage), frame(Buffer.alloc(3)), frame(query(8, FAKE.app, 'AAAA'))]), 2);
    expect(answers.map((a) => decodeDnsResponse(a)).map((r) => [r.id, r.rcode])).toEqual([
      [7, 'FORMERR'],
      [8, 'NOERROR'],
    ]);
  });

  it('closes idle TCP connections, also one that stopped halfway through a message', async () => {
    const { at } = await serve({ tcpIdleMs: 100 });
    const started = Date.now();
    const message = frame(query(9, FAKE.app, 'A'));
    const half = await tcpSession(at.port, message.subarray(0, 10), 1);
    expect([half.closed, half.answers.length]).toEqual([true, 0]);
    expect(Date.now() - started).toBeLessThan(2000);
    const idle = await tcpSession(at.port, message, 2);
    expect([idle.closed, idle.answers.length]).toEqual([true, 1]);
  });

  it('closes TCP connections beyond the cap', async () => {
    const { at, ask } = await serve({ maxTcpConnections: 2 });
    const held = await Promise.all([0, 1].map(() => new Promise<net.Socket>((resolve) => { const s = net.connect(at.port, '127.0.0.1', () => resolve(s)); })));
    await new Promise((r) => setTimeout(r, 20));
    const extra = await tcpSession(at.port, frame(query(10, FAKE.app, 'A')), 1);
    expect([extra.closed, extra.answers.length]).toEqual([true, 0]);
    held.forEach((s) => s.destroy());
    await new Promise((r) => setTimeout(r, 20));
    expect((await ask(FAKE.app, 'A', 'tcp')).rcode).toBe('NOERROR');
  });

  it('drops responses sent to it and keeps answering after a flood of junk', async () => {
    const { at, ask, events } = await serve({ tcpIdleMs: 200 });
    const response = query(11, FAKE.app, 'A');
    response[2]! |= 0x80;
    await expect(exchangeDnsMessage(response, { server: at.address, port: at.port, transport: 'udp', timeoutMs: 150 })).rejects.toThrow(/no DNS answer/);
    expect(events.at(-1)).toMatchObject({ rcode: 'DROPPED', qtype: 'NONE' });

    const junk = dgram.createSocket('udp4');
    let seed = 7;
    const random = (n: number): number => (seed = (seed * 48271) % 2147483647) % n;
    for (let i = 0; i < 500; i++) {
      const m = random(3) === 0 ? Buffer.from(query(i, FAKE.app, 'A')) : Buffer.from(Array.from({ length: random(60) }, () => random(256)));
      m[random(m.length || 1)] = random(256);
      junk.send(m, at.port, '127.0.0.1');
    }
    const tcpJunk = Buffer.from(Array.from({ length: 3000 }, () => random(256)));
    await tcpSession(at.port, tcpJunk, 1_000_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    junk.close();
    expect((await ask(FAKE.app, 'A')).answers).toHaveLength(2);
    expect((await ask(FAKE.app, 'A', 'tcp')).answers).toHaveLength(2);
  });

  it('stops cleanly, freeing the port, and starts again', async () => {
    const { server, at } = await serve();
    await server.stop();
    await expect(queryDns({ server: at.address, port: at.port, name: FAKE.app, type: 'A', transport: 'tcp', timeoutMs: 200 })).rejects.toThrow();
    const again = new DnsServer({ responder: new DnsResponder({ zone: ZONE, source: new FakeAnswerSource() }), address: '127.0.0.1', port: at.port });
    servers.push(again);
    expect(await again.start()).toEqual(at);
  });

  it('serves IPv6 addresses over udp6 and TCP', async () => {
    const server = new DnsServer({ responder: new DnsResponder({ zone: ZONE, source: new FakeAnswerSource() }), address: '::1', port: 0 });
    servers.push(server);
    const at = await server.start().catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT') return undefined; // no IPv6 loopback here
      throw error;
    });
    if (!at) return;
    expect(at.address).toBe('::1');
    for (const transport of ['udp', 'tcp'] as const) {
      expect((await queryDns({ server: '::1', port: at.port, name: FAKE.app, type: 'AAAA', transport })).answers).toHaveLength(1);
    }
  });

  it('fails to start on a port that is taken', async () => {
    const { at } = await serve();
    const clash = new DnsServer({ responder: new DnsResponder({ zone: ZONE, source: new FakeAnswerSource() }), address: '127.0.0.1', port: at.port });
    await expect(clash.start()).rejects.toThrow(/EADDRINUSE/);
  });
});
