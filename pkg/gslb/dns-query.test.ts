import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { addressBytes, clientSubnetOf, formatIpv6, type ParsedOpt, parseQuery, typeCode, typeName } from './dns-query.js';

const optWith = (...data: Buffer[]): ParsedOpt => ({ udpPayloadSize: 1232, extendedRcode: 0, version: 0, flags: 0, options: data.map((d) => ({ code: 8, data: d })) });

describe('parseQuery', () => {
  it('reads the header, the question as sent and the OPT record', () => {
    const message = dnsPacket.encode({
      type: 'query',
      id: 99,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ name: 'WwW.Example.COM', type: 'AAAA' }],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: dnsPacket.DNSSEC_OK, flag_do: true, options: [] }],
    });
    const parsed = parseQuery(message)!;
    expect(parsed.header).toMatchObject({ id: 99, opcode: 0, qdcount: 1, arcount: 1 });
    expect(parsed.question).toMatchObject({ labels: ['www', 'example', 'com'], qtype: 28, qclass: 1 });
    expect(parsed.question!.wire.toString('latin1')).toContain('WwW');
    expect(parsed.opt).toEqual({ udpPayloadSize: 4096, extendedRcode: 0, version: 0, flags: 0x8000, options: [] });
    expect(parsed.malformed).toBeUndefined();
  });

  it('escapes dots and odd bytes inside labels and lower-cases ASCII only', () => {
    const header = Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    const name = Buffer.from([4, 0x41, 0x2e, 0x5c, 0xc9, 2, 0x20, 0x7a, 0, 0, 1, 0, 1]);
    expect(parseQuery(Buffer.concat([header, name]))!.question!.labels).toEqual(['a\\.\\\\\\201', '\\032z']);
  });

  it('follows compression pointers backwards only, in records after the question', () => {
    const q = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'a.b', type: 'A' }] });
    // An additional A record whose owner points at the question name (offset 12), then one pointing at itself.
    const record = (owner: number[]) => Buffer.from([...owner, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4]);
    const withCount = (m: Buffer) => (m.writeUInt16BE(1, 10), m);
    expect(parseQuery(withCount(Buffer.concat([q, record([0xc0, 12])])))!.malformed).toBeUndefined();
    expect(parseQuery(withCount(Buffer.concat([q, record([0xc0, q.length])])))!.malformed).toBe('malformed record');
  });
});

describe('clientSubnetOf', () => {
  it('reads IPv4 and IPv6 subnets', () => {
    expect(clientSubnetOf(optWith(Buffer.from([0, 1, 20, 0, 10, 1, 0x20])))).toMatchObject({ family: 1, sourcePrefixLength: 20, address: '10.1.32.0' });
    expect(clientSubnetOf(optWith(Buffer.from([0, 2, 0, 0])))).toMatchObject({ family: 2, sourcePrefixLength: 0, address: '::' });
    expect(clientSubnetOf(undefined)).toBeUndefined();
  });
});

describe('addresses', () => {
  it('formats IPv6 as RFC 5952 says and parses it back', () => {
    for (const text of ['::', '::1', '2001:db8::1', '2001:db8:0:1:1:1:1:1', '2001:0:0:1::1', 'fe80::', '1:2:3:4:5:6:7:8']) {
      expect(formatIpv6(addressBytes(text)!)).toBe(text);
    }
    expect(formatIpv6(addressBytes('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6(addressBytes('::ffff:10.0.0.1')!)).toBe('::ffff:a00:1');
    expect([...addressBytes('10.0.0.255')!]).toEqual([10, 0, 0, 255]);
    expect(addressBytes('nope')).toBeUndefined();
  });

  it('names types as dns-packet does', () => {
    expect([typeName(1), typeName(65280), typeCode('aaaa'), typeCode('TYPE33'), typeCode('UNKNOWN_65280'), typeCode('BOGUS'), typeCode('TYPE70000')]).toEqual([
      'A',
      'UNKNOWN_65280',
      28,
      33,
      65280,
      undefined,
      undefined,
    ]);
  });
});
