// What a user may read on a member, as that member's own authorizers decide: a SubjectAccessReview posted to the
// member with Herd's member credentials. Herd's member identity fetches into the shared caches; nothing leaves them
// for a user without this decision (docs/fleet-view.md, "Authorization").
//
// Answers (allowed and denied alike) are kept for ttlMs, as the host authorizer keeps its own, so a fleet-wide list
// costs one review per member per user every 10 s, not one per request. A member that cannot answer is treated as
// refusing, but only for a second: an outage must not hide a member from a user for a whole TTL after it recovers.
import { LRUCache } from 'lru-cache';
import type { RequestInfo } from '../apimachinery/request-info.js';
import { SUBJECT_ACCESS_REVIEWS_PATH } from '../auth/subject-access-review-authorizer.js';
import { subjectAccessReviewSpec, type SubjectAccessReviewSpec } from '../auth/subject-access-review-spec.js';
import type { UserInfo } from '../auth/user-info.js';
import { describeFailure, describeStatus } from '../members/describe-failure.js';
import type { FleetMember } from './fleet-members.js';

export interface MemberAccessAttributes {
  readonly verb: string;
  /** `''` for the core group. */
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  /** Unset (or `''`) for cluster-scoped requests and for lists across all namespaces. */
  readonly namespace?: string;
  readonly name?: string;
}

export interface MemberAccessDecision {
  readonly allowed: boolean;
  /** The member's reason; `<member>: <why>` when the member could not be asked. */
  readonly reason: string;
}

export interface MemberAccessReviewOptions {
  /** How long an answer is kept; default 10 s. */
  ttlMs?: number;
  /** Cached answers at most; default 8192, as the host authorizer's cache. */
  max?: number;
  /** Deadline of one review; default 5 s. */
  timeoutMs?: number;
  /** Monotonic milliseconds for cache expiry; replaced in tests. */
  now?: () => number;
}

/** How long a failure to ask stands: long enough to spare a down member a review per request, short enough to recover. */
export const FAILED_REVIEW_TTL_MS = 1_000;

interface ReviewStatus {
  allowed?: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** The attributes as the RequestInfo subjectAccessReviewSpec reads, so the member sees what the host would see. */
function requestInfo(attrs: MemberAccessAttributes): RequestInfo {
  return {
    isResourceRequest: true,
    path: '',
    verb: attrs.verb,
    apiPrefix: '',
    apiGroup: attrs.group,
    apiVersion: '',
    namespace: attrs.namespace ?? '',
    resource: attrs.resource,
    subresource: attrs.subresource ?? '',
    name: attrs.name ?? '',
    parts: [],
    fieldSelector: '',
    labelSelector: '',
  };
}

/** Stable under reordering of extra keys (a Record's order is insertion order; the identity is the same). */
function cacheKey(member: string, spec: SubjectAccessReviewSpec): string {
  const extra = spec.extra === undefined ? undefined : Object.fromEntries(Object.entries(spec.extra).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify([member, { ...spec, extra }]);
}

export class MemberAccessReview {
  readonly #ttlMs: number;
  readonly #timeoutMs: number;
  readonly #cache: LRUCache<string, MemberAccessDecision>;
  /** Reviews under way, so that concurrent identical questions share one call. */
  readonly #inFlight = new Map<string, Promise<MemberAccessDecision>>();

  constructor(options: MemberAccessReviewOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 10_000;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    const now = options.now;
    this.#cache = new LRUCache<string, MemberAccessDecision>({
      max: options.max ?? 8192,
      ttlResolution: 0,
      ...(now === undefined ? {} : { perf: { now } }),
    });
  }

  /** Whether `user` may do `attrs` on `member`, as the member decides. Never rejects. */
  allowed(member: FleetMember, user: UserInfo, attrs: MemberAccessAttributes): Promise<MemberAccessDecision> {
    const spec = subjectAccessReviewSpec(requestInfo(attrs), user);
    const key = cacheKey(member.name, spec);
    const cached = this.#cache.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    const running = this.#inFlight.get(key);
    if (running !== undefined) return running;
    const review = this.#review(member, spec).then(({ decision, failed }) => {
      this.#cache.set(key, decision, { ttl: failed ? Math.min(FAILED_REVIEW_TTL_MS, this.#ttlMs) : this.#ttlMs });
      return decision;
    });
    this.#inFlight.set(key, review);
    const forget = (): void => {
      this.#inFlight.delete(key);
    };
    review.then(forget, forget);
    return review;
  }

  /** Forgets every answer (a member left, or its RBAC is known to have changed). */
  clear(): void {
    this.#cache.clear();
  }

  async #review(member: FleetMember, spec: SubjectAccessReviewSpec): Promise<{ decision: MemberAccessDecision; failed: boolean }> {
    const failure = (why: string) => ({ decision: { allowed: false, reason: `${member.name}: ${why}` }, failed: true });
    let res;
    try {
      res = await member.client.call(
        'POST',
        SUBJECT_ACCESS_REVIEWS_PATH,
        { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec },
        this.#timeoutMs,
      );
    } catch (err) {
      return failure(describeFailure(err));
    }
    if (res.status !== 201 && res.status !== 200) return failure(`SubjectAccessReview: ${describeStatus(res.status, res.body)}`);
    let status: ReviewStatus;
    try {
      status = (JSON.parse(res.body) as { status?: ReviewStatus }).status ?? {};
    } catch {
      return failure('SubjectAccessReview: the answer is not JSON');
    }
    // Upstream's webhook authorizer treats allowed-and-denied as an error; refusing is the safe reading of it.
    if (status.allowed === true && status.denied === true) return failure('SubjectAccessReview answered both allowed and denied');
    const reason = status.reason || (status.evaluationError ? `evaluation error: ${status.evaluationError}` : '');
    return { decision: { allowed: status.allowed === true, reason }, failed: false };
  }
}
