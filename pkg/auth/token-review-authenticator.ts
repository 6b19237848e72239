// Bearer tokens checked by the host kube-apiserver with an `authentication.k8s.io/v1` TokenReview, as apiserver's
// delegated authentication does (plugin/pkg/authenticator/token/webhook + token/cache). Answers are cached by an
// HMAC of the token (never the token itself): accepted and rejected tokens for 10 s each by default (upstream's
// delegated CacheTTL for both). Failed calls and rejections that carry an error are not cached, concurrent
// reviews of the same token share one call, and a failed call rejects (the request gets 401, never anonymous).
import { createHmac, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { AuthenticationError, type AuthenticationResponse, type TokenAuthenticator } from './authentication-request.js';
import type { HostReviewClient } from './host-review-client.js';
import type { UserInfo } from './user-info.js';

export const TOKEN_REVIEWS_PATH = '/apis/authentication.k8s.io/v1/tokenreviews';

export interface TokenReviewAuthenticatorOptions {
  client: HostReviewClient;
  /**
   * The server's API audiences. When set they are sent as `spec.audiences` and the review must confirm one of them
   * (or confirm none, in which case these are assumed). Default: none, so the host checks its own audiences.
   */
  audiences?: readonly string[];
  /** Default 10 s. */
  successCacheTtlMs?: number;
  /** Default 10 s. */
  failureCacheTtlMs?: number;
  /** Default 4096 tokens. */
  cacheSize?: number;
  /** Monotonic milliseconds, for cache expiry; replaced in tests. */
  now?: () => number;
}

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[] | null; extra?: Record<string, string[]> | null };
  audiences?: string[] | null;
  error?: string;
}

/** A cached outcome: a user, or a plain rejection. */
type Outcome = { response: AuthenticationResponse } | { response: undefined };

function copyResponse(response: AuthenticationResponse): AuthenticationResponse {
  const user: UserInfo = {
    name: response.user.name,
    groups: [...response.user.groups],
    extra: Object.fromEntries(Object.entries(response.user.extra).map(([k, v]) => [k, [...v]])),
  };
  if (response.user.uid !== undefined) user.uid = response.user.uid;
  return response.audiences === undefined ? { user } : { user, audiences: [...response.audiences] };
}

export class TokenReviewAuthenticator implements TokenAuthenticator {
  readonly #client: HostReviewClient;
  readonly #audiences: readonly string[];
  readonly #successTtl: number;
  readonly #failureTtl: number;
  readonly #cache: LRUCache<string, Outcome>;
  readonly #inFlight = new Map<string, Promise<Outcome>>();
  readonly #hmacKey = randomBytes(32);

  constructor(options: TokenReviewAuthenticatorOptions) {
    this.#client = options.client;
    this.#audiences = options.audiences ?? [];
    this.#successTtl = options.successCacheTtlMs ?? 10_000;
    this.#failureTtl = options.failureCacheTtlMs ?? 10_000;
    const now = options.now;
    this.#cache = new LRUCache<string, Outcome>({
      max: options.cacheSize ?? 4096,
      ttlResolution: 0,
      ...(now === undefined ? {} : { perf: { now } }),
    });
  }

  /**
   * Resolves the reviewed user, or `undefined` when the host does not accept the token. Rejects with
   * AuthenticationError when the review reports an error, and with HostCallError when the host cannot be asked.
   */
  async authenticateToken(token: string, signal?: AbortSignal): Promise<AuthenticationResponse | undefined> {
    const key = createHmac('sha256', this.#hmacKey).update(JSON.stringify([this.#audiences, token])).digest('base64');
    let outcome = this.#cache.get(key);
    if (outcome === undefined) {
      let shared = this.#inFlight.get(key);
      if (shared === undefined) {
        // Shared by every concurrent caller, so it runs under the client's deadline only, not one caller's signal.
        shared = this.#review(token, key).finally(() => this.#inFlight.delete(key));
        this.#inFlight.set(key, shared);
      }
      outcome = await abortable(shared, signal);
    }
    return outcome.response === undefined ? undefined : copyResponse(outcome.response);
  }

  async #review(token: string, key: string): Promise<Outcome> {
    const spec: { token: string; audiences?: string[] } = { token };
    if (this.#audiences.length > 0) spec.audiences = [...this.#audiences];
    const review = await this.#client.create<{ status?: TokenReviewStatus }>(TOKEN_REVIEWS_PATH, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec,
    });
    const status = review.status ?? {};
    let audiences: string[] | undefined;
    if (this.#audiences.length > 0) {
      const confirmed = status.audiences && status.audiences.length > 0 ? status.audiences : this.#audiences;
      audiences = this.#audiences.filter((a) => confirmed.includes(a));
      if (audiences.length === 0) return this.#remember(key, { response: undefined }, this.#failureTtl);
    }
    if (status.authenticated !== true) {
      if (status.error) throw new AuthenticationError(status.error);
      return this.#remember(key, { response: undefined }, this.#failureTtl);
    }
    const u = status.user ?? {};
    const user: UserInfo = { name: u.username ?? '', groups: [...(u.groups ?? [])], extra: Object.fromEntries(Object.entries(u.extra ?? {})) };
    if (u.uid) user.uid = u.uid;
    const response: AuthenticationResponse = audiences === undefined ? { user } : { user, audiences };
    return this.#remember(key, { response }, this.#successTtl);
  }

  #remember(key: string, outcome: Outcome, ttl: number): Outcome {
    if (ttl > 0) this.#cache.set(key, outcome, { ttl });
    return outcome;
  }
}

/** Waits for `promise`, giving up early (without cancelling it) when `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}
