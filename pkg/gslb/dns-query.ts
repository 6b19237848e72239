import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type OptAnswer, type Question } from 'dns-packet';

// An incoming DNS message, decoded by dns-packet. The only bytes read here are the header's four section counts,
// checked before decoding (dns-packet sizes an array by each and reads records until they or the message run out),
// and the last address byte of a client-subnet option, for bits past the prefix. On top of the decoder this module
// rejects (FORMERR) a message over 65535 bytes or with more than MAX_SECTION_RECORDS records in a section, one
// dns-packet cannot decode, records running past the end, OPT outside the additional section or more than once
// (RFC 6891 6.1.1), and client-subnet options that break RFC 7871 6. The question is echoed as dns-packet encodes it
// again, so it must come out of that round trip byte for byte as sent (letter case included, RFC 1035 4.1.1). Names
// from dns-packet are UTF-8 text joined with dots, so a question whose labels hold dots or bytes that are not UTF-8,
// that is compressed, or whose class dns-packet cannot name (it knows IN, CS, CH, HS, ANY) fails it and is answered
// FORMERR. dns-packet reads typed record data and EDNS options by their own lengths, not checking them against
// RDLENGTH: a mismatch shows only when the message then fails to decode or ends too early. Responses are encoded
// with dns-packet too.

const requireCjs = createRequire(import.meta.url);
const dnsTypes = requireCjs('dns-packet/types.js') as { toString(type: number): string; toType(name: string): number };
const dnsClasses = requireCjs('dns-packet/classes.js') as { toClass(name: string): number };
const dnsOpcodes = requireCjs('dns-packet/opcodes.js') as { toOpcode(name: string): number };

interface Codec<T> {
  encode(value: T, buf?: Buffer, offset?: number): unknown;
  decode(buf: Buffer, offset?: number): T;
  encodingLength(value: T): number;
}

/** An EDNS option as dns-packet's option codec decodes it: the raw data, and the fields of a client-subnet option. */
interface DecodedOption {
  readonly code: number;
  readonly data: Buffer;
  readonly family?: number;
  readonly sourcePrefixLength?: number;
  readonly scopePrefixLength?: number;
  readonly ip?: string;
}

/** dns-packet's codecs for the parts of a message, which it exports but its type declarations leave out. */
const codecs = dnsPacket as unknown as {
  readonly question: Codec<Question>;
  readonly option: Codec<DecodedOption>;
  /** The A and AAAA record data: RDLENGTH, then the address. */
  readonly a: Codec<string>;
  readonly aaaa: Codec<string>;
};

/** What dns-packet's decoder returns beyond its type declarations. */
interface Decoded extends DecodedPacket {
  readonly opcode: string;
}

/** A record type's name as dns-packet spells it ('A', 'UNKNOWN_65280'), which is how sources are asked. */
export function typeName(type: number): string {
  return dnsTypes.toString(type);
}

/** A record type's number from its name ('aaaa'), RFC 3597 form ('TYPE65280') or dns-packet's ('UNKNOWN_65280'). */
export function typeCode(name: string): number | undefined {
  const numbered = /^(?:TYPE|UNKNOWN_)(\d{1,5})$/.exec(name.toUpperCase());
  const code = numbered ? Number(numbered[1]) : dnsTypes.toType(name);
  return code > 0 && code <= 65535 ? code : undefined;
}

/** More records than this in any section is not a query anyone sends: FORMERR, before reading any of them. */
export const MAX_SECTION_RECORDS = 64;
/** The largest message a 2-byte TCP length prefix can carry. */
export const MAX_MESSAGE_BYTES = 65535;
export const HEADER_BYTES = 12;
const OPTION_CLIENT_SUBNET = 8;
const QR = 0x8000;

export interface QueryHeader {
  readonly id: number;
  /** The second 16-bit word as sent: QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode. */
  readonly flags: number;
  readonly opcode: number;
  readonly qdcount: number;
  readonly ancount: number;
  readonly nscount: number;
  readonly arcount: number;
}

export interface ParsedQuestion {
  /** Name, type and class as dns-packet encodes them again: byte for byte as sent (anything else is malformed). */
  readonly wire: Buffer;
  /** The labels as dns-packet decodes them (UTF-8 text, never holding a dot), ASCII lower-cased. */
  readonly labels: readonly string[];
  readonly qtype: number;
  readonly qclass: number;
}

export interface EdnsOption {
  readonly code: number;
  readonly data: Buffer;
}

/** The OPT pseudo-record (RFC 6891 6.1.2). */
export interface ParsedOpt {
  readonly udpPayloadSize: number;
  readonly extendedRcode: number;
  readonly version: number;
  readonly flags: number;
  readonly options: readonly EdnsOption[];
}

export interface ParsedQuery {
  readonly header: QueryHeader;
  /** Set when the message holds exactly one question, and dns-packet encodes it again as sent. */
  readonly question?: ParsedQuestion;
  /** Set when the message holds exactly one well-formed OPT record. */
  readonly opt?: ParsedOpt;
  /** Why the message cannot be answered except with FORMERR; undefined when it is well formed. */
  readonly malformed?: string;
}

/** Parses a message; undefined when it is too short to hold a header (nothing to answer to, not even an ID). */
export function parseQuery(message: Buffer): ParsedQuery | undefined {
  if (message.length < HEADER_BYTES) return undefined;
  const counts = [4, 6, 8, 10].map((at) => message.readUInt16BE(at));
  const reject = (malformed: string): ParsedQuery => ({ header: headerOf(headerAlone(message), counts), malformed });
  if (message.length > MAX_MESSAGE_BYTES) return reject('message larger than 65535 bytes');
  if (Math.max(...counts) > MAX_SECTION_RECORDS) return reject(`more than ${MAX_SECTION_RECORDS} records in a section`);
  let packet: Decoded;
  try {
    packet = dnsPacket.decode(message) as Decoded;
  } catch (error) {
    return reject(`undecodable message: ${error instanceof Error ? error.message : String(error)}`);
  }
  const questions = packet.questions ?? [];
  const answers = packet.answers ?? [];
  const authorities = packet.authorities ?? [];
  const additionals = packet.additionals ?? [];
  const header = headerOf(packet, [questions.length, answers.length, authorities.length, additionals.length]);

  let question: ParsedQuestion | undefined;
  const asked = questions.length === 1 ? questions[0] : undefined;
  if (asked) {
    const wire = Buffer.alloc(codecs.question.encodingLength(asked));
    codecs.question.encode(asked, wire, 0);
    if (!wire.equals(message.subarray(HEADER_BYTES, HEADER_BYTES + wire.length))) return { header, malformed: 'question dns-packet cannot echo as sent' };
    const labels = asked.name === '.' ? [] : asked.name.split('.').map((label) => label.replace(/[A-Z]+/g, (upper) => upper.toLowerCase()));
    question = { wire, labels, qtype: dnsTypes.toType(asked.type), qclass: dnsClasses.toClass(asked.class ?? 'IN') };
  }

  // dns-packet moves on by each record's stated length, past the end of the message if that is what it says.
  if (dnsPacket.decode.bytes > message.length) return { header, question, malformed: 'record data past the end of the message' };
  if ([...answers, ...authorities].some(isOpt)) return { header, question, malformed: 'OPT outside the additional section' };
  const opts = additionals.filter(isOpt);
  if (opts.length > 1) return { header, question, malformed: 'more than one OPT record' };
  const record = opts[0];
  if (record === undefined) return { header, question }; // bytes after the last record are ignored, as BIND and NSD do
  if (record.name !== '.') return { header, question, malformed: 'malformed OPT record' };
  const options = (record.options as readonly DecodedOption[]).map(({ code, data }) => ({ code, data }));
  const opt: ParsedOpt = { udpPayloadSize: record.udpPayloadSize, extendedRcode: record.extendedRcode, version: record.ednsVersion, flags: record.flags, options };
  return { header, question, opt };
}

function isOpt(record: Answer): record is OptAnswer {
  return record.type === 'OPT';
}

function headerOf(packet: Decoded, counts: readonly number[]): QueryHeader {
  const [qdcount = 0, ancount = 0, nscount = 0, arcount = 0] = counts;
  const flags = (packet.flags ?? 0) | (packet.flag_qr ? QR : 0);
  return { id: packet.id ?? 0, flags, opcode: dnsOpcodes.toOpcode(packet.opcode), qdcount, ancount, nscount, arcount };
}

/**
 * The ID and flags of a message dns-packet cannot decode, to answer it FORMERR (or drop it if it is a response):
 * dns-packet has no decoder for the header alone, but decodes a copy of it that claims no records.
 */
function headerAlone(message: Buffer): Decoded {
  const header = Buffer.alloc(HEADER_BYTES);
  message.copy(header, 0, 0, 4);
  return dnsPacket.decode(header) as Decoded;
}

/** An EDNS client-subnet option (RFC 7871 6). */
export interface ClientSubnetOption {
  readonly family: 1 | 2;
  readonly sourcePrefixLength: number;
  /** The network in text form (RFC 5952 for IPv6), zero beyond the prefix. */
  readonly address: string;
  /** The option data as sent, to echo: the response must carry the same FAMILY, SOURCE and ADDRESS. */
  readonly data: Buffer;
}

/**
 * The client-subnet option of an OPT record, decoded by dns-packet's option codec: undefined when there is none,
 * 'malformed' when there are several or it breaks RFC 7871 6 (unknown family, prefix too long, a non-zero SCOPE in a
 * query, too few or too many address bytes, or bits set beyond the prefix), which the server answers with FORMERR.
 */
export function clientSubnetOf(opt: ParsedOpt | undefined): ClientSubnetOption | 'malformed' | undefined {
  const found = opt?.options.filter((o) => o.code === OPTION_CLIENT_SUBNET) ?? [];
  const data = found[0]?.data;
  if (data === undefined) return undefined;
  // FAMILY, SOURCE and SCOPE take 4 bytes; dns-packet would read them past the end of shorter data.
  if (found.length > 1 || data.length < 4) return 'malformed';
  const ecs = codecs.option.decode(codecs.option.encode({ code: OPTION_CLIENT_SUBNET, data }) as Buffer);
  const { family, sourcePrefixLength: source = 0, scopePrefixLength: scope, ip } = ecs;
  const bits = family === 1 ? 32 : family === 2 ? 128 : 0;
  if (bits === 0 || ip === undefined || source > bits || scope !== 0 || data.length - 4 !== Math.ceil(source / 8)) return 'malformed';
  // With a prefix that is not whole bytes, the last address byte holds its final bits, and those after must be zero.
  if (source % 8 !== 0 && ((data[data.length - 1] ?? 0) & (0xff >> (source % 8))) !== 0) return 'malformed';
  return { family: family === 1 ? 1 : 2, sourcePrefixLength: source, address: family === 1 ? ip : canonicalIpv6(ip), data };
}

/** RFC 5952 text of 16 address bytes: lower-case hex, the longest run of two or more zero groups (the first on a tie) as `::`. */
export function formatIpv6(bytes: Buffer): string {
  // The AAAA codec reads record data: RDLENGTH (16), then the address.
  return canonicalIpv6(codecs.aaaa.decode(Buffer.concat([Buffer.from([0, 16]), bytes])));
}

/** dns-packet shortens the first run of zero groups, not the longest; the WHATWG URL serializer follows RFC 5952 4.2. */
function canonicalIpv6(text: string): string {
  return new URL(`http://[${text}]/`).hostname.slice(1, -1);
}

/**
 * The 4 or 16 bytes of an IPv4 or IPv6 address in text form (an IPv6 zone is ignored); undefined when it is neither.
 * IPv6 text goes through the WHATWG URL parser to its RFC 5952 form first: dns-packet's encoder misreads some other
 * valid forms ('::2:3:4:5:6:7:8' loses its last group).
 */
export function addressBytes(address: string): Buffer | undefined {
  if (isIPv4(address)) return (codecs.a.encode(address) as Buffer).subarray(2);
  if (isIPv6(address)) return (codecs.aaaa.encode(canonicalIpv6(address.replace(/%.*$/, ''))) as Buffer).subarray(2);
  return undefined;
}
