import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
  type IPolicy,
} from 'cockatiel';
import type { Dispatcher } from 'undici';
import type { ClusterClient, ClusterResponse } from '../members/cluster-client.js';
import { FIELD_MANAGER } from '../../api/federation/v1alpha1/well-known.js';

export interface MemberWriterOptions {
  /** Calls in flight to this member at once; more wait their turn. Default 32. */
  readonly concurrency?: number;
  /** Deadline of one call. Default 10 s. */
  readonly timeoutMs?: number;
  /** Attempts per call for transient failures (network, 429, 5xx), with exponential backoff and jitter. Default 3. */
  readonly attempts?: number;
  /** Consecutive transient failures that open the breaker; while open, calls fail at once. Default 5. */
  readonly breakerThreshold?: number;
  /** How long the breaker stays open before one trial call. Default 5 s. */
  readonly breakerHalfOpenAfterMs?: number;
}

/** A member call that failed without an HTTP answer worth reading: unreachable, timed out, overloaded or breaker open. */
export class MemberUnavailableError extends Error {
  constructor(
    readonly cluster: string,
    message: string,
  ) {
    super(message);
    this.name = 'MemberUnavailableError';
  }
}

/** A 429 or 5xx answer, retried like a network failure. */
class TransientStatusError extends Error {
  constructor(readonly response: ClusterResponse) {
    super(`HTTP ${response.status}`);
  }
}

const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

/** Error text that is safe to show: the error's class and message, never request headers or bodies. */
function describe(err: unknown): string {
  if (err instanceof TransientStatusError) return err.message;
  if (err instanceof BrokenCircuitError) return 'circuit breaker open after repeated failures';
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const code = (err as { code?: string }).code ?? (cause as { code?: string } | undefined)?.code;
    const base = err.name === 'TimeoutError' || err.name === 'AbortError' ? 'timed out' : err.message;
    return code && !base.includes(code) ? `${base} (${code})` : base;
  }
  return String(err);
}

/**
 * Every write Herd makes to one member cluster goes through here: a per-member concurrency cap (bulkhead), a deadline
 * per call, retries with exponential backoff and jitter for transient failures, and a circuit breaker so a dead member
 * costs nothing but a fast failure. HTTP answers other than 429/5xx are returned to the caller to interpret.
 */
export class MemberWriter {
  private readonly policy: IPolicy;
  private readonly timeoutMs: number;
  private readonly breaker: ReturnType<typeof circuitBreaker>;

  constructor(
    readonly cluster: string,
    readonly client: ClusterClient,
    options: MemberWriterOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const transient = handleWhen((err) => !(err instanceof BrokenCircuitError) && !(err instanceof BulkheadRejectedError));
    this.breaker = circuitBreaker(transient, {
      halfOpenAfter: options.breakerHalfOpenAfterMs ?? 5_000,
      breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
    });
    const retries = retry(transient, {
      maxAttempts: (options.attempts ?? 3) - 1,
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2_000 }),
    });
    // Retries outside the breaker: once it opens, the remaining attempts fail fast.
    this.policy = wrap(bulkhead(options.concurrency ?? 32, Number.MAX_SAFE_INTEGER), retries, this.breaker);
  }

  /** Whether the breaker is open (calls fail at once). */
  get open(): boolean {
    return this.breaker.state === CircuitState.Open || this.breaker.state === CircuitState.Isolated;
  }

  /** One call through the policies; rejects with MemberUnavailableError when no usable answer came. */
  async call(method: Dispatcher.HttpMethod, path: string, body?: unknown, contentType = 'application/json'): Promise<ClusterResponse> {
    try {
      return await this.policy.execute(async () => {
        const res = await this.client.callWithType(method, path, body, contentType, this.timeoutMs);
        if (TRANSIENT_STATUS.has(res.status)) throw new TransientStatusError(res);
        return res;
      });
    } catch (err) {
      if (err instanceof TransientStatusError) return err.response;
      throw new MemberUnavailableError(this.cluster, describe(err));
    }
  }

  /** Server-side apply of `object` at `path` as field manager `herd`, taking ownership of conflicting fields. */
  apply(path: string, object: unknown): Promise<ClusterResponse> {
    return this.call('PATCH', `${path}?fieldManager=${FIELD_MANAGER}&force=true`, object, 'application/apply-patch+yaml');
  }

  create(collectionPath: string, object: unknown): Promise<ClusterResponse> {
    return this.call('POST', `${collectionPath}?fieldManager=${FIELD_MANAGER}`, object);
  }

  get(path: string): Promise<ClusterResponse> {
    return this.call('GET', path);
  }

  delete(path: string, preconditions?: { uid?: string }): Promise<ClusterResponse> {
    return this.call('DELETE', path, {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: 'Background',
      ...(preconditions?.uid ? { preconditions: { uid: preconditions.uid } } : {}),
    });
  }

  jsonPatch(path: string, ops: unknown[]): Promise<ClusterResponse> {
    return this.call('PATCH', `${path}?fieldManager=${FIELD_MANAGER}`, ops, 'application/json-patch+json');
  }
}
