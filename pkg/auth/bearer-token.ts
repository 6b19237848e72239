// Where bearer tokens come from (apiserver pkg/authentication/request/bearertoken and request/websocket): the
// `Authorization: Bearer <token>` header, and for websocket upgrades the subprotocol
// `base64url.bearer.authorization.k8s.io.<base64url token>` (browsers cannot set Authorization on websockets).
// A token that no token authenticator accepts is an error ("invalid bearer token"), not "no credential".
import {
  AuthenticationError,
  firstHeaderValue,
  headerValues,
  type AuthenticationRequest,
  type AuthenticationResponse,
  type RequestAuthenticator,
  type RequestHeaders,
  type TokenAuthenticator,
} from './authentication-request.js';

export const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

/** What the token authenticators answered; upstream's aggregate error text when several failed. */
function aggregateMessage(errors: readonly unknown[]): string {
  const messages = [...new Set(errors.map((e) => (e instanceof Error ? e.message : String(e))))];
  return messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`;
}

/**
 * Tries each token authenticator in order; the first acceptance wins. Resolves `undefined` when none accepts and
 * none failed; rejects with every failure when none accepts.
 */
export function unionTokenAuthenticator(authenticators: readonly TokenAuthenticator[]): TokenAuthenticator {
  return {
    async authenticateToken(token, signal) {
      const errors: unknown[] = [];
      for (const a of authenticators) {
        try {
          const res = await a.authenticateToken(token, signal);
          if (res !== undefined) return res;
        } catch (e) {
          errors.push(e);
        }
      }
      if (errors.length === 1 && errors[0] instanceof Error) throw errors[0];
      if (errors.length > 0) throw new AuthenticationError(aggregateMessage(errors), { cause: errors });
      return undefined;
    },
  };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined (also for `Bearer  x`, an empty token). */
export function bearerTokenFromHeaders(headers: RequestHeaders): string | undefined {
  const auth = firstHeaderValue(headers, 'authorization').trim();
  if (auth === '') return undefined;
  const parts = auth.split(' ');
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer') return undefined;
  return parts[1] === '' ? undefined : parts[1];
}

/** Go's `wsstream.IsWebSocketRequest`: `Upgrade: websocket` and a Connection header mentioning upgrade. */
function isWebSocketRequest(headers: RequestHeaders): boolean {
  if (firstHeaderValue(headers, 'upgrade').toLowerCase() !== 'websocket') return false;
  return headerValues(headers, 'connection').some((v) => v.toLowerCase().includes('upgrade'));
}

/**
 * The bearer token carried as a websocket subprotocol, with the remaining subprotocols, or undefined when there is
 * none. Throws AuthenticationError for two token protocols, bad encoding, or a token without another protocol.
 */
export function bearerTokenFromWebSocket(headers: RequestHeaders): { token: string; protocols: string[] } | undefined {
  if (!isWebSocketRequest(headers)) return undefined;
  let token = '';
  let sawToken = false;
  const protocols: string[] = [];
  for (const header of headerValues(headers, 'sec-websocket-protocol')) {
    for (const raw of header.split(',')) {
      const protocol = raw.trim();
      if (!protocol.startsWith(BEARER_PROTOCOL_PREFIX)) {
        protocols.push(protocol);
        continue;
      }
      if (sawToken) throw new AuthenticationError('multiple base64.bearer.authorization tokens specified');
      sawToken = true;
      const encoded = protocol.slice(BEARER_PROTOCOL_PREFIX.length);
      if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) {
        throw new AuthenticationError('invalid base64.bearer.authorization token encoding');
      }
      const bytes = Buffer.from(encoded, 'base64url');
      const decoded = bytes.toString('utf8');
      if (!Buffer.from(decoded, 'utf8').equals(bytes)) throw new AuthenticationError('invalid base64.bearer.authorization token');
      token = decoded;
    }
  }
  if (token !== '' && protocols.length === 0) throw new AuthenticationError('missing additional subprotocol');
  return token === '' ? undefined : { token, protocols };
}

/** Consumed and rewritten headers travel with the response so the server can clean the request. */
export interface TokenAuthenticationResponse extends AuthenticationResponse {
  /** Lower-cased headers that carried the credential. */
  consumedHeaders: string[];
  /** Headers to replace, e.g. the websocket subprotocols without the token. */
  rewrittenHeaders: Record<string, string>;
}

/** Authenticates `Authorization: Bearer` tokens. */
export class BearerTokenAuthenticator implements RequestAuthenticator {
  readonly #tokens: TokenAuthenticator;

  constructor(tokens: TokenAuthenticator) {
    this.#tokens = tokens;
  }

  async authenticate(request: AuthenticationRequest): Promise<TokenAuthenticationResponse | undefined> {
    const token = bearerTokenFromHeaders(request.headers);
    if (token === undefined) return undefined;
    const res = await this.#tokens.authenticateToken(token, request.signal);
    if (res === undefined) throw new AuthenticationError('invalid bearer token');
    return { ...res, consumedHeaders: ['authorization'], rewrittenHeaders: {} };
  }
}

/** Authenticates bearer tokens sent as a websocket subprotocol. */
export class WebSocketProtocolAuthenticator implements RequestAuthenticator {
  readonly #tokens: TokenAuthenticator;

  constructor(tokens: TokenAuthenticator) {
    this.#tokens = tokens;
  }

  async authenticate(request: AuthenticationRequest): Promise<TokenAuthenticationResponse | undefined> {
    const found = bearerTokenFromWebSocket(request.headers);
    if (found === undefined) return undefined;
    const res = await this.#tokens.authenticateToken(found.token, request.signal);
    if (res === undefined) throw new AuthenticationError('invalid bearer token');
    return { ...res, consumedHeaders: [], rewrittenHeaders: { 'sec-websocket-protocol': found.protocols.join(',') } };
  }
}
