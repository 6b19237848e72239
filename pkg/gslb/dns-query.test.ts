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

  it('rejects a question dns-packet cannot echo as sent, and lower-cases ASCII only', () => {
    const header = Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    const ask = (...question: number[]) => parseQuery(Buffer.concat([header, Buffer.from(question)]))!;
    // dns-packet decodes names to UTF-8 text joined with dots, so these do not come back as they were sent.
    for (const unechoable of [
      ask(4, 0x61, 0x2e, 0x62, 0x63, 0, 0, 1, 0, 1), // a label holding a dot: 'a.bc' would read as two labels
      ask(1, 0x2e, 0, 0, 1, 0, 1), // a label that is just a dot: it would read as the root
      ask(2, 0x41, 0xc9, 0, 0, 1, 0, 1), // a byte that is not UTF-8
      ask(0xc0, 2, 0, 1, 0, 1), // compressed, pointing into the header
      ask(1, 0x61, 0, 0, 1, 0, 254), // class NONE, which dns-packet has no name for
    ]) {
      expect([unechoable.question, unechoable.malformed]).toEqual([undefined, 'question dns-packet cannot echo as sent']);
    }
    const utf8 = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'WwW.\u00c9xAmple.\u212a', type: 'A', class: 'CH' }] });
    const parsed = parseQuery(utf8)!;
    // The Kelvin sign stays itself: DNS names compare case-insensitively in ASCII only (RFC 4343).
    expect(parsed.question).toMatchObject({ labels: ['www', '\u00c9xample', '\u212a'], qtype: 1, qclass: 3 });
    expect(parsed.question!.wire).toEqual(utf8.subarray(12));
  });

  it('follows compression pointers backwards only, in records after the question', () => {
    const q = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'a.b', type: 'A' }] });
    // An additional A record whose owner points at the question name (offset 12), then one pointing at itself.
    const record = (owner: number[]) => Buffer.from([...owner, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4]);
    const withCount = (m: Buffer) => (m.writeUInt16BE(1, 10), m);
    expect(parseQuery(withCount(Buffer.concat([q, record([0xc0, 12])])))!.malformed).toBeUndefined();
    expect(parseQuery(withCount(Buffer.concat([q, record([0xc0, q.length])])))!.malformed).toBe('undecodable message: Cannot decode name (bad pointer)');
  });

  it('rejects what dns-packet decodes but a query must not hold, keeping the header of what it cannot decode', () => {
    const ecs = { code: 8, ip: undefined, data: Buffer.from([0, 1, 24, 0, 198, 51, 100]) } as const;
    const full = dnsPacket.encode({
      type: 'query',
      id: 7,
      questions: [{ name: 'a.b', type: 'A' }],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [ecs] }],
    });
    expect(parseQuery(full)!.malformed).toBeUndefined();
    expect(parseQuery(Buffer.concat([full, Buffer.from([1, 2, 3])]))!.malformed).toBeUndefined(); // trailing bytes are ignored
    const cut = parseQuery(full.subarray(0, full.length - 1))!;
    expect([cut.malformed, cut.question?.labels]).toEqual(['record data past the end of the message', ['a', 'b']]);

    // An OPT owned by 'x' rather than the root.
    const foreignOpt = Buffer.concat([full.subarray(0, 21), Buffer.from([1, 0x78, 0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0])]);
    expect(parseQuery(foreignOpt)!.malformed).toBe('malformed OPT record');

    // Too many records is rejected before decoding; the header of an undecodable message is still read, by
    // dns-packet, so that a response (QR set) can be dropped and the opcode and flags echoed.
    const many = parseQuery(Buffer.from([0, 9, 0x28, 0x10, 0, 1, 0, 0, 0, 0, 0, 65]))!;
    expect(many).toEqual({
      header: { id: 9, flags: 0x2810, opcode: 5, qdcount: 1, ancount: 0, nscount: 0, arcount: 65 },
      malformed: 'more than 64 records in a section',
    });
    const response = parseQuery(Buffer.from([0, 10, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x40]))!;
    expect([response.header.id, response.header.flags, response.malformed]).toEqual([10, 0x8100, 'undecodable message: Cannot decode name (bad label)']);
    expect(parseQuery(Buffer.alloc(11))).toBeUndefined();
  });
});

describe('clientSubnetOf', () => {
  it('reads IPv4 and IPv6 subnets', () => {
    expect(clientSubnetOf(optWith(Buffer.from([0, 1, 20, 0, 10, 1, 0x20])))).toMatchObject({ family: 1, sourcePrefixLength: 20, address: '10.1.32.0' });
    expect(clientSubnetOf(optWith(Buffer.from([0, 2, 0, 0])))).toMatchObject({ family: 2, sourcePrefixLength: 0, address: '::' });
    // RFC 5952 text: the longest run of zero groups is the one shortened, not the first.
    const v6 = Buffer.from([0, 2, 128, 0, ...addressBytes('2001:0:0:1:0:0:0:1')!]);
    expect(clientSubnetOf(optWith(v6))).toEqual({ family: 2, sourcePrefixLength: 128, address: '2001:0:0:1::1', data: v6 });
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
    expect(formatIpv6(addressBytes('::2:3:4:5:6:7:8')!)).toBe('0:2:3:4:5:6:7:8');
    expect(formatIpv6(addressBytes('FE80::1%eth0')!)).toBe('fe80::1');
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
