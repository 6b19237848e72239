// `clusters/{name}/proxy/...`: one request forwarded to one member as the calling user. Herd authenticates with its
// member credentials and impersonates the caller, so the member's own RBAC, admission and audit decide and record
// what the caller does. Bodies stream both ways (watches, `kubectl logs -f`, large applies): nothing is buffered.
import { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { newBadRequest, newInternalError, newServiceUnavailable, type StatusError } from '../apimachinery/status-error.js';
import type { UserInfo } from '../auth/user-info.js';
import { describeFailure } from '../members/describe-failure.js';
import type { FleetMember } from './fleet-members.js';
import {
  forwardedRequestHeaders,
  forwardedResponseHeaders,
  impersonationHeaders,
  UnsendableIdentityError,
  type IncomingHeaders,
  type OutgoingHeaders,
} from './member-proxy-headers.js';
import { memberAuthorization, proxyDispatcher } from './member-proxy-transport.js';

/** How long a member may take to answer with its headers. The body has no deadline: watches run for hours. */
export const MEMBER_HEADERS_TIMEOUT_MS = 10_000;

export interface MemberProxyRequest {
  readonly member: FleetMember;
  /** The HTTP method as received. */
  readonly method: string;
  /** The member path with its query, e.g. `/api/v1/namespaces/x/pods?watch=1`. Must start with `/`. */
  readonly path: string;
  /** The caller's headers; credentials, identity claims and hop-by-hop headers are dropped before forwarding. */
  readonly headers: IncomingHeaders;
  /** A stream is forwarded as it arrives (chunked); bytes or a string with their length. Not sent for GET and HEAD. */
  readonly body?: Readable | Uint8Array | string | undefined;
  readonly user: UserInfo;
  /** Abort when the caller goes away: the member request is cancelled and the response body ends with an error. */
  readonly signal: AbortSignal;
  /** Default MEMBER_HEADERS_TIMEOUT_MS. */
  readonly headersTimeoutMs?: number;
  /** Replaces the proxy's own connection pool for this member. */
  readonly dispatcher?: Dispatcher;
}

export interface MemberProxyResponse {
  readonly status: number;
  /** Lower-case names, hop-by-hop headers removed; safe to set on an HTTP/1.1 or HTTP/2 reply. */
  readonly headers: OutgoingHeaders;
  /**
   * The member's body as it arrives. Pipe it into the reply; it errors if the member connection breaks mid-stream
   * (end the reply then) and must be consumed or destroyed, or the member connection stays open.
   */
  readonly body: Readable;
}

/** An HTTP token (RFC 9110 §5.6.2); CONNECT tunnels are not a Kubernetes API verb. */
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function statusAnswer(err: StatusError): MemberProxyResponse {
  const json = Buffer.from(JSON.stringify(err.status));
  return {
    status: err.code,
    headers: { 'content-type': 'application/json', 'content-length': String(json.length) },
    body: Readable.from([json], { objectMode: false }),
  };
}

function requestBody(input: MemberProxyRequest): Readable | Uint8Array | string | undefined {
  if (input.method === 'GET' || input.method === 'HEAD') return undefined;
  return input.body;
}

/**
 * Forwards one request to `input.member` as `input.user`. Never rejects: a member that cannot be reached (refused,
 * TLS failure, no headers within the deadline) is answered as a 503 ServiceUnavailable Status naming the member and
 * the cause; any status the member answers is passed through with its body.
 */
export async function proxyToMember(input: MemberProxyRequest): Promise<MemberProxyResponse> {
  const { member } = input;
  if (!input.path.startsWith('/')) return statusAnswer(newBadRequest(`proxy path must start with "/": ${JSON.stringify(input.path)}`));
  if (!METHOD.test(input.method) || input.method.toUpperCase() === 'CONNECT') {
    return statusAnswer(newBadRequest(`method ${JSON.stringify(input.method)} cannot be proxied`));
  }

  const body = requestBody(input);
  let headers: OutgoingHeaders;
  try {
    headers = {
      // undici frames the body itself: chunked for a stream, the exact length for bytes (a stale length would fail).
      ...forwardedRequestHeaders(input.headers, { dropContentLength: true }),
      ...impersonationHeaders(input.user),
      ...memberAuthorization(member.client),
    };
  } catch (err) {
    if (err instanceof UnsendableIdentityError) return statusAnswer(newInternalError(`cannot impersonate ${JSON.stringify(input.user.name)} on member ${member.name}: ${err.message}`));
    // Herd's own credentials could not be read (a token file that went away).
    return statusAnswer(newServiceUnavailable(`member ${member.name}: cannot read Herd's credentials: ${describeFailure(err)}`));
  }

  try {
    const res = await request(`${member.client.connection.server}${input.path}`, {
      method: input.method,
      headers,
      ...(body === undefined ? {} : { body }),
      dispatcher: input.dispatcher ?? proxyDispatcher(member.client),
      headersTimeout: input.headersTimeoutMs ?? MEMBER_HEADERS_TIMEOUT_MS,
      bodyTimeout: 0,
      signal: input.signal,
    });
    return { status: res.statusCode, headers: forwardedResponseHeaders(res.headers), body: res.body };
  } catch (err) {
    // describeFailure would call a cancellation "timed out"; it is the caller leaving, and nobody reads this answer.
    const why = input.signal.aborted ? 'the request was cancelled' : describeFailure(err);
    if (body instanceof Readable && !body.destroyed) body.resume(); // let the caller's upload drain instead of stall
    return statusAnswer(newServiceUnavailable(`member ${member.name} is unavailable: ${why}`));
  }
}
