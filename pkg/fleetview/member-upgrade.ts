// `kubectl exec`, `attach` and `port-forward` through `clusters/{name}/proxy`: an HTTP/1.1 upgrade (SPDY/3.1, or
// WebSocket with the `v5.channel.k8s.io` family of subprotocols) forwarded to the member as the calling user.
// Herd does not speak the streaming protocols: it opens its own TLS connection to the member with its member
// credentials and impersonation headers, and once the member switches protocols it only copies bytes both ways.
//
// Node hands HTTP/1.1 upgrade requests of an `http2.createSecureServer({ allowHTTP1: true })` server to the server's
// `'upgrade'` event (req, socket, head) whenever that event has a listener, without running the request handler or
// fastify's hooks; without a listener they reach the request handler as ordinary requests and cannot be upgraded.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { newBadRequest, newInternalError, newServiceUnavailable, type StatusError } from '../apimachinery/status-error.js';
import type { UserInfo } from '../auth/user-info.js';
import { describeFailure } from '../members/describe-failure.js';
import type { FleetMember } from './fleet-members.js';
import {
  firstHeader,
  forwardedRequestHeaders,
  forwardedResponseHeaders,
  impersonationHeaders,
  UnsendableIdentityError,
  type IncomingHeaders,
  type OutgoingHeaders,
} from './member-proxy-headers.js';
import { MEMBER_HEADERS_TIMEOUT_MS } from './member-proxy.js';
import { memberAuthorization, memberTlsOptions } from './member-proxy-transport.js';

export interface MemberUpgradeRequest {
  readonly member: FleetMember;
  readonly method: string;
  /** The member path with its query, e.g. `/api/v1/namespaces/x/pods/p/exec?command=sh&stdin=true`. */
  readonly path: string;
  /** The caller's headers (`upgrade`, `sec-websocket-*`, `x-stream-protocol-version` are kept). */
  readonly headers: IncomingHeaders;
  readonly user: UserInfo;
  /** The caller's connection, as the server's `'upgrade'` event hands it over. */
  readonly socket: Duplex;
  /** Bytes the caller sent after its request head; they belong to the upgraded stream. */
  readonly head: Buffer;
  /** How long the member may take to answer; default MEMBER_HEADERS_TIMEOUT_MS. No deadline once upgraded. */
  readonly timeoutMs?: number;
}

/** What became of the exchange, for logs and metrics. */
export type MemberUpgradeOutcome =
  | { readonly kind: 'upgraded' }
  /** The member answered without switching protocols; its answer was passed to the caller. */
  | { readonly kind: 'refused'; readonly status: number }
  /** Herd answered itself (member unreachable, bad request) with this status. */
  | { readonly kind: 'failed'; readonly status: number; readonly message: string }
  /** The caller went away before the member answered. */
  | { readonly kind: 'cancelled' };

/** A response head in HTTP/1.1 wire form; values were already validated by node on the way in. */
function responseHead(status: number, statusMessage: string, rawHeaders: readonly string[]): string {
  let head = `HTTP/1.1 ${status} ${statusMessage}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return `${head}\r\n`;
}

function writeStatus(socket: Duplex, err: StatusError): MemberUpgradeOutcome {
  const json = JSON.stringify(err.status);
  const head = responseHead(err.code, http.STATUS_CODES[err.code] ?? '', [
    'Content-Type',
    'application/json',
    'Content-Length',
    String(Buffer.byteLength(json)),
    'Connection',
    'close',
  ]);
  if (!socket.destroyed) socket.end(head + json);
  return { kind: 'failed', status: err.code, message: err.status.message };
}

/** The member's refusal, passed back on a connection that closes after it (the caller's socket is not reused). */
function passRefusal(socket: Duplex, res: http.IncomingMessage): void {
  const headers = forwardedResponseHeaders(res.headers);
  const raw: string[] = [];
  for (const [name, value] of Object.entries(headers)) for (const v of typeof value === 'string' ? [value] : value) raw.push(name, v);
  // node has undone any chunked encoding; without Content-Length the body then runs until the connection closes.
  raw.push('connection', 'close');
  socket.write(responseHead(res.statusCode ?? 502, res.statusMessage ?? '', raw));
  res.pipe(socket);
  res.on('error', () => socket.destroy());
}

/**
 * Forwards an upgrade request to `input.member` as `input.user`. Resolves once the exchange is settled: the member
 * switched protocols and bytes now flow both ways until either side closes; or the member answered otherwise and
 * that answer was passed on; or Herd answered a Status itself (503 when the member cannot be reached). Never rejects,
 * and the caller's socket is always either piped or ended.
 */
export function proxyUpgrade(input: MemberUpgradeRequest): Promise<MemberUpgradeOutcome> {
  const { member, socket } = input;
  // The server's listeners are gone once it hands over an upgraded socket; an unhandled 'error' would crash Herd.
  const onCallerError = (): void => {
    socket.destroy();
  };
  socket.on('error', onCallerError);

  if (!input.path.startsWith('/')) return Promise.resolve(writeStatus(socket, newBadRequest(`proxy path must start with "/": ${JSON.stringify(input.path)}`)));
  const upgrade = firstHeader(input.headers, 'upgrade');
  if (upgrade === undefined) return Promise.resolve(writeStatus(socket, newBadRequest('an upgrade request needs an Upgrade header')));

  let url: URL;
  let headers: OutgoingHeaders;
  try {
    url = new URL(`${member.client.connection.server}${input.path}`);
    headers = {
      ...forwardedRequestHeaders(input.headers),
      connection: 'Upgrade',
      upgrade,
      ...impersonationHeaders(input.user),
      ...memberAuthorization(member.client),
    };
  } catch (err) {
    if (err instanceof UnsendableIdentityError) return Promise.resolve(writeStatus(socket, newInternalError(`cannot impersonate ${JSON.stringify(input.user.name)} on member ${member.name}: ${err.message}`)));
    return Promise.resolve(writeStatus(socket, newServiceUnavailable(`member ${member.name} is unavailable: ${describeFailure(err)}`)));
  }

  return new Promise<MemberUpgradeOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: MemberUpgradeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('close', onCallerClose);
      resolve(outcome);
    };
    const fail = (why: string): void => {
      if (settled) return;
      upstream.destroy();
      settle(writeStatus(socket, newServiceUnavailable(`member ${member.name} is unavailable: ${why}`)));
    };

    const options: https.RequestOptions = {
      method: input.method,
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      headers,
      // A connection of its own: after the upgrade it belongs to this exchange and never returns to a pool.
      agent: false,
      ...memberTlsOptions(member.client.connection),
    };
    let upstream: http.ClientRequest;
    try {
      upstream = url.protocol === 'http:' ? http.request(options) : https.request(options);
    } catch (err) {
      // node validates methods and header values synchronously.
      resolve(writeStatus(socket, newBadRequest(`cannot forward the request to member ${member.name}: ${describeFailure(err)}`)));
      return;
    }

    const timer = setTimeout(() => fail('timed out'), input.timeoutMs ?? MEMBER_HEADERS_TIMEOUT_MS);
    const onCallerClose = (): void => {
      upstream.destroy();
      settle({ kind: 'cancelled' });
    };
    socket.on('close', onCallerClose);

    upstream.on('error', (err) => fail(describeFailure(err)));

    upstream.on('upgrade', (res, memberSocket, memberHead) => {
      if (settled) {
        memberSocket.destroy();
        return;
      }
      memberSocket.on('error', () => socket.destroy());
      socket.off('error', onCallerError);
      socket.on('error', () => memberSocket.destroy());
      // Either side closing ends the other: a half-open exec session would hang kubectl. A member that closes
      // cleanly gets its last output flushed to the caller first (end, not destroy).
      memberSocket.on('close', (hadError) => (hadError ? socket.destroy() : socket.end()));
      socket.on('close', () => memberSocket.destroy());
      // An exec session may sit idle for hours: no idle timeout from the server, and keep-alive probes so that
      // middleboxes do not drop the member connection under it.
      if ('setTimeout' in socket && typeof socket.setTimeout === 'function') socket.setTimeout(0);
      memberSocket.setKeepAlive(true, 30_000);

      socket.write(responseHead(res.statusCode ?? 101, res.statusMessage ?? 'Switching Protocols', res.rawHeaders));
      if (memberHead.length > 0) socket.write(memberHead);
      if (input.head.length > 0) memberSocket.write(input.head);
      memberSocket.pipe(socket);
      socket.pipe(memberSocket);
      settle({ kind: 'upgraded' });
    });

    upstream.on('response', (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      settle({ kind: 'refused', status: res.statusCode ?? 0 });
      passRefusal(socket, res);
      res.on('end', () => upstream.destroy());
      socket.on('close', () => upstream.destroy());
    });

    upstream.end();
  });
}
