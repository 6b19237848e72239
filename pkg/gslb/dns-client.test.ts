import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDnsResponse, queryDns } from './dns-client.js';
import { FAKE, FakeAnswerSource, ZONE } from './dns-fake-source.fixture.js';
import { DnsResponder } from './dns-responder.js';
import { DnsServer } from './dns-server.js';

const source = new FakeAnswerSource();
const server = new DnsServer({
  responder: new DnsResponder({ zone: ZONE, source, soa: { serial: 2024 }, nameserverAddresses: ['192.0.2.1'] }),
  address: '127.0.0.1',
  port: 0,
});
let port = 0;
beforeAll(async () => {
  port = (await server.start()).port;
});
afterAll(() => server.stop());

const ask = (name: string, type: string, extra: Partial<Parameters<typeof queryDns>[0]> = {}) => queryDns({ server: '127.0.0.1', port, name, type, id: 1234, ...extra });

describe('queryDns', () => {
  it('decodes the answer: rcode, flags, sections, EDNS', async () => {
    const r = await ask(FAKE.app, 'srv');
    expect(r).toMatchObject({ id: 1234, opcode: 'QUERY', rcode: 'NOERROR', transport: 'udp', truncatedOverUdp: false });
    expect(r.flags).toEqual({ authoritative: true, truncated: false, recursionDesired: false, recursionAvailable: false, authenticData: false, checkingDisabled: false });
    expect([r.questions.length, r.answers.length, r.authorities.length, r.additionals.length]).toEqual([1, 2, 0, 2]);
    expect(r.edns).toEqual({ udpPayloadSize: 1232, version: 0, dnssecOk: false });
    expect(r.packet.answers).toHaveLength(2);
    expect(r.bytes).toBeGreaterThan(12);
    expect((await ask(FAKE.app, 'A', { edns: false })).edns).toBeUndefined();
  });

  it('asks numbered types in RFC 3597 or dns-packet spelling, and rejects unknown names', async () => {
    await ask(FAKE.app, 'TYPE65280');
    await ask(FAKE.app, 'unknown_65281');
    expect(source.questions.slice(-2).map((q) => q.type)).toEqual(['UNKNOWN_65280', 'UNKNOWN_65281']);
    await expect(ask(FAKE.app, 'NOSUCHTYPE')).rejects.toThrow(/unknown DNS record type/);
  });

  it('sends the client subnet cut to its prefix, and reads the echoed scope', async () => {
    const v4 = await ask(FAKE.geo, 'A', { clientSubnet: { address: '198.51.100.77', prefixLength: 20 } });
    expect(source.questions.at(-1)?.clientSubnet).toEqual({ address: '198.51.96.0', prefixLength: 20 });
    expect(v4.edns?.clientSubnet).toEqual({ family: 1, address: '198.51.96.0', sourcePrefixLength: 20, scopePrefixLength: 20 });
    const v6 = await ask(FAKE.geo, 'A', { clientSubnet: { address: '2001:db8:1234:5678::9', prefixLength: 36 } });
    expect(source.questions.at(-1)?.clientSubnet).toEqual({ address: '2001:db8:1000::', prefixLength: 36 });
    expect(v6.edns?.clientSubnet?.scopePrefixLength).toBe(36);
    const mapped = await ask(FAKE.geo, 'A', { clientSubnet: { address: '::ffff:198.51.100.1', prefixLength: 128 } });
    expect(mapped.edns?.clientSubnet?.address).toBe('::ffff:c633:6401');
    await expect(ask(FAKE.geo, 'A', { clientSubnet: { address: '198.51.100.1', prefixLength: 33 } })).rejects.toThrow(/invalid client subnet/);
  });

  it('retries over TCP when the UDP answer is truncated', async () => {
    const r = await ask(FAKE.big, 'A');
    expect([r.transport, r.truncatedOverUdp, r.answers.length]).toEqual(['tcp', true, 100]);
    expect(formatDnsResponse(r)).toContain(';; truncated over UDP, asked again over TCP');
  });

  it('times out when nobody answers, and ignores answers with another ID', async () => {
    const impostor = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => impostor.bind(0, '127.0.0.1', resolve));
    impostor.on('message', (message, peer) => {
      const wrong = Buffer.from(message);
      wrong.writeUInt16BE(message.readUInt16BE(0) ^ 1, 0);
      wrong[2]! |= 0x80;
      impostor.send(wrong, peer.port, peer.address);
    });
    try {
      const started = Date.now();
      await expect(queryDns({ server: '127.0.0.1', port: impostor.address().port, name: FAKE.app, type: 'A', timeoutMs: 150 })).rejects.toThrow(/within 150 ms/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      impostor.close();
    }
  });
});

describe('formatDnsResponse', () => {
  it('prints a dig-like summary', async () => {
    const r = await ask(FAKE.app, 'SRV', { clientSubnet: { address: '198.51.100.0', prefixLength: 24 } });
    expect(formatDnsResponse(r).split('\n')).toEqual([
      ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1234',
      ';; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 3',
      ';; EDNS: version: 0, flags:; udp: 1232',
      ';; CLIENT-SUBNET: 198.51.100.0/24/0',
      ';; QUESTION SECTION:',
      ';app.herd.local. IN SRV',
      ';; ANSWER SECTION:',
      'app.herd.local. 30 IN SRV 0 1 8080 east.app.herd.local.',
      'app.herd.local. 30 IN SRV 1 1 8080 west.app.herd.local.',
      ';; ADDITIONAL SECTION:',
      'east.app.herd.local. 30 IN A 10.0.0.1',
      'west.app.herd.local. 30 IN A 10.0.0.2',
      `;; UDP, ${r.bytes} bytes`,
    ]);
    const nx = formatDnsResponse(await ask(`nope.${ZONE}`, 'TYPE65280', { edns: false }));
    expect(nx).toContain('status: NXDOMAIN');
    expect(nx).toContain(';nope.herd.local. IN TYPE65280');
    expect(nx).toContain(`;; AUTHORITY SECTION:\nherd.local. 30 IN SOA ns.herd.local. hostmaster.herd.local. 2024 3600 600 86400 30`);
  });
});
