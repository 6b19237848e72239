import { isIP } from 'node:net';
import type { ClientNetwork } from '../../api/federation/v1alpha1/global-load-balancer.js';
import type { LoadBalancingDecision } from '../../api/federation/v1alpha1/load-balancing-decision.js';

/** What a client says about itself: the decision subresource's query parameters, or a DNS query's (subnet) address. */
export interface ClientQuery {
  readonly region?: string;
  readonly zone?: string;
  readonly ip?: string;
}

/** Where the client is taken to be, as a decision reports it. */
export type ClientLocation = LoadBalancingDecision['client'];

/** An address: IPv4 (and IPv4-mapped IPv6) as an unsigned 32-bit number, other IPv6 as eight 16-bit groups. */
type Address = number | number[];

function parseIPv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3 || (p.length > 1 && p[0] === '0')) return undefined;
    let v = 0;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return undefined;
      v = v * 10 + c;
    }
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

function parseGroups(s: string, out: number[]): boolean {
  if (s === '') return true;
  for (const g of s.split(':')) {
    if (g.length === 0 || g.length > 4) return false;
    let v = 0;
    for (let i = 0; i < g.length; i++) {
      const c = g.charCodeAt(i) | 0x20; // lower case
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (d < 0) return false;
      v = v * 16 + d;
    }
    out.push(v);
  }
  return true;
}

/** IPv6 to eight groups, with `::`, an embedded dotted IPv4 tail and a zone index (dropped) understood. */
function parseIPv6(text: string): number[] | undefined {
  let s = text;
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  let tail: number[] = [];
  if (s.indexOf('.', lastColon) > 0) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >>> 16, v4 & 0xffff];
    const before = s.slice(0, lastColon + 1);
    s = before.endsWith('::') ? before : before.slice(0, -1);
  }
  const gap = s.indexOf('::');
  const head: number[] = [];
  const rest: number[] = [];
  if (!parseGroups(gap >= 0 ? s.slice(0, gap) : s, head) || (gap >= 0 && !parseGroups(s.slice(gap + 2), rest))) return undefined;
  const given = head.length + rest.length + tail.length;
  if (gap >= 0 ? given > 7 : given !== 8) return undefined;
  return [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
}

const isMapped = (g: readonly number[]): boolean => g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff;

/** IPv4-mapped IPv6 (`::ffff:a.b.c.d`) becomes the IPv4 address, so it matches IPv4 networks. */
function parseAddress(s: string): Address | undefined {
  const family = isIP(s);
  if (family === 4) return parseIPv4(s);
  if (family !== 6) return undefined;
  const g = parseIPv6(s);
  if (!g) return undefined;
  return isMapped(g) ? g[6]! * 0x10000 + g[7]! : g;
}

const v4Key = (ip: number, prefix: number): number => (prefix === 0 ? 0 : ip >>> (32 - prefix));
const groupMask = (prefix: number, i: number): number => {
  const keep = Math.max(0, Math.min(16, prefix - i * 16));
  return keep === 0 ? 0 : (0xffff << (16 - keep)) & 0xffff;
};

/** The first `prefix` bits of an IPv6 address as a map key (unique among keys of that prefix length). */
function v6Key(g: readonly number[], prefix: number): string {
  const full = prefix >> 4;
  let key = '';
  for (let i = 0; i < full; i++) key += g[i]!.toString(16) + ':';
  if ((prefix & 15) > 0) key += (g[full]! & groupMask(prefix, full)).toString(16);
  return key;
}

const formatV4 = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** RFC 5952 text: the longest run of two or more zero groups becomes `::`. */
function formatV6(g: readonly number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j > i ? j : i + 1;
  }
  const hex = (a: readonly number[]) => a.map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

function parsePrefix(bits: string, max: number): number | undefined {
  if (bits.length === 0 || bits.length > 3 || (bits.length > 1 && bits[0] === '0')) return undefined;
  let n = 0;
  for (let i = 0; i < bits.length; i++) {
    const d = bits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n <= max ? n : undefined;
}

type Cidr = { readonly address: Address; readonly prefix: number } | { readonly error: string };

/** Parses a CIDR, which must name a network (no bits after the prefix); a network inside ::ffff:0:0/96 becomes IPv4. */
function parseCidr(cidr: unknown): Cidr {
  const example = 'must be an IPv4 or IPv6 network such as 10.1.0.0/16 or 2001:db8::/32';
  if (typeof cidr !== 'string') return { error: example };
  const slash = cidr.indexOf('/');
  if (slash < 0) return { error: `${example}: the prefix length is missing` };
  const text = cidr.slice(0, slash);
  const family = text.includes('%') ? 0 : isIP(text);
  if (family === 0) return { error: `${example}: "${text}" is not an IP address` };
  const prefix = parsePrefix(cidr.slice(slash + 1), family === 4 ? 32 : 128);
  if (prefix === undefined) return { error: `the prefix length must be a whole number from 0 to ${family === 4 ? 32 : 128}` };
  if (family === 4) {
    const address = parseIPv4(text)!;
    const network = prefix === 0 ? 0 : v4Key(address, prefix) * 2 ** (32 - prefix);
    if (network !== address) return { error: `has bits set after the first ${prefix}: the network is ${formatV4(network)}/${prefix}` };
    return { address, prefix };
  }
  const g = parseIPv6(text)!;
  const network = g.map((x, i) => x & groupMask(prefix, i));
  if (network.some((x, i) => x !== g[i])) return { error: `has bits set after the first ${prefix}: the network is ${formatV6(network)}/${prefix}` };
  if (prefix >= 96 && isMapped(g)) return { address: g[6]! * 0x10000 + g[7]!, prefix: prefix - 96 };
  return { address: g, prefix };
}

/** The clientNetworks entries a spec must not have: validation reports them as `clientNetworks[index].cidr`. */
export function invalidClientNetworks(networks: readonly ClientNetwork[]): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = [];
  networks.forEach((n, index) => {
    const parsed = parseCidr((n as Partial<ClientNetwork> | null)?.cidr);
    if ('error' in parsed) out.push({ index, message: parsed.error });
  });
  return out;
}

interface Level<K> {
  readonly prefix: number;
  readonly networks: Map<K, ClientNetwork>;
}

function level<K>(levels: Level<K>[], prefix: number): Level<K> {
  let l = levels.find((x) => x.prefix === prefix);
  if (!l) levels.push((l = { prefix, networks: new Map() }));
  return l;
}

/**
 * The clientNetworks of one spec, compiled once so a decision costs one map lookup per distinct prefix length rather
 * than a parse of every CIDR. Longest prefix wins; between equal networks the first listed wins. IPv4 clients (and
 * IPv4-mapped IPv6 ones) match IPv4 networks only: an IPv6 `::/0` does not catch them. Invalid entries are skipped
 * (validation rejects them before they are stored).
 */
export class ClientNetworkTable {
  private readonly v4: Level<number>[] = [];
  private readonly v6: Level<string>[] = [];

  constructor(networks: readonly ClientNetwork[] | undefined) {
    for (const n of networks ?? []) {
      if (typeof n !== 'object' || n === null) continue;
      const c = parseCidr(n.cidr);
      if ('error' in c || typeof n.region !== 'string' || n.region === '') continue;
      if (typeof c.address === 'number') {
        const l = level(this.v4, c.prefix);
        const key = v4Key(c.address, c.prefix);
        if (!l.networks.has(key)) l.networks.set(key, n);
      } else {
        const l = level(this.v6, c.prefix);
        const key = v6Key(c.address, c.prefix);
        if (!l.networks.has(key)) l.networks.set(key, n);
      }
    }
    this.v4.sort((a, b) => b.prefix - a.prefix);
    this.v6.sort((a, b) => b.prefix - a.prefix);
  }

  /** True when no valid network is listed: every client's region is then Unknown unless the query gives it. */
  get empty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  /** The most specific network holding `ip`, if any; an address that is not an IP literal is in none. */
  locate(ip: string): ClientNetwork | undefined {
    if (this.empty) return undefined;
    const a = parseAddress(ip);
    if (a === undefined) return undefined;
    if (typeof a === 'number') {
      for (const l of this.v4) {
        const hit = l.networks.get(v4Key(a, l.prefix));
        if (hit) return hit;
      }
      return undefined;
    }
    for (const l of this.v6) {
      const hit = l.networks.get(v6Key(a, l.prefix));
      if (hit) return hit;
    }
    return undefined;
  }
}

/**
 * Where the client is. What the query says wins over what is inferred: a region in the query wins (with the query's
 * zone); otherwise the client network holding the IP gives the region, and the zone unless the query names one.
 * Without either the region is Unknown; the IP and zone given are still echoed, so the decision shows what it was asked.
 */
export function resolveClientLocation(client: ClientQuery, table: ClientNetworkTable | undefined): ClientLocation {
  if (client.region) return withIp({ region: client.region, ...(client.zone ? { zone: client.zone } : {}) }, client.ip, 'Query');
  const net = client.ip && table ? table.locate(client.ip) : undefined;
  if (net) {
    const zone = client.zone || net.zone;
    return withIp({ region: net.region, ...(zone ? { zone } : {}) }, client.ip, 'ClientNetwork');
  }
  return withIp(client.zone ? { zone: client.zone } : {}, client.ip, 'Unknown');
}

function withIp(where: { region?: string; zone?: string }, ip: string | undefined, regionSource: ClientLocation['regionSource']): ClientLocation {
  return ip ? { ...where, ip, regionSource } : { ...where, regionSource };
}
