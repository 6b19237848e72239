import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type OptAnswer, type Question, type RecordType } from 'dns-packet';
import { addressBytes, typeCode, typeName } from './dns-query.js';

// A small stub client, enough to ask one server one question the way dig does: for the `herd dns query` command,
// end-to-end tests and the benchmark. It speaks to one server directly and does no recursion or retries on timeout.

export interface DnsQueryOptions {
  readonly server: string;
  readonly port: number;
  readonly name: string;
  /** 'A', 'aaaa', 'SRV', 'TYPE65280' or 'UNKNOWN_65280'. */
  readonly type: string;
  /** Default 'udp'; a truncated UDP answer is asked again over TCP. */
  readonly transport?: 'udp' | 'tcp';
  /** Sent as EDNS client-subnet (RFC 7871), the address cut to the prefix. Implies EDNS. */
  readonly clientSubnet?: { readonly address: string; readonly prefixLength: number };
  /** Send an OPT record advertising 1232 bytes. Default true, as dig does. */
  readonly edns?: boolean;
  /** Default 2000. */
  readonly timeoutMs?: number;
  /** Default random. */
  readonly id?: number;
}

export interface DnsResponseFlags {
  readonly authoritative: boolean;
  readonly truncated: boolean;
  readonly recursionDesired: boolean;
  readonly recursionAvailable: boolean;
  readonly authenticData: boolean;
  readonly checkingDisabled: boolean;
}

export interface DnsClientSubnet {
  readonly family: number;
  readonly address: string;
  readonly sourcePrefixLength: number;
  readonly scopePrefixLength: number;
}

/** A decoded record; OPT, a pseudo-record, is never one of them (see `edns`). */
export type DnsResourceRecord = Exclude<Answer, OptAnswer>;

export interface DecodedDnsResponse {
  readonly id: number;
  readonly opcode: string;
  /** With the EDNS extended bits: 'NOERROR', 'NXDOMAIN', 'BADVERS', ... */
  readonly rcode: string;
  readonly flags: DnsResponseFlags;
  readonly questions: readonly Question[];
  readonly answers: readonly DnsResourceRecord[];
  readonly authorities: readonly DnsResourceRecord[];
  /** Without the OPT pseudo-record, which is in `edns`. */
  readonly additionals: readonly DnsResourceRecord[];
  readonly edns?: { readonly udpPayloadSize: number; readonly version: number; readonly dnssecOk: boolean; readonly clientSubnet?: DnsClientSubnet };
  /** The transport of this answer. */
  readonly transport: 'udp' | 'tcp';
  /** The UDP answer had TC=1 and this one was asked again over TCP. */
  readonly truncatedOverUdp: boolean;
  readonly bytes: number;
  /** As dns-packet decoded it. */
  readonly packet: DecodedPacket;
}

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];
const OPCODE_NAMES = ['QUERY', 'IQUERY', 'STATUS', 'OPCODE_3', 'NOTIFY', 'UPDATE', 'DSO'];

/** Asks one question; rejects on a timeout, a socket error or an undecodable answer. */
export async function queryDns(options: DnsQueryOptions): Promise<DecodedDnsResponse> {
  const code = typeCode(options.type);
  if (code === undefined) throw new Error(`unknown DNS record type ${JSON.stringify(options.type)}`);
  const id = options.id ?? randomInt(0, 65536);
  const additionals: Answer[] = [];
  if (options.edns !== false || options.clientSubnet) {
    const subnet = options.clientSubnet ? [clientSubnetOption(options.clientSubnet)] : [];
    // The subnet goes as raw option data: dns-packet would copy the address bytes without clearing those past the prefix.
    const opt: OptAnswer = { type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: subnet };
    additionals.push(opt);
  }
  const question: Question = { type: typeName(code) as RecordType, name: options.name, class: 'IN' };
  const message = dnsPacket.encode({ type: 'query', id, flags: 0, questions: [question], additionals });
  const ask = async (transport: 'udp' | 'tcp', truncatedOverUdp: boolean): Promise<DecodedDnsResponse> => {
    // Over UDP anyone can send us a datagram: only an answer with our ID counts.
    const accept = (response: Buffer): boolean => response.length >= 2 && response.readUInt16BE(0) === id;
    const response = await exchangeDnsMessage(message, { server: options.server, port: options.port, transport, timeoutMs: options.timeoutMs, accept });
    if (!accept(response)) throw new Error(`DNS answer from ${options.server}:${options.port} carries another ID than ${id}`);
    return decodeDnsResponse(response, transport, truncatedOverUdp);
  };
  const first = await ask(options.transport ?? 'udp', false);
  return first.transport === 'udp' && first.flags.truncated ? ask('tcp', true) : first;
}

function clientSubnetOption(subnet: { readonly address: string; readonly prefixLength: number }): { code: 8; ip: undefined; data: Buffer } {
  const bytes = addressBytes(subnet.address);
  const max = bytes ? bytes.length * 8 : 0;
  if (!bytes || !Number.isInteger(subnet.prefixLength) || subnet.prefixLength < 0 || subnet.prefixLength > max) {
    throw new Error(`invalid client subnet ${subnet.address}/${subnet.prefixLength}`);
  }
  const length = Math.ceil(subnet.prefixLength / 8);
  const data = Buffer.alloc(4 + length);
  data.writeUInt16BE(bytes.length === 4 ? 1 : 2, 0);
  data[2] = subnet.prefixLength;
  bytes.copy(data, 4, 0, length);
  if (subnet.prefixLength % 8 !== 0) data[3 + length] = (data[3 + length] ?? 0) & (0xff << (8 - (subnet.prefixLength % 8)));
  return { code: 8, ip: undefined, data };
}

export interface DnsExchangeOptions {
  readonly server: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
  /** Default 2000. */
  readonly timeoutMs?: number | undefined;
  /** Which UDP datagrams answer the message; default the first. */
  readonly accept?: (response: Buffer) => boolean;
}

/** Sends one encoded DNS message (framed with its length over TCP) and resolves with the first answer's bytes. */
export function exchangeDnsMessage(message: Buffer, options: DnsExchangeOptions): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? 2000;
  return new Promise<Buffer>((resolve, reject) => {
    let close = (): void => {};
    let settled = false;
    const timer = setTimeout(() => finish(new Error(`no DNS answer from ${options.server}:${options.port} over ${options.transport} within ${timeoutMs} ms`)), timeoutMs);
    const finish = (result: Buffer | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      close();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    if (options.transport === 'udp') {
      const socket = dgram.createSocket(net.isIPv6(options.server) ? 'udp6' : 'udp4');
      close = () => {
        try {
          socket.close();
        } catch {
          // already closed by a failed connect
        }
      };
      socket.on('error', (error) => finish(error));
      socket.on('message', (response) => {
        if (!options.accept || options.accept(response)) finish(response);
      });
      socket.connect(options.port, options.server, (error?: Error) => {
        if (error) finish(error);
        else socket.send(message, (sendError) => sendError && finish(sendError));
      });
      return;
    }
    const socket = net.connect({ port: options.port, host: options.server });
    close = () => socket.destroy();
    let pending: Buffer = Buffer.alloc(0);
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error(`connection to ${options.server}:${options.port} closed before an answer`)));
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) finish(pending.subarray(2, 2 + pending.readUInt16BE(0)));
    });
    const framed = Buffer.alloc(2 + message.length);
    framed.writeUInt16BE(message.length, 0);
    message.copy(framed, 2);
    socket.write(framed);
  });
}

/** Decodes an answer; throws when dns-packet cannot read it. */
export function decodeDnsResponse(message: Buffer, transport: 'udp' | 'tcp' = 'udp', truncatedOverUdp = false): DecodedDnsResponse {
  const packet = dnsPacket.decode(message);
  const flags = message.readUInt16BE(2);
  const opt = (packet.additionals ?? []).find((a): a is OptAnswer => a.type === 'OPT');
  const rcode = ((opt?.extendedRcode ?? 0) << 4) | (flags & 0xf);
  const ecs = opt?.options.find((o) => o.code === 8) as { family?: number; ip?: string; sourcePrefixLength?: number; scopePrefixLength?: number } | undefined;
  return {
    id: packet.id ?? 0,
    opcode: OPCODE_NAMES[(flags >> 11) & 0xf] ?? `OPCODE_${(flags >> 11) & 0xf}`,
    rcode: rcode === 16 ? 'BADVERS' : (RCODE_NAMES[rcode] ?? `RCODE_${rcode}`),
    flags: {
      authoritative: packet.flag_aa,
      truncated: packet.flag_tc,
      recursionDesired: packet.flag_rd,
      recursionAvailable: packet.flag_ra,
      authenticData: packet.flag_ad,
      checkingDisabled: packet.flag_cd,
    },
    questions: packet.questions ?? [],
    answers: (packet.answers ?? []).filter(isRecord),
    authorities: (packet.authorities ?? []).filter(isRecord),
    additionals: (packet.additionals ?? []).filter(isRecord),
    ...(opt
      ? {
          edns: {
            udpPayloadSize: opt.udpPayloadSize,
            version: opt.ednsVersion,
            dnssecOk: (opt.flags & dnsPacket.DNSSEC_OK) !== 0,
            ...(ecs
              ? { clientSubnet: { family: ecs.family ?? 0, address: ecs.ip ?? '', sourcePrefixLength: ecs.sourcePrefixLength ?? 0, scopePrefixLength: ecs.scopePrefixLength ?? 0 } }
              : {}),
          },
        }
      : {}),
    transport,
    truncatedOverUdp,
    bytes: message.length,
    packet,
  };
}

/** A compact, dig-like rendering: the header and flags, the EDNS pseudo-section, then each section as zone-file lines. */
export function formatDnsResponse(result: DecodedDnsResponse): string {
  const f = result.flags;
  const flags = ['qr', f.authoritative && 'aa', f.truncated && 'tc', f.recursionDesired && 'rd', f.recursionAvailable && 'ra', f.authenticData && 'ad', f.checkingDisabled && 'cd'];
  const lines = [
    `;; ->>HEADER<<- opcode: ${result.opcode}, status: ${result.rcode}, id: ${result.id}`,
    `;; flags: ${flags.filter(Boolean).join(' ')}; QUERY: ${result.questions.length}, ANSWER: ${result.answers.length}, ` +
      `AUTHORITY: ${result.authorities.length}, ADDITIONAL: ${result.additionals.length + (result.edns ? 1 : 0)}`,
  ];
  if (result.truncatedOverUdp) lines.push(';; truncated over UDP, asked again over TCP');
  if (result.edns) {
    const e = result.edns;
    lines.push(`;; EDNS: version: ${e.version}, flags:${e.dnssecOk ? ' do' : ''}; udp: ${e.udpPayloadSize}`);
    if (e.clientSubnet) lines.push(`;; CLIENT-SUBNET: ${e.clientSubnet.address}/${e.clientSubnet.sourcePrefixLength}/${e.clientSubnet.scopePrefixLength}`);
  }
  lines.push(';; QUESTION SECTION:', ...result.questions.map((q) => `;${absolute(q.name)} ${q.class ?? 'IN'} ${presentType(q.type)}`));
  const sections: [string, readonly DnsResourceRecord[]][] = [['ANSWER', result.answers], ['AUTHORITY', result.authorities], ['ADDITIONAL', result.additionals]];
  for (const [title, records] of sections) {
    if (records.length > 0) lines.push(`;; ${title} SECTION:`, ...records.map(formatRecord));
  }
  lines.push(`;; ${result.transport.toUpperCase()}, ${result.bytes} bytes`);
  return lines.join('\n');
}

function isRecord(answer: Answer): answer is DnsResourceRecord {
  return answer.type !== 'OPT';
}

function formatRecord(record: DnsResourceRecord): string {
  return `${absolute(record.name)} ${record.ttl ?? 0} ${record.class ?? 'IN'} ${presentType(record.type)} ${formatData(record)}`;
}

function formatData(record: DnsResourceRecord): string {
  switch (record.type) {
    case 'A':
    case 'AAAA':
      return record.data;
    case 'NS':
    case 'CNAME':
    case 'DNAME':
    case 'PTR':
      return absolute(record.data);
    case 'SRV':
      return `${record.data.priority ?? 0} ${record.data.weight ?? 0} ${record.data.port} ${absolute(record.data.target)}`;
    case 'SOA': {
      const d = record.data;
      return `${absolute(d.mname)} ${absolute(d.rname)} ${d.serial ?? 0} ${d.refresh ?? 0} ${d.retry ?? 0} ${d.expire ?? 0} ${d.minimum ?? 0}`;
    }
    case 'MX':
      return `${record.data.preference ?? 0} ${absolute(record.data.exchange)}`;
    case 'TXT': {
      const parts = Array.isArray(record.data) ? record.data : [record.data];
      return parts.map((p) => JSON.stringify(p.toString())).join(' ');
    }
    default: {
      // RFC 3597 generic form for everything else.
      const data: unknown = record.data;
      return Buffer.isBuffer(data) ? `\\# ${data.length}${data.length ? ` ${data.toString('hex')}` : ''}` : JSON.stringify(data);
    }
  }
}

function absolute(name: string): string {
  return name === '.' || name.endsWith('.') ? name : `${name}.`;
}

function presentType(type: string): string {
  return type.startsWith('UNKNOWN_') ? `TYPE${type.slice(8)}` : type;
}
