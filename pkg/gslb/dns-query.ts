import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';

// An incoming DNS message, read strictly and within fixed bounds. The server parses queries itself rather than with
// dns-packet's decoder because the answer depends on details that decoder loses or does not check: the question is
// echoed byte for byte (the client's letter case, RFC 1035 4.1.1 and the 0x20 trick), labels holding dots or
// non-ASCII bytes stay distinct from ordinary names, record lengths must agree with their data, section counts come
// from the sender and must not size allocations, and an EDNS client-subnet option must be rejected when malformed
// (RFC 7871 6). Responses are still encoded with dns-packet.

const dnsTypes = createRequire(import.meta.url)('dns-packet/types.js') as { toString(type: number): string; toType(name: string): number };

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
const TYPE_OPT = 41;
const OPTION_CLIENT_SUBNET = 8;

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
  /** Name, type and class exactly as sent, to echo. */
  readonly wire: Buffer;
  /** The labels in presentation form (RFC 1035 5.1 escapes for dots and odd bytes), ASCII lower-cased. */
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
  /** Set when the message holds exactly one well-formed question. */
  readonly question?: ParsedQuestion;
  /** Set when the message holds exactly one well-formed OPT record. */
  readonly opt?: ParsedOpt;
  /** Why the message cannot be answered except with FORMERR; undefined when it is well formed. */
  readonly malformed?: string;
}

/** Parses a message; undefined when it is too short to hold a header (nothing to answer to, not even an ID). */
export function parseQuery(message: Buffer): ParsedQuery | undefined {
  if (message.length < HEADER_BYTES) return undefined;
  const flags = message.readUInt16BE(2);
  const header: QueryHeader = {
    id: message.readUInt16BE(0),
    flags,
    opcode: (flags >> 11) & 0xf,
    qdcount: message.readUInt16BE(4),
    ancount: message.readUInt16BE(6),
    nscount: message.readUInt16BE(8),
    arcount: message.readUInt16BE(10),
  };
  if (message.length > MAX_MESSAGE_BYTES) return { header, malformed: 'message larger than 65535 bytes' };
  if (Math.max(header.qdcount, header.ancount, header.nscount, header.arcount) > MAX_SECTION_RECORDS) {
    return { header, malformed: `more than ${MAX_SECTION_RECORDS} records in a section` };
  }

  let offset = HEADER_BYTES;
  let question: ParsedQuestion | undefined;
  for (let i = 0; i < header.qdcount; i++) {
    // A question can only point back into the header, which holds no names: compression is malformed here.
    const name = readName(message, offset, false);
    if (name === undefined || name.end + 4 > message.length) return { header, malformed: 'malformed question' };
    if (header.qdcount === 1) {
      question = {
        wire: message.subarray(offset, name.end + 4),
        labels: name.labels.map(presentLabel),
        qtype: message.readUInt16BE(name.end),
        qclass: message.readUInt16BE(name.end + 2),
      };
    }
    offset = name.end + 4;
  }

  let opt: ParsedOpt | undefined;
  const sections = [header.ancount, header.nscount, header.arcount];
  for (let section = 0; section < sections.length; section++) {
    for (let i = 0; i < (sections[section] ?? 0); i++) {
      const name = readName(message, offset, true);
      if (name === undefined || name.end + 10 > message.length) return { header, question, malformed: 'malformed record' };
      const type = message.readUInt16BE(name.end);
      const rdata = name.end + 10;
      const end = rdata + message.readUInt16BE(name.end + 8);
      if (end > message.length) return { header, question, malformed: 'record data past the end of the message' };
      if (type === TYPE_OPT) {
        if (section !== 2) return { header, question, malformed: 'OPT outside the additional section' };
        if (opt !== undefined) return { header, question, malformed: 'more than one OPT record' };
        const options = readOptions(message, rdata, end);
        if (name.labels.length !== 0 || options === undefined) return { header, question, malformed: 'malformed OPT record' };
        const ttl = message.readUInt32BE(name.end + 4);
        opt = { udpPayloadSize: message.readUInt16BE(name.end + 2), extendedRcode: ttl >>> 24, version: (ttl >>> 16) & 0xff, flags: ttl & 0xffff, options };
      }
      offset = end;
    }
  }
  // Bytes after the last record are ignored, as BIND and NSD do.
  return { header, question, opt };
}

interface WireName {
  /** Where the name ends in the message (after its terminating zero or its first pointer). */
  readonly end: number;
  readonly labels: readonly Buffer[];
}

function readName(message: Buffer, start: number, allowPointers: boolean): WireName | undefined {
  const labels: Buffer[] = [];
  let pos = start;
  let end = -1;
  // Each pointer must go strictly backwards from the part of the name it continues, so reading always ends.
  let floor = start;
  let wireLength = 1;
  for (;;) {
    const len = message[pos];
    if (len === undefined) return undefined;
    if (len === 0) return { end: end < 0 ? pos + 1 : end, labels };
    if ((len & 0xc0) === 0xc0) {
      const low = message[pos + 1];
      if (!allowPointers || low === undefined) return undefined;
      const target = ((len & 0x3f) << 8) | low;
      if (target >= floor || target < HEADER_BYTES) return undefined;
      if (end < 0) end = pos + 2;
      pos = floor = target;
      continue;
    }
    if ((len & 0xc0) !== 0) return undefined; // extended label types (RFC 6891 5) are not in use
    wireLength += len + 1;
    if (wireLength > 255 || pos + 1 + len > message.length) return undefined;
    labels.push(message.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
}

function presentLabel(bytes: Buffer): string {
  let text = '';
  for (const b of bytes) {
    if (b >= 0x41 && b <= 0x5a) text += String.fromCharCode(b + 0x20);
    else if (b === 0x2e || b === 0x5c) text += `\\${String.fromCharCode(b)}`;
    else if (b > 0x20 && b < 0x7f) text += String.fromCharCode(b);
    else text += `\\${String(b).padStart(3, '0')}`;
  }
  return text;
}

/** The options of an OPT record; undefined when they do not exactly fill its data. */
function readOptions(message: Buffer, start: number, end: number): EdnsOption[] | undefined {
  const options: EdnsOption[] = [];
  let pos = start;
  while (pos < end) {
    if (pos + 4 > end) return undefined;
    const dataEnd = pos + 4 + message.readUInt16BE(pos + 2);
    if (dataEnd > end) return undefined;
    options.push({ code: message.readUInt16BE(pos), data: message.subarray(pos + 4, dataEnd) });
    pos = dataEnd;
  }
  return options;
}

/** An EDNS client-subnet option (RFC 7871 6). */
export interface ClientSubnetOption {
  readonly family: 1 | 2;
  readonly sourcePrefixLength: number;
  /** The network in text form, zero beyond the prefix. */
  readonly address: string;
  /** The option data as sent, to echo: the response must carry the same FAMILY, SOURCE and ADDRESS. */
  readonly data: Buffer;
}

/**
 * The client-subnet option of an OPT record: undefined when there is none, 'malformed' when there are several or
 * it breaks RFC 7871 6 (unknown family, prefix too long, a non-zero SCOPE in a query, too few or too many address
 * bytes, or bits set beyond the prefix), which the server answers with FORMERR.
 */
export function clientSubnetOf(opt: ParsedOpt | undefined): ClientSubnetOption | 'malformed' | undefined {
  const found = opt?.options.filter((o) => o.code === OPTION_CLIENT_SUBNET) ?? [];
  const data = found[0]?.data;
  if (data === undefined) return undefined;
  if (found.length > 1 || data.length < 4) return 'malformed';
  const family = data.readUInt16BE(0);
  const source = data[2] ?? 0;
  const bytes = family === 1 ? 4 : family === 2 ? 16 : 0;
  if (bytes === 0 || source > bytes * 8 || data[3] !== 0 || data.length - 4 !== Math.ceil(source / 8)) return 'malformed';
  const address = Buffer.alloc(bytes);
  data.copy(address, 0, 4);
  const last = address[Math.ceil(source / 8) - 1];
  if (source % 8 !== 0 && last !== undefined && (last & (0xff >> (source % 8))) !== 0) return 'malformed';
  return { family: family === 1 ? 1 : 2, sourcePrefixLength: source, address: family === 1 ? address.join('.') : formatIpv6(address), data };
}

/** RFC 5952 text: lower-case hex, the longest run of two or more zero groups (the first on a tie) as `::`. */
export function formatIpv6(bytes: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The 4 or 16 bytes of an IPv4 or IPv6 address in text form (an IPv6 zone is ignored); undefined when it is neither. */
export function addressBytes(address: string): Buffer | undefined {
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  if (!isIPv6(address)) return undefined;
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const groupsOf = (part: string | undefined): string[] => (part ? part.split(':') : []);
  const left = groupsOf(head);
  const right = groupsOf(tail);
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = Buffer.alloc(16);
  groups.forEach((g, i) => bytes.writeUInt16BE(parseInt(g, 16), i * 2));
  return bytes;
}
