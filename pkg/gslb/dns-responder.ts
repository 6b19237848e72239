import { isIP } from 'node:net';
import dnsPacket, { type Answer } from 'dns-packet';
import { BoundedMemo } from './bounded-memo.js';
import type { DnsAnswerSource, DnsLookup, DnsQuestion, DnsRecord } from './dns-answer-source.js';
import { type ClientSubnetOption, clientSubnetOf, HEADER_BYTES, type ParsedQuery, parseQuery, typeName } from './dns-query.js';

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

/** dns-packet's codec for one resource record, which it exports but its type declarations leave out. */
const recordCodec = (dnsPacket as unknown as { answer: { encode(a: Answer): Buffer } }).answer;

/** One resource record as dns-packet encodes it (the owner name in full: dns-packet does not compress names). */
type WireRecord = Buffer;

interface Reply {
  readonly rcode: Rcode;
  readonly authoritative?: boolean;
  readonly answers?: readonly WireRecord[];
  readonly authorities?: readonly WireRecord[];
  readonly additionals?: readonly WireRecord[];
  readonly ecsScope?: number;
}

/**
 * What the bytes of a query after its ID decide, the same whoever sends them: computed once per distinct query and
 * kept in a bounded memo, so the common case (the same question asked again and again) is neither decoded nor
 * checked again.
 */
interface PreparedQuery {
  readonly parsed: ParsedQuery;
  readonly qtype: string;
  /** Set when the answer is this rcode alone, whoever asks and however: FORMERR, BADVERS, NOTIMP, REFUSED. */
  readonly verdict?: Rcode;
  /** The question's name, lower-cased, without the trailing dot; '' when there is no answerable question. */
  readonly name: string;
  readonly subnet?: ClientSubnetOption;
}

/** Queries no longer than this are prepared once and cached: every real query is (512 is the plain UDP limit). */
const CACHED_QUERY_BYTES = 512;
/** Distinct queries kept prepared, and distinct records kept encoded. */
const PREPARED_QUERIES = 4096;
const ENCODED_RECORDS = 4096;

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
  private readonly soa: WireRecord;
  private readonly negativeSoa: WireRecord;
  private readonly ns: WireRecord;
  private readonly glue: readonly { readonly type: 'A' | 'AAAA'; readonly wire: WireRecord }[];
  private readonly prepared = new BoundedMemo<string, PreparedQuery>(PREPARED_QUERIES);
  private readonly records = new BoundedMemo<string, WireRecord>(ENCODED_RECORDS);

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
    this.soa = recordCodec.encode({ type: 'SOA', name: this.zone, ttl, data });
    // RFC 2308 3: the SOA of a negative answer lives no longer than the zone's negative-caching TTL.
    this.negativeSoa = recordCodec.encode({ type: 'SOA', name: this.zone, ttl: Math.min(ttl, minimum), data });
    this.ns = recordCodec.encode({ type: 'NS', name: this.zone, ttl, data: this.nameserver });
    const addresses = options.nameserverAddresses ?? [];
    if (addresses.length > 0 && !this.inZone(this.nameserver.split('.'))) {
      throw new Error(`nameserver ${this.nameserver} is outside ${this.zone}: its addresses are not this server's to answer`);
    }
    this.glue = addresses.map((address) => {
      const type = isIP(address) === 6 ? 'AAAA' : 'A';
      return { type, wire: recordCodec.encode(toAnswer({ name: this.nameserver, ttl, data: { type, address } })) };
    });
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
    const p = this.prepare(query);
    // Too short to answer, or a response: answering responses is how reflection loops start.
    if (p === undefined) return { response: undefined, rcode: 'DROPPED', qtype: 'NONE' };
    const { parsed, qtype, subnet } = p;
    const id = query.readUInt16BE(0);
    const send = (reply: Reply): DnsResponse => ({ response: this.encode(id, parsed, reply, subnet, sizeLimit(parsed, ctx)), rcode: reply.rcode, qtype });
    if (p.verdict !== undefined) return send({ rcode: p.verdict });
    // No zone transfers: the zone is computed per query. AXFR over UDP is malformed in itself (RFC 5936 4.2).
    const t = parsed.question!.qtype;
    if (t === T.AXFR && ctx.transport === 'udp') return send({ rcode: 'FORMERR' });
    if (t === T.AXFR || t === T.IXFR) return send({ rcode: 'REFUSED' });

    let reply: Reply;
    try {
      reply = this.answer(p.name, t, ctx, subnet);
    } catch {
      reply = { rcode: 'SERVFAIL' }; // the source threw or returned a record that cannot be encoded
    }
    try {
      return send(reply);
    } catch {
      return send({ rcode: 'SERVFAIL' });
    }
  }

  /** The query prepared, from the cache when these bytes came before; undefined when it is dropped unanswered. */
  private prepare(query: Buffer): PreparedQuery | undefined {
    if (query.length < HEADER_BYTES || (query.readUInt16BE(2) & QR) !== 0) return undefined;
    if (query.length > CACHED_QUERY_BYTES) return this.check(parseQuery(query)!);
    return this.prepared.get(query.toString('latin1', 2), () => this.check(parseQuery(query)!));
  }

  /** The checks that depend on the query's bytes alone, in the order BIND and NSD make them. */
  private check(parsed: ParsedQuery): PreparedQuery {
    const { header, question, opt } = parsed;
    const qtype = question ? typeName(question.qtype) : 'NONE';
    const refuse = (verdict: Rcode, subnet?: ClientSubnetOption): PreparedQuery => ({ parsed, qtype, verdict, name: '', ...(subnet ? { subnet } : {}) });
    if (parsed.malformed !== undefined) return refuse('FORMERR');
    if (opt && opt.version > 0) return refuse('BADVERS');
    if (header.opcode !== 0) return refuse('NOTIMP');
    // NSD's rule: a query has one question and nothing in the answer and authority sections.
    if (question === undefined || header.ancount !== 0 || header.nscount !== 0) return refuse('FORMERR');
    const ecs = clientSubnetOf(opt);
    if (ecs === 'malformed') return refuse('FORMERR');
    const subnet = ecs;
    if (question.qclass !== 1) return refuse('REFUSED', subnet); // the zone is IN only
    // Meta types as BIND treats them: MAILA/MAILB are not implemented, OPT/TSIG/TKEY/128-248 are never questions.
    const t = question.qtype;
    if (t === T.MAILA || t === T.MAILB) return refuse('NOTIMP', subnet);
    if (t === T.OPT || (t >= 128 && t <= T.TSIG)) return refuse('FORMERR', subnet);
    if (!this.inZone(question.labels)) return refuse('REFUSED', subnet);
    return { parsed, qtype, name: question.labels.join('.'), ...(subnet ? { subnet } : {}) };
  }

  private inZone(labels: readonly string[]): boolean {
    const depth = labels.length - this.zoneLabels.length;
    return depth >= 0 && this.zoneLabels.every((label, i) => labels[depth + i] === label);
  }

  private answer(name: string, t: number, ctx: DnsRespondContext, subnet: ClientSubnetOption | undefined): Reply {
    if (name === this.zone) {
      if (t === T.SOA) return { rcode: 'NOERROR', authoritative: true, answers: [this.soa] };
      if (t === T.NS) return { rcode: 'NOERROR', authoritative: true, answers: [this.ns], additionals: this.glue.map((g) => g.wire) };
      // ANY at the apex: its two RRsets are small, so both (RFC 8482 lets a server pick any subset).
      if (t === T.ANY) return { rcode: 'NOERROR', authoritative: true, answers: [this.soa, this.ns] };
    }
    if (name === this.nameserver && this.glue.length > 0) {
      const answers = this.glue.filter((g) => t === T.ANY || (t === T.A && g.type === 'A') || (t === T.AAAA && g.type === 'AAAA'));
      return this.positive(answers.map((g) => g.wire));
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
    const answers = lookup.answers.map((r) => this.wire(r));
    const additionals = (lookup.additionals ?? []).map((r) => this.wire(r));
    return { ...this.positive(answers, additionals), ...(scope ? { ecsScope: scope } : {}) };
  }

  /** NOERROR: the answers with their additionals, or NODATA (the SOA in authority) when there are none. */
  private positive(answers: readonly WireRecord[], additionals: readonly WireRecord[] = []): Reply {
    if (answers.length === 0) return { rcode: 'NOERROR', authoritative: true, authorities: [this.negativeSoa] };
    return { rcode: 'NOERROR', authoritative: true, answers, additionals };
  }

  /**
   * A source's record checked and encoded by dns-packet, once: sources answer the same few records again and again
   * (a load balancer's addresses change when its health does), so they are kept encoded by their content.
   */
  private wire(record: DnsRecord): WireRecord {
    const d = record.data;
    const key = d.type === 'SRV' ? `SRV ${record.name} ${record.ttl} ${d.priority} ${d.weight} ${d.port} ${d.target}` : `${d.type} ${record.name} ${record.ttl} ${d.address}`;
    return this.records.get(key, () => recordCodec.encode(toAnswer(record)));
  }

  /**
   * The response, within `limit` bytes: whole if it fits; else without the additional section, which RFC 2181 9 says
   * must not set TC; else TC=1 with only the question and OPT, so the client asks again over TCP. The header and
   * the OPT record are written here, the records come encoded by dns-packet.
   */
  private encode(id: number, parsed: ParsedQuery, reply: Reply, subnet: ClientSubnetOption | undefined, limit: number): Buffer {
    const { header, question, opt } = parsed;
    const rcode = RCODES[reply.rcode];
    const optRecord = opt ? encodeOpt(rcode >> 4, opt.flags & DO, subnet, reply.ecsScope ?? 0) : undefined;
    const questionBytes = question ? question.wire.length : 0;
    const optBytes = optRecord ? optRecord.length : 0;
    const build = (answers: readonly WireRecord[], authorities: readonly WireRecord[], additionals: readonly WireRecord[], truncated: boolean): Buffer => {
      const out = Buffer.allocUnsafe(HEADER_BYTES + questionBytes + bytesOf(answers) + bytesOf(authorities) + bytesOf(additionals) + optBytes);
      out.writeUInt16BE(id, 0);
      const flags = QR | (header.opcode << 11) | (reply.authoritative ? AA : 0) | (truncated ? TC : 0) | (header.flags & (RD | CD)) | (rcode & 0xf);
      out.writeUInt16BE(flags, 2);
      out.writeUInt16BE(question ? 1 : 0, 4);
      out.writeUInt16BE(answers.length, 6);
      out.writeUInt16BE(authorities.length, 8);
      out.writeUInt16BE(additionals.length + (optRecord ? 1 : 0), 10);
      let at = HEADER_BYTES;
      if (question) at += question.wire.copy(out, at);
      for (const section of [answers, authorities, additionals]) for (const record of section) at += record.copy(out, at);
      if (optRecord) optRecord.copy(out, at);
      return out;
    };
    const answers = reply.answers ?? [];
    const authorities = reply.authorities ?? [];
    const additionals = reply.additionals ?? [];
    const whole = HEADER_BYTES + questionBytes + bytesOf(answers) + bytesOf(authorities) + bytesOf(additionals) + optBytes;
    if (whole <= limit) return build(answers, authorities, additionals, false);
    if (additionals.length > 0 && whole - bytesOf(additionals) <= limit) return build(answers, authorities, [], false);
    return build([], [], [], true);
  }
}

function bytesOf(records: readonly WireRecord[]): number {
  let n = 0;
  for (const r of records) n += r.length;
  return n;
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
