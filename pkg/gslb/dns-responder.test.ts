import dnsPacket, { type Answer, type OptAnswer, type PacketOpt, type RecordType } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { decodeDnsResponse, type DecodedDnsResponse } from './dns-client.js';
import { FAKE, FakeAnswerSource, ZONE } from './dns-fake-source.fixture.js';
import { type DnsRespondContext, DnsResponder, type DnsResponse } from './dns-responder.js';

const UDP: DnsRespondContext = { clientAddress: '192.0.2.53', transport: 'udp' };
const TCP: DnsRespondContext = { clientAddress: '192.0.2.53', transport: 'tcp' };

interface QueryShape {
  id?: number;
  flags?: number;
  edns?: { version?: number; udp?: number; flags?: number; options?: PacketOpt[] } | false;
  extra?: Answer[];
}

function opt(e: { version?: number; udp?: number; flags?: number; options?: PacketOpt[] } = {}): OptAnswer {
  return { type: 'OPT', name: '.', udpPayloadSize: e.udp ?? 1232, extendedRcode: 0, ednsVersion: e.version ?? 0, flags: e.flags ?? 0, flag_do: false, options: e.options ?? [] };
}

function query(name: string, type: string, shape: QueryShape = {}): Buffer {
  const additionals = [...(shape.edns === false || shape.edns === undefined ? [] : [opt(shape.edns)]), ...(shape.extra ?? [])];
  return dnsPacket.encode({ type: 'query', id: shape.id ?? 4242, flags: shape.flags ?? 0, questions: [{ name, type: type as RecordType, class: 'IN' }], additionals });
}

/** An ECS option with raw data: family, source prefix, scope, address bytes. */
function ecs(family: number, source: number, address: number[], scope = 0): PacketOpt {
  return { code: 8, ip: undefined, data: Buffer.from([0, family, source, scope, ...address]) };
}

function setup(extra: Partial<ConstructorParameters<typeof DnsResponder>[0]> = {}) {
  const source = new FakeAnswerSource();
  const responder = new DnsResponder({ zone: ZONE, source, soa: { serial: 7 }, nameserverAddresses: ['192.0.2.1', '2001:db8::1'], ...extra });
  const ask = (message: Buffer, ctx: DnsRespondContext = UDP): DnsResponse & { response: Buffer; decoded: DecodedDnsResponse } => {
    const { response, rcode, qtype } = responder.respond(message, ctx);
    if (response === undefined) throw new Error(`no response (${rcode})`);
    return { response, rcode, qtype, decoded: decodeDnsResponse(response) };
  };
  return { source, responder, ask };
}

const data = (records: readonly Answer[]): unknown[] => records.map((r) => ('data' in r ? r.data : undefined));

describe('DnsResponder answers below the apex', () => {
  it('answers A, AAAA and SRV authoritatively, with additionals', () => {
    const { ask, source } = setup();
    const a = ask(query(FAKE.app, 'A', { flags: dnsPacket.RECURSION_DESIRED }));
    expect([a.rcode, a.qtype]).toEqual(['NOERROR', 'A']);
    expect(a.decoded.id).toBe(4242);
    expect(a.decoded.flags).toMatchObject({ authoritative: true, truncated: false, recursionDesired: true, recursionAvailable: false });
    expect(data(a.decoded.answers)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(a.decoded.answers[0]).toMatchObject({ name: FAKE.app, ttl: 30, type: 'A', class: 'IN' });
    expect(source.questions[0]).toEqual({ name: FAKE.app, type: 'A', clientAddress: '192.0.2.53', transport: 'udp' });

    expect(data(ask(query(FAKE.app, 'AAAA')).decoded.answers)).toEqual(['fd00::1']);
    const s = ask(query(FAKE.app, 'SRV'));
    expect(data(s.decoded.answers)).toEqual([
      { priority: 0, weight: 1, port: 8080, target: `east.${FAKE.app}` },
      { priority: 1, weight: 1, port: 8080, target: `west.${FAKE.app}` },
    ]);
    expect(s.decoded.additionals.map((r) => [r.name, 'data' in r && r.data])).toEqual([
      [`east.${FAKE.app}`, '10.0.0.1'],
      [`west.${FAKE.app}`, '10.0.0.2'],
    ]);
  });

  it('answers NXDOMAIN and NODATA with the SOA in authority at the negative-caching TTL', () => {
    const { ask } = setup();
    const nx = ask(query(`nope.${ZONE}`, 'A'));
    expect(nx.rcode).toBe('NXDOMAIN');
    expect(nx.decoded.flags.authoritative).toBe(true);
    expect(nx.decoded.answers).toEqual([]);
    expect(nx.decoded.authorities).toMatchObject([{ type: 'SOA', name: ZONE, ttl: 30 }]);
    for (const [name, type] of [[FAKE.svc, 'A'], [FAKE.app, 'TXT']] as const) {
      const nodata = ask(query(name, type));
      expect([nodata.rcode, nodata.decoded.answers.length, nodata.decoded.flags.authoritative]).toEqual(['NOERROR', 0, true]);
      expect(nodata.decoded.authorities).toMatchObject([{ type: 'SOA', ttl: 30 }]);
    }
  });

  it('passes unknown and unsupported types to the source as dns-packet names them', () => {
    const { ask, source } = setup();
    const r = ask(query(FAKE.app, 'UNKNOWN_65280'));
    expect([r.rcode, r.qtype]).toEqual(['NOERROR', 'UNKNOWN_65280']);
    ask(query(FAKE.app, 'MX'));
    expect(source.questions.map((q) => q.type)).toEqual(['UNKNOWN_65280', 'MX']);
  });

  it('answers ANY with the A and AAAA records (RFC 8482)', () => {
    const { ask, source } = setup();
    const r = ask(query(FAKE.app, 'ANY'));
    expect(data(r.decoded.answers)).toEqual(['10.0.0.1', '10.0.0.2', 'fd00::1']);
    expect(source.questions.map((q) => q.type)).toEqual(['A', 'AAAA']);
    expect(ask(query(`nope.${ZONE}`, 'ANY')).rcode).toBe('NXDOMAIN');
  });

  it('echoes the question in the client letter case and asks the source in lower case', () => {
    const { responder, source } = setup();
    const asked = query('ApP.HeRd.LoCaL', 'A');
    const response = responder.respond(asked, UDP).response!;
    expect(response.subarray(12, asked.length)).toEqual(asked.subarray(12));
    expect(decodeDnsResponse(response).questions[0]?.name).toBe('ApP.HeRd.LoCaL');
    expect(source.questions[0]?.name).toBe(FAKE.app);
  });

  it('answers SERVFAIL when the source throws or returns records that cannot be encoded', () => {
    const { ask } = setup();
    expect(ask(query(FAKE.boom, 'A')).rcode).toBe('SERVFAIL');
    const bad = ask(query(FAKE.bad, 'A'));
    expect([bad.rcode, bad.decoded.answers.length, bad.decoded.questions[0]?.name]).toEqual(['SERVFAIL', 0, FAKE.bad]);
  });
});

describe('DnsResponder repeated queries', () => {
  // A query's bytes are parsed and checked once, and records are kept encoded: the answers must not show it.
  it('answers a repeated query with its own ID and question case, asking the source every time', () => {
    const { ask, source } = setup();
    const first = ask(query(FAKE.app, 'A', { id: 1 }));
    const again = ask(query(FAKE.app, 'A', { id: 2 }));
    const upper = ask(query(FAKE.app.toUpperCase(), 'A', { id: 3 }));
    expect([first.decoded.id, again.decoded.id, upper.decoded.id]).toEqual([1, 2, 3]);
    expect(upper.decoded.questions[0]?.name).toBe(FAKE.app.toUpperCase());
    expect(again.response.subarray(2)).toEqual(first.response.subarray(2));
    expect(source.questions.map((q) => q.name)).toEqual([FAKE.app, FAKE.app, FAKE.app]);
  });

  it('follows the source when its answer to the same question changes', () => {
    let address = '10.0.0.1';
    const responder = new DnsResponder({ zone: ZONE, source: { lookup: (q) => ({ kind: 'answer', answers: [{ name: q.name, ttl: 5, data: { type: 'A', address } }] }) } });
    const answer = () => decodeDnsResponse(responder.respond(query(FAKE.app, 'A'), UDP).response!).answers.map((a) => a.data);
    expect(answer()).toEqual(['10.0.0.1']);
    address = '10.0.0.2';
    expect(answer()).toEqual(['10.0.0.2']);
  });

  it('keeps the same verdict for a repeated malformed or refused query', () => {
    const { ask } = setup();
    for (let i = 0; i < 3; i++) {
      expect(ask(query('example.com', 'A', { id: i })).rcode).toBe('REFUSED');
      expect(ask(query(FAKE.app, 'A', { id: i, edns: { version: 1 } })).rcode).toBe('BADVERS');
    }
    const axfr = query(ZONE, 'AXFR');
    expect([ask(axfr, UDP).rcode, ask(axfr, TCP).rcode, ask(axfr, UDP).rcode]).toEqual(['FORMERR', 'REFUSED', 'FORMERR']);
  });
});

describe('DnsResponder answers the apex itself', () => {
  it('answers SOA, NS with glue, and the nameserver addresses', () => {
    const { ask, source } = setup();
    const soa = ask(query(ZONE, 'SOA'));
    expect(soa.decoded.answers).toMatchObject([
      { type: 'SOA', name: ZONE, ttl: 3600, data: { mname: `ns.${ZONE}`, rname: `hostmaster.${ZONE}`, serial: 7, refresh: 3600, retry: 600, expire: 86400, minimum: 30 } },
    ]);
    const ns = ask(query(ZONE, 'NS'));
    expect(ns.decoded.answers).toMatchObject([{ type: 'NS', data: `ns.${ZONE}` }]);
    expect(ns.decoded.additionals.map((r) => [r.name, r.type, 'data' in r && r.data])).toEqual([
      [`ns.${ZONE}`, 'A', '192.0.2.1'],
      [`ns.${ZONE}`, 'AAAA', '2001:db8::1'],
    ]);
    expect(data(ask(query(`ns.${ZONE}`, 'A')).decoded.answers)).toEqual(['192.0.2.1']);
    expect(data(ask(query(`NS.${ZONE}`, 'AAAA')).decoded.answers)).toEqual(['2001:db8::1']);
    expect(ask(query(`ns.${ZONE}`, 'TXT')).decoded.authorities).toMatchObject([{ type: 'SOA' }]);
    expect(ask(query(ZONE, 'ANY')).decoded.answers.map((r) => r.type)).toEqual(['SOA', 'NS']);
    const nodata = ask(query(ZONE, 'A'));
    expect([nodata.rcode, nodata.decoded.answers.length, nodata.decoded.authorities[0]?.type]).toEqual(['NOERROR', 0, 'SOA']);
    expect(source.questions).toEqual([]);
  });

  it('leaves the nameserver name to the source without addresses, and defaults the serial to the time', () => {
    const source = new FakeAnswerSource();
    const responder = new DnsResponder({ zone: `${ZONE.toUpperCase()}.`, source, nameserver: 'dns.example.com' });
    const ns = decodeDnsResponse(responder.respond(query(ZONE, 'NS'), UDP).response!);
    expect([data(ns.answers), ns.additionals]).toEqual([['dns.example.com'], []]);
    expect(responder.respond(query(`ns.${ZONE}`, 'A'), UDP).rcode).toBe('NXDOMAIN');
    const soa = decodeDnsResponse(responder.respond(query(ZONE, 'SOA'), UDP).response!).answers[0];
    expect(Math.abs(((soa && 'data' in soa && (soa.data as { serial: number }).serial) || 0) - Date.now() / 1000)).toBeLessThan(5);
    expect(() => new DnsResponder({ zone: ZONE, source, nameserver: 'dns.example.com', nameserverAddresses: ['192.0.2.1'] })).toThrow(/outside/);
  });
});

describe('DnsResponder refuses and rejects', () => {
  it('refuses names outside the zone and classes other than IN, without AA or RA', () => {
    const { ask, source } = setup();
    for (const name of ['example.com', 'xherd.local', 'local', '.']) {
      const r = ask(query(name, 'A', { flags: dnsPacket.RECURSION_DESIRED }));
      expect([r.rcode, r.decoded.flags.authoritative, r.decoded.flags.recursionAvailable]).toEqual(['REFUSED', false, false]);
    }
    // The labels 'a.herd' and 'local' are not in herd.local, though they read as a.herd.local. dns-packet joins labels
    // with dots and cannot tell them apart, so the question is rejected (FORMERR) rather than answered for another name.
    const header = Buffer.from([0, 9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    const labelWithDot = Buffer.concat([header, Buffer.from([6, ...Buffer.from('a.herd'), 5, ...Buffer.from('local'), 0, 0, 1, 0, 1])]);
    const dotted = ask(labelWithDot);
    expect([dotted.rcode, dotted.decoded.id, dotted.decoded.questions]).toEqual(['FORMERR', 9, []]);
    expect(source.questions).toEqual([]);
    const chaos = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'version.herd.local', type: 'TXT', class: 'CH' }] });
    expect(ask(chaos).rcode).toBe('REFUSED');
  });

  it('answers NOTIMP for opcodes other than QUERY, echoing the opcode', () => {
    const { ask } = setup();
    for (const [opcode, name] of [[4, 'NOTIFY'], [5, 'UPDATE'], [2, 'STATUS']] as const) {
      const r = ask(query(ZONE, 'SOA', { flags: opcode << 11, edns: {} }));
      expect([r.rcode, r.decoded.opcode, r.decoded.edns?.version]).toEqual(['NOTIMP', name, 0]);
    }
  });

  it('answers FORMERR to malformed queries, echoing the ID, and drops what cannot be answered', () => {
    const { responder, ask } = setup();
    const two = dnsPacket.encode({ type: 'query', id: 77, questions: [{ name: FAKE.app, type: 'A' }, { name: FAKE.app, type: 'AAAA' }] });
    const none = dnsPacket.encode({ type: 'query', id: 78, questions: [] });
    const withAnswer = dnsPacket.encode({ type: 'query', id: 79, questions: [{ name: FAKE.app, type: 'A' }], answers: [{ type: 'A', name: FAKE.app, data: '10.0.0.1' }] });
    const headerOnly = Buffer.from([0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    const garbage = Buffer.from([0, 81, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]);
    const manyRecords = Buffer.from([0, 82, 0, 0, 0, 1, 0, 0, 0, 0, 0, 65]);
    const pointerLoop = Buffer.from([0, 83, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    for (const message of [two, none, withAnswer, headerOnly, garbage, manyRecords, pointerLoop]) {
      const r = ask(message);
      expect(r.rcode).toBe('FORMERR');
      expect(r.decoded.id).toBe(message.readUInt16BE(0));
      expect(r.decoded.answers).toEqual([]);
    }
    expect(ask(two).decoded.questions).toEqual([]);
    expect(ask(withAnswer).decoded.questions).toHaveLength(1);
    expect(responder.respond(Buffer.alloc(11), UDP)).toEqual({ response: undefined, rcode: 'DROPPED', qtype: 'NONE' });
    const answerAsQuery = query(FAKE.app, 'A', { flags: dnsPacket.AUTHORITATIVE_ANSWER });
    answerAsQuery[2]! |= 0x80; // QR=1
    expect(responder.respond(answerAsQuery, UDP).response).toBeUndefined();
    expect(ask(Buffer.concat([query(FAKE.app, 'A'), Buffer.alloc(65536 - query(FAKE.app, 'A').length)])).rcode).toBe('FORMERR');
  });

  it('treats meta types as BIND does and refuses zone transfers', () => {
    const { ask } = setup();
    expect(ask(query(ZONE, 'AXFR')).rcode).toBe('FORMERR');
    expect(ask(query(ZONE, 'AXFR'), TCP).rcode).toBe('REFUSED');
    expect(ask(query(ZONE, 'IXFR'), TCP).rcode).toBe('REFUSED');
    expect(ask(query(FAKE.app, 'OPT')).rcode).toBe('FORMERR');
    expect(ask(query(FAKE.app, 'UNKNOWN_254')).rcode).toBe('NOTIMP');
  });

  it('never throws on any prefix of a valid query: FORMERR from 12 bytes on, dropped below', () => {
    const { responder } = setup();
    const full = query(FAKE.geo, 'A', { edns: { options: [ecs(1, 24, [198, 51, 100])] } });
    for (let cut = 0; cut < full.length; cut++) {
      const r = responder.respond(full.subarray(0, cut), UDP);
      if (cut < 12) expect(r.response).toBeUndefined();
      else expect([r.rcode, decodeDnsResponse(r.response!).id]).toEqual(['FORMERR', 4242]);
    }
    expect(responder.respond(full, UDP).rcode).toBe('NOERROR');
  });
});

describe('DnsResponder EDNS', () => {
  it('answers an OPT with an OPT, copying DO, and without one otherwise', () => {
    const { ask } = setup();
    expect(ask(query(FAKE.app, 'A')).decoded.edns).toBeUndefined();
    const r = ask(query(FAKE.app, 'A', { edns: { udp: 4096, flags: dnsPacket.DNSSEC_OK, options: [{ code: 'PADDING', length: 8 } as unknown as PacketOpt] } }));
    expect(r.decoded.edns).toEqual({ udpPayloadSize: 1232, version: 0, dnssecOk: true });
    expect(r.decoded.additionals).toEqual([]);
  });

  it('answers BADVERS to EDNS versions above 0', () => {
    const { ask } = setup();
    const r = ask(query(FAKE.app, 'A', { edns: { version: 1 } }));
    expect([r.rcode, r.decoded.rcode, r.decoded.edns?.version, r.decoded.answers.length]).toEqual(['BADVERS', 'BADVERS', 0, 0]);
    expect(r.response.readUInt16BE(2) & 0xf).toBe(0);
  });

  it('rejects more than one OPT record, or one outside the additional section', () => {
    const { ask } = setup();
    expect(ask(query(FAKE.app, 'A', { edns: {}, extra: [opt()] })).rcode).toBe('FORMERR');
    const inAnswers = dnsPacket.encode({ type: 'query', id: 5, questions: [{ name: FAKE.app, type: 'A' }], answers: [opt()] });
    expect(ask(inAnswers).rcode).toBe('FORMERR');
  });

  it('passes the client subnet to the source and echoes it with the scope the source gave', () => {
    const { ask, source } = setup();
    const v4 = ask(query(FAKE.geo, 'A', { edns: { options: [ecs(1, 24, [198, 51, 100])] } }));
    expect(data(v4.decoded.answers)).toEqual(['10.9.0.1']);
    expect(source.questions.at(-1)?.clientSubnet).toEqual({ address: '198.51.100.0', prefixLength: 24 });
    expect(v4.decoded.edns?.clientSubnet).toEqual({ family: 1, address: '198.51.100.0', sourcePrefixLength: 24, scopePrefixLength: 24 });

    const v6 = ask(query(FAKE.geo, 'A', { edns: { options: [ecs(2, 56, [0x20, 0x01, 0x0d, 0xb8, 0, 0x12, 0x34])] } }));
    expect(source.questions.at(-1)?.clientSubnet).toEqual({ address: '2001:db8:12:3400::', prefixLength: 56 });
    expect(v6.decoded.edns?.clientSubnet).toMatchObject({ family: 2, sourcePrefixLength: 56, scopePrefixLength: 56 });

    // A /0 subnet asks not to be located: the source sees none, and the answer holds for everyone.
    const zero = ask(query(FAKE.geo, 'A', { edns: { options: [ecs(1, 0, [])] } }));
    expect(source.questions.at(-1)?.clientSubnet).toBeUndefined();
    expect([data(zero.decoded.answers), zero.decoded.edns?.clientSubnet?.scopePrefixLength]).toEqual([['10.8.0.1'], 0]);
    // Answers that do not depend on the subnet, and errors, carry scope 0.
    expect(ask(query(FAKE.app, 'A', { edns: { options: [ecs(1, 24, [198, 51, 100])] } })).decoded.edns?.clientSubnet?.scopePrefixLength).toBe(0);
    expect(ask(query('example.com', 'A', { edns: { options: [ecs(1, 24, [198, 51, 100])] } })).decoded.edns?.clientSubnet?.sourcePrefixLength).toBe(24);
  });

  it('answers FORMERR to malformed client-subnet options (RFC 7871 6)', () => {
    const { ask } = setup();
    const malformed: PacketOpt[][] = [
      [ecs(3, 24, [198, 51, 100])], // unknown family
      [ecs(1, 33, [1, 2, 3, 4, 5])], // prefix longer than the address
      [ecs(1, 24, [198, 51, 100, 7])], // too many address bytes
      [ecs(1, 24, [198, 51])], // too few
      [ecs(1, 20, [198, 51, 100])], // bits set past the prefix
      [ecs(1, 24, [198, 51, 100], 16)], // a scope in a query
      [{ code: 8, ip: undefined, data: Buffer.from([0, 1, 0]) }], // shorter than its fixed part
      [ecs(1, 24, [198, 51, 100]), ecs(1, 24, [198, 51, 100])], // twice
    ];
    for (const options of malformed) expect(ask(query(FAKE.geo, 'A', { edns: { options } })).rcode).toBe('FORMERR');
  });
});

describe('DnsResponder size limits', () => {
  it('truncates over UDP (512 bytes without EDNS, 1232 at most with it) and sends everything over TCP', () => {
    const { ask } = setup();
    for (const shape of [{}, { edns: { udp: 4096 } }, { edns: { udp: 100 } }] satisfies QueryShape[]) {
      const r = ask(query(FAKE.big, 'A', shape));
      expect([r.rcode, r.decoded.flags.truncated, r.decoded.answers.length, r.decoded.questions.length]).toEqual(['NOERROR', true, 0, 1]);
      expect(r.response.length).toBeLessThanOrEqual(shape.edns?.udp === 4096 ? 1232 : 512);
      expect(r.decoded.edns !== undefined).toBe(shape.edns !== undefined);
    }
    const tcp = ask(query(FAKE.big, 'A'), TCP);
    expect([tcp.decoded.flags.truncated, tcp.decoded.answers.length]).toEqual([false, 100]);
    const roomy = ask(query(FAKE.big, 'A', { edns: { udp: 4096 } }), { ...UDP, maxUdpSize: 4096 });
    expect([roomy.decoded.flags.truncated, roomy.decoded.answers.length]).toEqual([false, 100]);
  });

  it('drops the additional section before truncating, without TC (RFC 2181 9)', () => {
    const { ask } = setup();
    const udp = ask(query(FAKE.wide, 'SRV'));
    expect([udp.decoded.flags.truncated, udp.decoded.answers.length, udp.decoded.additionals.length]).toEqual([false, 4, 0]);
    expect(ask(query(FAKE.wide, 'SRV'), TCP).decoded.additionals).toHaveLength(40);
  });
});

describe('DnsResponder under fuzzing', () => {
  it('never throws, and every response decodes with the query ID', () => {
    const { responder } = setup();
    let seed = 1;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const valid = [
      query(FAKE.app, 'A'),
      query(FAKE.app, 'SRV', { edns: {} }),
      query(FAKE.geo, 'A', { edns: { options: [ecs(1, 24, [198, 51, 100])] } }),
      query(ZONE, 'NS', { edns: { udp: 512 } }),
      query(FAKE.big, 'A', { edns: {} }),
    ];
    const inputs: Buffer[] = [];
    for (let i = 0; i < 2000; i++) inputs.push(Buffer.from(Array.from({ length: random(80) }, () => random(256))));
    for (let i = 0; i < 3000; i++) {
      const m = Buffer.from(valid[i % valid.length]!);
      for (let flips = 1 + random(4); flips > 0; flips--) m[random(m.length)] = random(256);
      inputs.push(random(4) === 0 ? m.subarray(0, random(m.length + 1)) : m);
    }
    let answered = 0;
    for (const input of inputs) {
      for (const ctx of [UDP, TCP]) {
        const r = responder.respond(input, ctx);
        expect(typeof r.rcode).toBe('string');
        if (r.response === undefined) continue;
        answered++;
        expect(r.response.readUInt16BE(0)).toBe(input.readUInt16BE(0));
        expect(r.response.length).toBeLessThanOrEqual(ctx.transport === 'udp' ? 1232 : 65535);
        expect(() => dnsPacket.decode(r.response!)).not.toThrow();
      }
    }
    expect(answered).toBeGreaterThan(5000);
    expect(decodeDnsResponse(responder.respond(query(FAKE.app, 'A'), UDP).response!).answers).toHaveLength(2);
  });
});
