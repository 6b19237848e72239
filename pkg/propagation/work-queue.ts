/**
 * A controller work queue in the manner of client-go's: a key waits at most once however often it is added, a key
 * is never handed to two workers at once (added while in flight, it runs again after), and failures back off per key.
 * Keys added with a delay wake on a timer; everything else is handed to a worker immediately, so a write wakes its
 * controller without any polling delay.
 */
export interface WorkQueueOptions {
  /** Workers running `process` at once. */
  readonly workers: number;
  /** First retry delay after a failure; doubles per consecutive failure of the key. Default 250 ms. */
  readonly baseDelayMs?: number;
  /** Longest retry delay. Default 30 s. */
  readonly maxDelayMs?: number;
}

/** What `process` asks for next: nothing, a retry with backoff, or another run after a fixed delay. */
export type ProcessOutcome = { readonly retry?: boolean; readonly requeueAfterMs?: number } | void;

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly inFlight = new Set<string>();
  /** Keys added while in flight: run again when the current run ends. */
  private readonly again = new Set<string>();
  private readonly timers = new Map<string, { at: number; handle: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private running = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly process: (key: string) => Promise<ProcessOutcome>,
    private readonly options: WorkQueueOptions,
  ) {}

  /** Queues the key now (a pending delayed add of it is dropped). */
  add(key: string): void {
    if (this.stopped) return;
    const timer = this.timers.get(key);
    if (timer) {
      clearTimeout(timer.handle);
      this.timers.delete(key);
    }
    if (this.inFlight.has(key)) {
      this.again.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  /** Queues the key after `ms`, unless it is queued sooner; an earlier pending delay wins. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) return this.add(key);
    const at = Date.now() + ms;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.handle);
    const handle = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    handle.unref?.();
    this.timers.set(key, { at, handle });
  }

  /** Clears the failure count of a key (its next failure backs off from the start). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  get length(): number {
    return this.queue.length;
  }

  /** Resolves when nothing is queued or in flight (delayed keys do not count). For tests and shutdown. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops handing out keys; resolves when the runs in flight have ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t.handle);
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
    await this.idle();
  }

  private backoff(key: string): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const base = this.options.baseDelayMs ?? 250;
    const max = this.options.maxDelayMs ?? 30_000;
    const delay = Math.min(max, base * 2 ** (n - 1));
    // Full jitter on the upper half, so many keys failing together do not retry in lockstep.
    return Math.round(delay / 2 + Math.random() * (delay / 2));
  }

  private pump(): void {
    while (!this.stopped && this.running < this.options.workers && this.queue.length > 0) {
      const key = this.queue.shift()!;
      this.queued.delete(key);
      this.inFlight.add(key);
      this.running++;
      void this.run(key);
    }
    if (this.queue.length === 0 && this.running === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async run(key: string): Promise<void> {
    let outcome: ProcessOutcome;
    try {
      outcome = await this.process(key);
    } catch {
      outcome = { retry: true };
    }
    this.inFlight.delete(key);
    this.running--;
    if (outcome?.retry) this.addAfter(key, this.backoff(key));
    else {
      this.failures.delete(key);
      if (outcome?.requeueAfterMs !== undefined) this.addAfter(key, outcome.requeueAfterMs);
    }
    if (this.again.delete(key)) this.add(key);
    this.pump();
  }
}
