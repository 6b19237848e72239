// The request authenticator the server runs first, composed as apiserver's delegated authentication
// (authenticatorfactory/delegating.go): front-proxy headers, then client certificates, then bearer tokens (header,
// then websocket subprotocol); the first that accepts wins and its user gets `system:authenticated`. Anonymous
// access, when enabled, applies only when no authenticator failed: a rejected credential is a 401, never anonymous.
import type {
  AuthenticationRequest,
  AuthenticationResponse,
  RequestAuthenticator,
  RequestHeaders,
  TokenAuthenticator,
} from './authentication-request.js';
import { BearerTokenAuthenticator, unionTokenAuthenticator, WebSocketProtocolAuthenticator } from './bearer-token.js';
import type { RequestHeaderAuthenticator } from './request-header-authenticator.js';
import { anonymousUser, withAuthenticatedGroup, type UserInfo } from './user-info.js';

export interface AnonymousOptions {
  enabled: boolean;
  /** When non-empty, anonymous access only for these exact paths (upstream AnonymousAuthConfig conditions). */
  paths?: readonly string[];
}

export interface DelegatingAuthenticatorOptions {
  requestHeader?: RequestHeaderAuthenticator;
  clientCert?: RequestAuthenticator;
  /** Tried in order for each bearer token, e.g. a token file in standalone mode, TokenReview when delegating. */
  tokens?: readonly TokenAuthenticator[];
  anonymous?: AnonymousOptions;
}

/** Never a rejection: either a user, or a reason to answer 401 Unauthorized (for logs, not for the client). */
export type AuthenticationOutcome =
  | {
      authenticated: true;
      user: UserInfo;
      audiences?: string[];
      /** Lower-cased headers to remove before the request is handled or forwarded anywhere. */
      stripHeaders: string[];
      /** Headers to replace (the websocket subprotocols without the token). */
      rewriteHeaders: Record<string, string>;
    }
  | { authenticated: false; reason: string; stripHeaders: string[] };

/** Identity headers stripped whatever the configuration says, so they can never reach a member cluster. */
const STANDARD_IDENTITY_HEADERS = ['x-remote-user', 'x-remote-uid', 'x-remote-group'];
const STANDARD_EXTRA_PREFIX = 'x-remote-extra-';

interface Consumed {
  consumedHeaders?: string[];
  rewrittenHeaders?: Record<string, string>;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Upstream's aggregate error text: one message alone, several de-duplicated inside brackets. */
function aggregate(errors: readonly unknown[]): string {
  const messages = [...new Set(errors.map(errorMessage))];
  return messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`;
}

export class DelegatingAuthenticator {
  readonly #requestHeader: RequestHeaderAuthenticator | undefined;
  readonly #chain: readonly RequestAuthenticator[];
  readonly #anonymous: AnonymousOptions;

  constructor(options: DelegatingAuthenticatorOptions) {
    this.#requestHeader = options.requestHeader;
    const chain: RequestAuthenticator[] = [];
    if (options.requestHeader !== undefined) chain.push(options.requestHeader);
    if (options.clientCert !== undefined) chain.push(options.clientCert);
    if (options.tokens !== undefined && options.tokens.length > 0) {
      const tokens = options.tokens.length === 1 ? options.tokens[0]! : unionTokenAuthenticator(options.tokens);
      chain.push(new BearerTokenAuthenticator(tokens), new WebSocketProtocolAuthenticator(tokens));
    }
    this.#chain = chain;
    this.#anonymous = options.anonymous ?? { enabled: false };
  }

  async authenticate(request: AuthenticationRequest): Promise<AuthenticationOutcome> {
    const stripHeaders = this.#headersToStrip(request.headers);
    const errors: unknown[] = [];
    for (const authenticator of this.#chain) {
      let res: (AuthenticationResponse & Consumed) | undefined;
      try {
        res = await authenticator.authenticate(request);
      } catch (e) {
        errors.push(e);
        continue;
      }
      if (res === undefined) continue;
      const outcome: AuthenticationOutcome = {
        authenticated: true,
        user: withAuthenticatedGroup(res.user),
        stripHeaders: [...new Set([...stripHeaders, ...(res.consumedHeaders ?? [])])],
        rewriteHeaders: { ...res.rewrittenHeaders },
      };
      if (res.audiences !== undefined) outcome.audiences = res.audiences;
      return outcome;
    }
    if (errors.length > 0) return { authenticated: false, reason: aggregate(errors), stripHeaders };
    if (this.#anonymousAllowed(request.path)) {
      return { authenticated: true, user: anonymousUser(), stripHeaders, rewriteHeaders: {} };
    }
    return { authenticated: false, reason: 'no credentials', stripHeaders };
  }

  #anonymousAllowed(path: string | undefined): boolean {
    if (!this.#anonymous.enabled) return false;
    const paths = this.#anonymous.paths ?? [];
    return paths.length === 0 || (path !== undefined && paths.includes(path));
  }

  /** Identity headers (configured and standard) and `authorization`, whichever are present. */
  #headersToStrip(headers: RequestHeaders): string[] {
    const names = new Set(this.#requestHeader?.headersToStrip(headers) ?? []);
    for (const key of Object.keys(headers)) {
      const lower = key.toLowerCase();
      if (STANDARD_IDENTITY_HEADERS.includes(lower) || lower.startsWith(STANDARD_EXTRA_PREFIX) || lower === 'authorization') names.add(lower);
    }
    return [...names];
  }
}
