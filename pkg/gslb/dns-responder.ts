import { isIP } from 'node:net';
import dnsPacket, { type Answer } from 'dns-packet';
import type { DnsAnswerSource, DnsLookup, DnsQuestion, DnsRecord } from './dns-answer-source.js';
import { type ClientSubnetOption, clientSubnetOf, HEADER_BYTES, type ParsedQuery, type ParsedQuestion, parseQuery, typeName } from './dns-query.js';

/** What the zone's SOA record says; every field has the default a small dynamic zone wants. */
export interface DnsSoaOptions {
  /** Default `ns.<zone>`. */
  readonly mname?: string;
  /** Default `hostmaster.<zone>`. */
  readonly rname?: string;
  /** Default: the Unix time in seconds when the responder was built, so a restarted server shows a newer zone. */
  readonly serial?: number;
  readonly refresh?: number;
  readonly retry?: number;
  readonly expire?: number;
  /** The negative-caching TTL (RFC 2308 4). Default 30 s: a name that appears is soon answered everywhere. */
  readonly minimum?: number;
}

export interface DnsResponderOptions {
  /** The zone apex, e.g. 'herd.local'. */
  readonly zone: string;
  readonly source: DnsAnswerSource;
  readonly soa?: DnsSoaOptions;
  /** The name in the zone's NS record. Default `ns.<zone>`. */
  readonly nameserver?: string;
  /** Addresses of the nameserver: answered for its name and given as glue with NS; only when it is in the zone. */
  readonly nameserverAddresses?: readonly string[];
  /** TTL of the records the server answers itself (SOA, NS, the nameserver's addresses). Default 3600. */
  readonly apexTtl?: number;
}

export interface DnsRespondContext {
  readonly clientAddress: string;
  readonly transport: 'udp' | 'tcp';
  /** The most this server sends in one UDP datagram. Default 1232, at least 512. */
  readonly maxUdpSize?: number;
}

export interface DnsResponse {
  /** The message to send back; undefined to drop the query silently. */
  readonly response: Buffer | undefined;
  /** The response code name for metrics (NODATA is NOERROR); 'DROPPED' when nothing is sent. */
  readonly rcode: string;
  /** The question's type as dns-packet names it; 'NONE' when the message had no readable question. */
  readonly qtype: string;
}

/**
 * The UDP payload size advertised in responses and the default cap on UDP answers: DNS Flag Day 2020's value, which
 * fits in one IPv6 packet on any path, so answers are never fragmented (fragments get lost or spoofed). Clients that
 * advertise more still get at most this much over UDP, and TCP beyond it (BIND's default since 9.16 too).
 */
export const EDNS_UDP_PAYLOAD_SIZE = 1232;
const PLAIN_UDP_SIZE = 512;
const TCP_SIZE = 65535;

const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 } as const;
type Rcode = keyof typeof RCODES;
const T = { A: 1, NS: 2, SOA: 6, AAAA: 28, OPT: 41, TKEY: 249, TSIG: 250, IXFR: 251, AXFR: 252, MAILB: 253, MAILA: 254, ANY: 255 };
const QR = 0x8000;
const AA = 0x0400;
const TC = 0x0200;
const RD = 0x0100;
const CD = 0x0010;
const DO = 0x8000;

interface Reply {
  readonly rcode: Rcode;
  readonly authoritative?: boolean;
  readonly answers?: Answer[];
  readonly authorities?: Answer[];
  readonly additionals?: Answer[];
  readonly ecsScope?: number;
}

/**
 * An authoritative-only DNS server for one zone, as a pure function from query bytes to response bytes; sockets
 * live in DnsServer. It behaves as BIND or NSD do when serving a zone without recursion: foreign names are REFUSED,
 * answers carry AA, negative answers carry the SOA for negative caching (RFC 2308), EDNS(0) is answered in kind
 * (RFC 6891) with client-subnet echoed (RFC 7871), and nothing a client sends can make it throw.
 */
export class DnsResponder {
  private readonly zone: string;
  private readonly zoneLabels: readonly string[];
  private readonly source: DnsAnswerSource;
  private readonly nameserver: string;
  private readonly soa: Answer;
  private readonly negativeSoa: Answer;
  private readonly ns: Answer;
  private readonly glue: Answer[];

  constructor(options: DnsResponderOptions) {
    this.zone = checkedName(options.zone);
    this.zoneLabels = this.zone.split('.');
    this.source = options.source;
    this.nameserver = checkedName(options.nameserver ?? `ns.${this.zone}`);
    const ttl = checkedTtl(options.apexTtl ?? 3600);
    const s = options.soa ?? {};
    const minimum = checkedTtl(s.minimum ?? 30);
    const serial = s.serial ?? Math.floor(Date.now() / 1000) % 2 ** 32;
    if (!Number.isInteger(serial) || serial < 0 || serial >= 2 ** 32) throw new Error(`SOA serial ${serial} is not a 32-bit unsigned integer`);
    const data = {
      mname: checkedName(s.mname ?? `ns.${this.zone}`),
      rname: checkedName(s.rname ?? `hostmaster.${this.zone}`),
      serial,
      refresh: checkedTtl(s.refresh ?? 3600),
      retry: checkedTtl(s.retry ?? 600),
      expire: checkedTtl(s.expire ?? 86400),
      minimum,
    };
    this.soa = { type: 'SOA', name: this.zone, ttl, data };
    // RFC 2308 3: the SOA of a negative answer lives no longer than the zone's negative-caching TTL.
    this.negativeSoa = { type: 'SOA', name: this.zone, ttl: Math.min(ttl, minimum), data };
    this.ns = { type: 'NS', name: this.zone, ttl, data: this.nameserver };
    const addresses = options.nameserverAddresses ?? [];
    if (addresses.length > 0 && !this.inZone(this.nameserver.split('.'))) {
      throw new Error(`nameserver ${this.nameserver} is outside ${this.zone}: its addresses are not this server's to answer`);
    }
    this.glue = addresses.map((address) => toAnswer({ name: this.nameserver, ttl, data: { type: isIP(address) === 6 ? 'AAAA' : 'A', address } }));
  }

  respond(query: Buffer, ctx: DnsRespondContext): DnsResponse {
    try {
      return this.respondTo(query, ctx);
    } catch {
      // Unreachable unless there is a bug here; a bare SERVFAIL header still tells the client to go elsewhere.
      if (query.length < HEADER_BYTES) return { response: undefined, rcode: 'DROPPED', qtype: 'NONE' };
      const response = Buffer.alloc(HEADER_BYTES);
      response.writeUInt16BE(query.readUInt16BE(0), 0);
      response.writeUInt16BE(QR | (query.readUInt16BE(2) & 0x7900) | RCODES.SERVFAIL, 2);
      return { response, rcode: 'SERVFAIL', qtype: 'NONE' };
    }
  }

  private respondTo(query: Buffer, ctx: DnsRespondContext): DnsResponse {
    const parsed = parseQuery(query);
    // Too short to answer, or a response: answering responses is how reflection loops start.
    if (parsed === undefined || (parsed.header.flags & QR) !== 0) return { response: undefined, rcode: 'DROPPED', qtype: 'NONE' };
    const { header, question, opt } = parsed;
    const qtype = question ? typeName(question.qtype) : 'NONE';
    let subnet: ClientSubnetOption | undefined;
    const send = (reply: Reply): DnsResponse => ({ response: this.encode(parsed, reply, subnet, sizeLimit(parsed, ctx)), rcode: reply.rcode, qtype });

    if (parsed.malformed !== undefined) return send({ rcode: 'FORMERR' });
    if (opt && opt.version > 0) return send({ rcode: 'BADVERS' });
    if (header.opcode !== 0) return send({ rcode: 'NOTIMP' });
    // NSD's rule: a query has one question and nothing in the answer and authority sections.
    if (question === undefined || header.ancount !== 0 || header.nscount !== 0) return send({ rcode: 'FORMERR' });
    const ecs = clientSubnetOf(opt);
    if (ecs === 'malformed') return send({ rcode: 'FORMERR' });
    subnet = ecs;

    if (question.qclass !== 1) return send({ rcode: 'REFUSED' }); // the zone is IN only
    // Meta types as BIND treats them: MAILA/MAILB are not implemented, OPT/TSIG/TKEY/128-248 are never questions.
    const t = question.qtype;
    if (t === T.MAILA || t === T.MAILB) return send({ rcode: 'NOTIMP' });
    if (t === T.OPT || (t >= 128 && t <= T.TSIG)) return send({ rcode: 'FORMERR' });
    if (!this.inZone(question.labels)) return send({ rcode: 'REFUSED' });
    // No zone transfers: the zone is computed per query. AXFR over UDP is malformed in itself (RFC 5936 4.2).
    if (t === T.AXFR && ctx.transport === 'udp') return send({ rcode: 'FORMERR' });
    if (t === T.AXFR || t === T.IXFR) return send({ rcode: 'REFUSED' });

    let reply: Reply;
    try {
      reply = this.answer(question, ctx, subnet);
    } catch {
      reply = { rcode: 'SERVFAIL' }; // the source threw or returned a record that cannot be encoded
    }
    try {
      return send(reply);
    } catch {
      return send({ rcode: 'SERVFAIL' });
    }
  }

  private inZone(labels: readonly string[]): boolean {
    const depth = labels.length - this.zoneLabels.length;
    return depth >= 0 && this.zoneLabels.every((label, i) => labels[depth + i] === label);
  }

  private answer(question: ParsedQuestion, ctx: DnsRespondContext, subnet: ClientSubnetOption | undefined): Reply {
    const name = question.labels.join('.');
    const t = question.qtype;
    if (name === this.zone) {
      if (t === T.SOA) return { rcode: 'NOERROR', authoritative: true, answers: [this.soa] };
      if (t === T.NS) return { rcode: 'NOERROR', authoritative: true, answers: [this.ns], additionals: this.glue };
      // ANY at the apex: its two RRsets are small, so both (RFC 8482 lets a server pick any subset).
      if (t === T.ANY) return { rcode: 'NOERROR', authoritative: true, answers: [this.soa, this.ns] };
    }
    if (name === this.nameserver && this.glue.length > 0) {
      const answers = this.glue.filter((g) => t === T.ANY || (t === T.A && g.type === 'A') || (t === T.AAAA && g.type === 'AAAA'));
      return this.positive(answers);
    }
    if (name === this.zone) return this.positive([]);

    // A /0 subnet is the client asking not to be located (RFC 7871 7.1.2): the source gets no subnet.
    const located = subnet && subnet.sourcePrefixLength > 0 ? { clientSubnet: { address: subnet.address, prefixLength: subnet.sourcePrefixLength } } : {};
    const ask = (type: string): DnsLookup => this.source.lookup({ name, type, clientAddress: ctx.clientAddress, transport: ctx.transport, ...located } satisfies DnsQuestion);
    // ANY follows RFC 8482 minimally: the addresses (A and AAAA) rather than every RRset the source might have, which is
    // what a client asking ANY of a load-balanced name wants; no HINFO synthesis is needed to stay small.
    const lookup = t === T.ANY ? combine(ask('A'), ask('AAAA')) : ask(typeName(t));
    if (lookup.kind === 'nxdomain') return { rcode: 'NXDOMAIN', authoritative: true, authorities: [this.negativeSoa] };
    const scope = subnet && subnet.sourcePrefixLength > 0 ? lookup.ecsScopePrefixLength : 0;
    return { ...this.positive(lookup.answers.map(toAnswer), (lookup.additionals ?? []).map(toAnswer)), ...(scope ? { ecsScope: scope } : {}) };
  }

  /** NOERROR: the answers with their additionals, or NODATA (the SOA in authority) when there are none. */
  private positive(answers: Answer[], additionals: Answer[] = []): Reply {
    if (answers.length === 0) return { rcode: 'NOERROR', authoritative: true, authorities: [this.negativeSoa] };
    return { rcode: 'NOERROR', authoritative: true, answers, additionals };
  }

  /**
   * The response, within `limit` bytes: whole if it fits; else without the additional section, which RFC 2181 9 says
   * must not set TC; else TC=1 with only the question and OPT, so the client asks again over TCP.
   */
  private encode(parsed: ParsedQuery, reply: Reply, subnet: ClientSubnetOption | undefined, limit: number): Buffer {
    const { header, question, opt } = parsed;
    const rcode = RCODES[reply.rcode];
    const optRecord = opt ? encodeOpt(rcode >> 4, opt.flags & DO, subnet, reply.ecsScope ?? 0) : undefined;
    const build = (answers: Answer[], authorities: Answer[], additionals: Answer[], truncated: boolean): Buffer => {
      const body = dnsPacket.encode({ type: 'response', answers, authorities, additionals }).subarray(HEADER_BYTES);
      const parts = [Buffer.alloc(HEADER_BYTES), question?.wire ?? Buffer.alloc(0), body, optRecord ?? Buffer.alloc(0)];
      const head = parts[0]!;
      head.writeUInt16BE(header.id, 0);
      const flags = QR | (header.opcode << 11) | (reply.authoritative ? AA : 0) | (truncated ? TC : 0) | (header.flags & (RD | CD)) | (rcode & 0xf);
      head.writeUInt16BE(flags, 2);
      head.writeUInt16BE(question ? 1 : 0, 4);
      head.writeUInt16BE(answers.length, 6);
      head.writeUInt16BE(authorities.length, 8);
      head.writeUInt16BE(additionals.length + (optRecord ? 1 : 0), 10);
      return Buffer.concat(parts);
    };
    const answers = reply.answers ?? [];
    const authorities = reply.authorities ?? [];
    const additionals = reply.additionals ?? [];
    const whole = build(answers, authorities, additionals, false);
    if (whole.length <= limit) return whole;
    if (additionals.length > 0) {
      const lean = build(answers, authorities, [], false);
      if (lean.length <= limit) return lean;
    }
    return build([], [], [], true);
  }
}

/**
 * How large the response may be: 512 bytes over UDP without EDNS (RFC 1035 4.2.1); with EDNS what the client
 * advertised, at least 512 and at most the server's cap (EDNS_UDP_PAYLOAD_SIZE unless the context says otherwise);
 * over TCP whatever the 2-byte length prefix can frame.
 */
function sizeLimit(parsed: ParsedQuery, ctx: DnsRespondContext): number {
  if (ctx.transport === 'tcp') return TCP_SIZE;
  if (!parsed.opt) return PLAIN_UDP_SIZE;
  const cap = Math.max(PLAIN_UDP_SIZE, ctx.maxUdpSize ?? EDNS_UDP_PAYLOAD_SIZE);
  return Math.min(cap, Math.max(PLAIN_UDP_SIZE, parsed.opt.udpPayloadSize));
}

/**
 * Our OPT record, built by hand like the header: the client-subnet option must be echoed byte for byte with only
 * SCOPE changed (RFC 7871 7.2.1), which dns-packet's option encoder (it re-derives the address bytes from text) does
 * not guarantee. The header holds only the low 4 bits of the rcode; BADVERS (16) puts its upper bits here (RFC 6891
 * 6.1.3). Version 0; DO copied from the query as RFC 3225 3 requires (no DNSSEC records follow from it); other
 * options are not echoed.
 */
function encodeOpt(extendedRcode: number, doBit: number, subnet: ClientSubnetOption | undefined, scope: number): Buffer {
  const option = subnet ? Buffer.alloc(4 + subnet.data.length) : Buffer.alloc(0);
  if (subnet) {
    option.writeUInt16BE(8, 0);
    option.writeUInt16BE(subnet.data.length, 2);
    subnet.data.copy(option, 4);
    // SCOPE can exceed SOURCE (the answer holds for a narrower network than asked) but not the address length.
    option[7] = subnet.sourcePrefixLength === 0 ? 0 : Math.max(0, Math.min(subnet.family === 1 ? 32 : 128, Math.trunc(scope)));
  }
  const record = Buffer.alloc(11 + option.length);
  record.writeUInt16BE(41, 1); // owner is the root: a single zero byte
  record.writeUInt16BE(EDNS_UDP_PAYLOAD_SIZE, 3);
  record[5] = extendedRcode;
  record.writeUInt16BE(doBit, 7);
  record.writeUInt16BE(option.length, 9);
  option.copy(record, 11);
  return record;
}

/** ANY as the union of the A and AAAA lookups; the name is NXDOMAIN only if both say so. */
function combine(...lookups: DnsLookup[]): DnsLookup {
  const found = lookups.flatMap((l) => (l.kind === 'answer' ? [l] : []));
  if (found.length === 0) return { kind: 'nxdomain' };
  // The answer depends on as much of the subnet as the most specific part of it does.
  const scope = Math.max(...found.map((l) => l.ecsScopePrefixLength ?? 0));
  return { kind: 'answer', answers: found.flatMap((l) => l.answers), additionals: found.flatMap((l) => l.additionals ?? []), ecsScopePrefixLength: scope };
}

/** A source's record as dns-packet encodes it; throws (SERVFAIL) on data that would encode to a broken message. */
function toAnswer(record: DnsRecord): Answer {
  const name = checkedName(record.name);
  const ttl = checkedTtl(record.ttl);
  const d = record.data;
  if (d.type === 'SRV') {
    for (const n of [d.priority, d.weight, d.port]) if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`SRV field ${n} out of range`);
    return { type: 'SRV', name, ttl, data: { priority: d.priority, weight: d.weight, port: d.port, target: checkedName(d.target) } };
  }
  if (isIP(d.address) !== (d.type === 'A' ? 4 : 6) || d.address.includes('%')) throw new Error(`${d.type} record with address ${d.address}`);
  return { type: d.type, name, ttl, data: d.address };
}

/** A TTL as RFC 2181 8 allows it: an integer of at most 2^31 - 1 seconds. */
function checkedTtl(ttl: number): number {
  if (!Number.isFinite(ttl) || ttl < 0) throw new Error(`TTL ${ttl} is not a non-negative number`);
  return Math.min(2 ** 31 - 1, Math.floor(ttl));
}

/** A domain name dns-packet can encode: lower-cased, no trailing dot, labels of 1-63 bytes, at most 255 on the wire. */
function checkedName(name: string): string {
  const canonical = name.toLowerCase().replace(/\.$/, '');
  let wire = 1;
  for (const label of canonical.split('.')) {
    const bytes = Buffer.byteLength(label);
    if (bytes === 0 || bytes > 63) throw new Error(`invalid domain name ${JSON.stringify(name)}`);
    wire += bytes + 1;
  }
  if (wire > 255) throw new Error(`domain name ${JSON.stringify(name)} is longer than 255 bytes`);
  return canonical;
}
