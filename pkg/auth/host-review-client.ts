// POSTs review objects (TokenReview, SubjectAccessReview) to the host kube-apiserver the way apiserver's delegated
// webhooks do: a hard deadline on every call (10 s by default, upstream's TokenRequestTimeout and authorization
// ClientTimeout) and exponential-backoff retries on transient failures (upstream DefaultAuthWebhookRetryBackoff:
// 500 ms, factor 1.5, jitter 0.2, 5 attempts; retried are connection resets, 429, 500, 504 and any answer with
// Retry-After). A failed call rejects with HostCallError; callers must never turn that into an allow.
import { Agent, request, type Dispatcher } from 'undici';

export interface RetryBackoff {
  initialDelayMs: number;
  factor: number;
  /** Each delay grows by up to this fraction, at random. */
  jitter: number;
  /** Attempts in total, the first included. */
  steps: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { initialDelayMs: 500, factor: 1.5, jitter: 0.2, steps: 5 };
export const DEFAULT_HOST_TIMEOUT_MS = 10_000;

export interface HostReviewClientOptions {
  /** The host kube-apiserver, e.g. `https://10.96.0.1:443`; a path prefix is kept. */
  baseUrl: string;
  /** Carries TLS settings (see createHostDispatcher); tests pass undici's MockAgent. Default: undici's global one. */
  dispatcher?: Dispatcher;
  /** The `Authorization` value, read on every call so a rotated service-account token is picked up. */
  authorization?: () => string | undefined | Promise<string | undefined>;
  /** Deadline for one review, retries included. */
  timeoutMs?: number;
  retry?: RetryBackoff;
  /** Waits between attempts; replaced in tests. Must reject when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface HostTlsOptions {
  /** PEM CA bundle that signed the host's serving certificate. */
  ca?: string;
  /** PEM client certificate and key, when the host authenticates this server by certificate. */
  cert?: string;
  key?: string;
  /** TLS server name, when it differs from the host in the base URL. */
  servername?: string;
}

/** An undici Agent that talks TLS to the host with the given trust and client identity. */
export function createHostDispatcher(tls: HostTlsOptions): Dispatcher {
  return new Agent({ connect: { ...tls } });
}

/** The host could not give an answer: network failure, deadline, non-success status or an unreadable body. */
export class HostCallError extends Error {
  readonly isHostCallError = true;
  /** The HTTP status when the host answered. */
  readonly statusCode: number | undefined;
  readonly retriable: boolean;

  constructor(message: string, options: { statusCode?: number; retriable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'HostCallError';
    this.statusCode = options.statusCode;
    this.retriable = options.retriable ?? false;
  }
}

export function isHostCallError(e: unknown): e is HostCallError {
  return e instanceof Error && (e as Partial<HostCallError>).isHostCallError === true;
}

const RETRIABLE_NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The `message` of a metav1.Status body, when the body is one. */
function statusMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { kind?: unknown; message?: unknown };
    return parsed.kind === 'Status' && typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

export class HostReviewClient {
  readonly #options: HostReviewClientOptions;
  readonly #base: URL;

  constructor(options: HostReviewClientOptions) {
    this.#options = options;
    this.#base = new URL(options.baseUrl);
  }

  /**
   * POSTs `body` to `path` and returns the created object. Retries transient failures within the deadline; rejects
   * with HostCallError when no answer arrives in time or the host refuses, and with the abort reason when `signal`
   * aborts first.
   */
  async create<T>(path: string, body: object, signal?: AbortSignal): Promise<T> {
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_HOST_TIMEOUT_MS;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new HostCallError(`${path}: no answer within ${timeoutMs} ms`)), timeoutMs);
    const combined = signal === undefined ? deadline.signal : AbortSignal.any([deadline.signal, signal]);
    try {
      return await this.#withRetries<T>(path, JSON.stringify(body), combined);
    } finally {
      clearTimeout(timer);
    }
  }

  async #withRetries<T>(path: string, payload: string, signal: AbortSignal): Promise<T> {
    const backoff = this.#options.retry ?? DEFAULT_RETRY_BACKOFF;
    const sleep = this.#options.sleep ?? defaultSleep;
    const random = this.#options.random ?? Math.random;
    let delay = backoff.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt<T>(path, payload, signal);
      } catch (e) {
        if (signal.aborted) throw signal.reason as Error;
        if (!isHostCallError(e) || !e.retriable || attempt >= backoff.steps) throw e;
      }
      await sleep(delay + random() * backoff.jitter * delay, signal).catch(() => {
        throw signal.reason as Error;
      });
      delay *= backoff.factor;
    }
  }

  async #attempt<T>(path: string, payload: string, signal: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    const authorization = await this.#options.authorization?.();
    if (authorization) headers.authorization = authorization;
    let response: Dispatcher.ResponseData;
    try {
      // Keep a path prefix of the base URL (a host behind a proxy at `https://lb/k8s`), as client-go does.
      const url = new URL(this.#base.pathname.replace(/\/+$/, '') + path, this.#base);
      response = await request(url, {
        method: 'POST',
        headers,
        body: payload,
        signal,
        ...(this.#options.dispatcher === undefined ? {} : { dispatcher: this.#options.dispatcher }),
      });
    } catch (e) {
      if (signal.aborted) throw signal.reason as Error;
      const code = (e as { code?: unknown }).code;
      throw new HostCallError(`${path}: ${(e as Error).message}`, { retriable: typeof code === 'string' && RETRIABLE_NETWORK_CODES.has(code), cause: e });
    }
    const text = await response.body.text();
    const { statusCode } = response;
    if (statusCode < 200 || statusCode > 299) {
      const retriable = statusCode === 429 || statusCode === 500 || statusCode === 504 || response.headers['retry-after'] !== undefined;
      const detail = statusMessage(text) ?? text.slice(0, 256);
      throw new HostCallError(`${path}: status ${statusCode}: ${detail}`, { statusCode, retriable });
    }
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new HostCallError(`${path}: unreadable response: ${(e as Error).message}`, { statusCode, cause: e });
    }
  }
}
