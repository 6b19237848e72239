// The headers of a request Herd forwards to a member as the caller, and of the answer it passes back. The caller's
// own credentials and identity claims never reach the member: Herd authenticates with its member credentials and
// states who the caller is with impersonation headers, as client-go's ImpersonatingRoundTripper does
// (client-go transport/round_trippers.go), so the member's RBAC and audit see the caller.
import type { UserInfo } from '../auth/user-info.js';

/** Headers as node and fastify hand them over (lower-case names; repeated headers as arrays). */
export type IncomingHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;
/** Headers to send: names as written, a repeated header as an array (one line per value). */
export type OutgoingHeaders = Record<string, string | string[]>;

/** Meaningful for one connection only (RFC 9110 §7.6.1 plus Go's httputil list), or naming the target host. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'http2-settings',
  // undici refuses `Expect` outright and Herd has the whole body anyway; curl sends it for large uploads.
  'expect',
]);

/** Headers that carry the caller's credentials or claims about who the caller is. */
function isIdentityHeader(name: string): boolean {
  return name === 'authorization' || name.startsWith('impersonate-') || name.startsWith('x-remote-') || name.startsWith('proxy-');
}

/** client-go's legalHeaderKeyBytes (net/http's token characters); `%` is escaped nonetheless, see headerKeyEscape. */
const TOKEN_BYTE = /^[!#$&'*+\-.^_`|~0-9A-Za-z]$/;

/**
 * An extra key as client-go writes it into `Impersonate-Extra-<key>`: every byte of its UTF-8 form that is not a
 * header token character, and `%`, becomes `%XX` (upper-case hex), so the member's url.PathUnescape restores it.
 */
export function escapeExtraKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && TOKEN_BYTE.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Thrown when a user's name, group or extra value cannot travel in an HTTP header (a control character). */
export class UnsendableIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsendableIdentityError';
  }
}

/**
 * Go sends header values as raw UTF-8 bytes; node and undici write header strings as latin1, so a UTF-8 name is
 * re-spelled byte for byte. Control characters could split the header and are refused.
 */
function headerValue(value: string, what: string): string {
  const bytes = Buffer.from(value, 'utf8').toString('latin1');
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(bytes)) throw new UnsendableIdentityError(`${what} contains a character HTTP headers cannot carry`);
  return bytes;
}

/** `Impersonate-User`, `Impersonate-Uid` (when set), one `Impersonate-Group` per group, `Impersonate-Extra-<key>` per value. */
export function impersonationHeaders(user: UserInfo): OutgoingHeaders {
  const out: OutgoingHeaders = { 'Impersonate-User': headerValue(user.name, 'user name') };
  if (user.uid) out['Impersonate-Uid'] = headerValue(user.uid, 'user uid');
  if (user.groups.length > 0) out['Impersonate-Group'] = user.groups.map((g) => headerValue(g, 'group'));
  for (const [key, values] of Object.entries(user.extra)) {
    if (values.length === 0) continue;
    out[`Impersonate-Extra-${escapeExtraKey(key)}`] = values.map((v) => headerValue(v, `extra ${key}`));
  }
  return out;
}

/** The comma-separated tokens of every `Connection` header, lower-cased: the headers it declares hop-by-hop. */
function connectionTokens(headers: IncomingHeaders): Set<string> {
  const raw = headers.connection;
  const values = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  return new Set(values.flatMap((v) => v.split(',')).map((t) => t.trim().toLowerCase()).filter((t) => t !== ''));
}

function copyValue(value: string | readonly string[]): string | string[] {
  return typeof value === 'string' ? value : [...value];
}

export interface ForwardOptions {
  /** The body is streamed with chunked encoding, so the caller's Content-Length no longer describes it. */
  readonly dropContentLength?: boolean;
}

/**
 * The caller's headers that may go on to the member: without credentials and identity claims, hop-by-hop headers
 * (including those the Connection header names), Host and HTTP/2 pseudo-headers. Names are lower-cased.
 */
export function forwardedRequestHeaders(headers: IncomingHeaders, options: ForwardOptions = {}): OutgoingHeaders {
  const named = connectionTokens(headers);
  const out: OutgoingHeaders = {};
  for (const [rawName, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    if (name.startsWith(':') || HOP_BY_HOP.has(name) || named.has(name) || isIdentityHeader(name)) continue;
    if (options.dropContentLength && name === 'content-length') continue;
    out[name] = copyValue(value);
  }
  return out;
}

/**
 * The member's response headers that may go back to the caller: without hop-by-hop headers, which HTTP/2 forbids
 * and which describe Herd's connection to the member, not the caller's.
 */
export function forwardedResponseHeaders(headers: IncomingHeaders): OutgoingHeaders {
  const named = connectionTokens(headers);
  const out: OutgoingHeaders = {};
  for (const [rawName, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    if (HOP_BY_HOP.has(name) || named.has(name) || name.startsWith('proxy-')) continue;
    out[name] = copyValue(value);
  }
  return out;
}

/** The first value of a header, whatever its shape. */
export function firstHeader(headers: IncomingHeaders, name: string): string | undefined {
  const v = headers[name];
  return typeof v === 'string' ? v : v?.[0];
}
