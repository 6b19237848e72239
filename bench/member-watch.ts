import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { Client } from 'undici';
import type { ClientTls } from './http-pool.js';

/** When an object first appeared in the member: `performance.now()` as its ADDED event was parsed. */
export interface Arrival {
  readonly at: number;
  /** The object as the event carried it. */
  readonly object: unknown;
}

interface Waiter {
  readonly resolve: (arrival: Arrival) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface WatchEvent {
  readonly type?: string;
  readonly object?: { metadata?: { name?: string; resourceVersion?: string }; message?: string; code?: number };
}

/**
 * One long watch of a collection in one member kube-apiserver (`?watch=1&resourceVersion=<rv>`, from a LIST done
 * when it opens), kept open for the whole run on its own connection. Every ADDED event settles whoever waits for that
 * name. A watch the server ends (its request timeout) resumes from the last resourceVersion; an ERROR event (such as
 * 410 Gone) or a failed request fails every waiter and the watch.
 */
export class MemberWatch {
  private readonly client: Client;
  private readonly waiters = new Map<string, Waiter>();
  private readonly abort = new AbortController();
  private failure: Error | undefined;
  private resourceVersion = '';
  private loop: Promise<void> | undefined;

  private constructor(
    readonly member: string,
    private readonly origin: string,
    private readonly path: string,
    tls: ClientTls,
  ) {
    this.client = new Client(origin, {
      pipelining: 0,
      headersTimeout: 60_000,
      bodyTimeout: 0,
      connect: { ca: readFileSync(tls.caFile), cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile), rejectUnauthorized: true },
    });
  }

  /** Lists `path` for its resourceVersion, then watches from there; resolves once the watch answered 200. */
  static async open(member: string, origin: string, path: string, tls: ClientTls): Promise<MemberWatch> {
    const w = new MemberWatch(member, origin, path, tls);
    try {
      const list = await w.client.request({ method: 'GET', path: `${path}?limit=1`, headers: { accept: 'application/json' } });
      const text = await list.body.text();
      if (list.statusCode !== 200) throw new Error(`LIST ${origin}${path}: HTTP ${list.statusCode}: ${text.slice(0, 300)}`);
      w.resourceVersion = (JSON.parse(text) as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion ?? '';
      if (!w.resourceVersion) throw new Error(`LIST ${origin}${path} returned no resourceVersion`);
      const first = await w.connect();
      w.loop = w.run(first);
    } catch (err) {
      await w.close();
      throw err;
    }
    return w;
  }

  /**
   * The next ADDED event for `name`. Call it before the create: events nobody waits for are dropped. Rejects after
   * `timeoutMs`, or when the watch fails.
   */
  arrival(name: string, timeoutMs: number): Promise<Arrival> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiters.has(name)) return Promise.reject(new Error(`${this.member}: already waiting for ${name}`));
    const arrival = new Promise<Arrival>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(name);
        reject(new Error(`${name} did not appear in ${this.member} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(name, { resolve, reject, timer });
    });
    // The caller awaits it only after its create answered: a failure before then must not count as unhandled.
    arrival.catch(() => {});
    return arrival;
  }

  /** Stops waiting for `name` (its create failed); its promise never settles. */
  forget(name: string): void {
    const w = this.waiters.get(name);
    if (w) clearTimeout(w.timer);
    this.waiters.delete(name);
  }

  async close(): Promise<void> {
    this.abort.abort();
    this.fail(new Error(`the watch of ${this.member} was closed`));
    await this.loop?.catch(() => {});
    await this.client.destroy().catch(() => {});
  }

  private async connect(): Promise<AsyncIterable<Buffer>> {
    const res = await this.client.request({
      method: 'GET',
      path: `${this.path}?watch=1&resourceVersion=${encodeURIComponent(this.resourceVersion)}`,
      headers: { accept: 'application/json', 'accept-encoding': 'identity' },
      signal: this.abort.signal,
    });
    if (res.statusCode !== 200) {
      const text = await res.body.text();
      throw new Error(`WATCH ${this.origin}${this.path}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
    }
    return res.body as AsyncIterable<Buffer>;
  }

  private async run(first: AsyncIterable<Buffer>): Promise<void> {
    let body: AsyncIterable<Buffer> | undefined = first;
    try {
      while (!this.abort.signal.aborted) {
        body ??= await this.connect();
        const decoder = new StringDecoder('utf8');
        let pending = '';
        for await (const chunk of body) {
          pending += decoder.write(chunk);
          let newline: number;
          while ((newline = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, newline).trim();
            pending = pending.slice(newline + 1);
            if (line) this.handle(JSON.parse(line) as WatchEvent);
          }
        }
        body = undefined;
      }
    } catch (err) {
      if (!this.abort.signal.aborted) this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private handle(event: WatchEvent): void {
    const at = performance.now();
    if (event.type === 'ERROR') {
      throw new Error(`the watch of ${this.member} failed: ${event.object?.code ?? ''} ${event.object?.message ?? JSON.stringify(event.object)}`);
    }
    const rv = event.object?.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    const name = event.object?.metadata?.name;
    if (event.type !== 'ADDED' || !name) return;
    const waiter = this.waiters.get(name);
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.waiters.delete(name);
    waiter.resolve({ at, object: event.object });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const [name, w] of this.waiters) {
      clearTimeout(w.timer);
      w.reject(this.failure);
      this.waiters.delete(name);
    }
  }
}
