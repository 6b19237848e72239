// Delegated authorization: asks the host kube-apiserver with a SubjectAccessReview, as apiserver's
// DelegatingAuthorizationOptions does. In order: members of the always-allowed groups (`system:masters`; the host
// would allow them anyway) and the always-allowed non-resource paths (`/healthz`, `/readyz`, `/livez`) pass without
// a review; everything else is reviewed, with answers cached by the exact spec. Defaults are the delegated ones
// (allowed and denied both cached for 10 s), not kube-apiserver's webhook flags (5 min / 30 s): an extension
// server should see RBAC changes quickly. A failed review rejects (the caller answers 500), never allows.
import { LRUCache } from 'lru-cache';
import type { RequestInfo } from '../apimachinery/request-info.js';
import type { HostReviewClient } from './host-review-client.js';
import { subjectAccessReviewSpec, type SubjectAccessReviewSpec } from './subject-access-review-spec.js';
import { SYSTEM_MASTERS_GROUP, type UserInfo } from './user-info.js';

export const SUBJECT_ACCESS_REVIEWS_PATH = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

/** What the caller needs to answer: allow when `allowed`; otherwise 403 with `reason`. */
export interface AuthorizationDecision {
  allowed: boolean;
  /** An explicit deny; without it a refusal is "no opinion". Both answer 403. */
  denied: boolean;
  reason: string;
  evaluationError: string;
}

export interface SubjectAccessReviewAuthorizerOptions {
  client: HostReviewClient;
  /** Default 10 s (apiserver's delegated `AllowCacheTTL`). */
  allowCacheTtlMs?: number;
  /** Default 10 s (apiserver's delegated `DenyCacheTTL`). */
  denyCacheTtlMs?: number;
  /** Default `['system:masters']`; pass `[]` to review every user. */
  alwaysAllowGroups?: readonly string[];
  /** Non-resource paths allowed without review; a trailing `*` matches a prefix. Default health endpoints. */
  alwaysAllowPaths?: readonly string[];
  /** Default 8192 entries, as upstream's response cache. */
  cacheSize?: number;
  /** Send selector requirements in reviews (default true; see subject-access-review-spec). */
  selectors?: boolean;
  /** Monotonic milliseconds, for cache expiry; replaced in tests. */
  now?: () => number;
}

/** The review's answer could not be used (allowed and denied at once). Answered as 500. */
export class AuthorizationError extends Error {
  readonly isAuthorizationError = true;
  constructor(message: string) {
    super(message);
    this.name = 'AuthorizationError';
  }
}

interface SubjectAccessReviewStatus {
  allowed?: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** Upstream does not cache reviews whose attributes add up to 10000 characters or more. */
const MAX_CACHED_ATTRIBUTE_LENGTH = 10_000;

const ALLOWED: AuthorizationDecision = { allowed: true, denied: false, reason: '', evaluationError: '' };

/** Upstream's path authorizer: leading `/` ignored, exact matches plus `prefix*` patterns. */
function pathMatcher(patterns: readonly string[]): (path: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const raw of patterns) {
    const p = raw.replace(/^\//, '');
    if (p.slice(0, -1).includes('*')) throw new Error(`only trailing * allowed in ${JSON.stringify(raw)}`);
    if (p.endsWith('*')) prefixes.push(p.slice(0, -1));
    else exact.add(p);
  }
  return (path) => {
    const p = path.replace(/^\//, '');
    return exact.has(p) || prefixes.some((prefix) => p.startsWith(prefix));
  };
}

/** A stable cache key: Go keys by the JSON of the spec, whose map keys are sorted. */
function cacheKey(spec: SubjectAccessReviewSpec): string {
  const extra = spec.extra === undefined ? undefined : Object.fromEntries(Object.entries(spec.extra).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify({ ...spec, extra });
}

function attributeLength(info: RequestInfo): number {
  return [info.namespace, info.verb, info.apiGroup, info.apiVersion, info.resource, info.subresource, info.name, info.path].reduce(
    (n, s) => n + Buffer.byteLength(s),
    0,
  );
}

export class SubjectAccessReviewAuthorizer {
  readonly #client: HostReviewClient;
  readonly #allowTtl: number;
  readonly #denyTtl: number;
  readonly #groups: readonly string[];
  readonly #pathAllowed: (path: string) => boolean;
  readonly #selectors: boolean;
  readonly #cache: LRUCache<string, AuthorizationDecision>;

  constructor(options: SubjectAccessReviewAuthorizerOptions) {
    this.#client = options.client;
    this.#allowTtl = options.allowCacheTtlMs ?? 10_000;
    this.#denyTtl = options.denyCacheTtlMs ?? 10_000;
    this.#groups = options.alwaysAllowGroups ?? [SYSTEM_MASTERS_GROUP];
    this.#pathAllowed = pathMatcher(options.alwaysAllowPaths ?? ['/healthz', '/readyz', '/livez']);
    this.#selectors = options.selectors ?? true;
    const now = options.now;
    this.#cache = new LRUCache<string, AuthorizationDecision>({
      max: options.cacheSize ?? 8192,
      ttlResolution: 0,
      ...(now === undefined ? {} : { perf: { now } }),
    });
  }

  /**
   * Decides whether `user` may do what `info` describes. Rejects with HostCallError when the host cannot be asked
   * and with AuthorizationError when it answers both allowed and denied; answer both with 500.
   */
  async authorize(info: RequestInfo, user: UserInfo | undefined, signal?: AbortSignal): Promise<AuthorizationDecision> {
    if (user !== undefined && user.groups.some((g) => this.#groups.includes(g))) return { ...ALLOWED };
    if (!info.isResourceRequest && this.#pathAllowed(info.path)) return { ...ALLOWED };

    const spec = subjectAccessReviewSpec(info, user, { selectors: this.#selectors });
    const key = cacheKey(spec);
    let decision = this.#cache.get(key);
    if (decision === undefined) {
      const review = await this.#client.create<{ status?: SubjectAccessReviewStatus }>(
        SUBJECT_ACCESS_REVIEWS_PATH,
        { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec },
        signal,
      );
      const status = review.status ?? {};
      decision = {
        allowed: status.allowed === true,
        denied: status.denied === true,
        reason: status.reason ?? '',
        evaluationError: status.evaluationError ?? '',
      };
      if (attributeLength(info) < MAX_CACHED_ATTRIBUTE_LENGTH) {
        this.#cache.set(key, decision, { ttl: decision.allowed ? this.#allowTtl : this.#denyTtl });
      }
    }
    if (decision.allowed && decision.denied) {
      throw new AuthorizationError('webhook subject access review returned both allow and deny response');
    }
    return { ...decision };
  }

  /** Forgets every cached answer (for example after a known RBAC change in tests). */
  clearCache(): void {
    this.#cache.clear();
  }
}
