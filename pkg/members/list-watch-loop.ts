/** The steps of an informer: list when it has no position, then follow a watch from it. */
export interface ListWatchSteps {
  readonly signal: AbortSignal;
  /** True when the informer has a position to watch from (no list needed first). */
  positioned(): boolean;
  list(): Promise<void>;
  /** Follows one watch until it ends; calls `connected` once the member answered, returns how many events came. */
  watch(connected: () => void): Promise<number>;
  /** Handles a failure itself (resolves true) instead of the retry below, e.g. a resource the member does not serve. */
  handle?(err: unknown): Promise<boolean>;
  /** The 1st, 20th, 40th, … failure in a row, to log. */
  log(err: unknown): void;
}

/** Waits `ms`, or less when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => (clearTimeout(t), signal.removeEventListener('abort', done), resolve());
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs an informer until `signal` aborts: list, watch, watch again from where it stopped. A watch that ends at once
 * without an event waits a second (never spin on it); a failure backs off exponentially with jitter, 250 ms to
 * 10 s, and the backoff starts over once a watch connects.
 */
export async function runListWatch(s: ListWatchSteps): Promise<void> {
  let failures = 0;
  while (!s.signal.aborted) {
    try {
      if (!s.positioned()) await s.list();
      const started = Date.now();
      const events = await s.watch(() => (failures = 0));
      if (events === 0 && Date.now() - started < 1_000) await abortableSleep(1_000, s.signal);
    } catch (err) {
      if (s.signal.aborted) return;
      if (s.handle && (await s.handle(err))) continue;
      failures++;
      if (failures === 1 || failures % 20 === 0) s.log(err);
      const delay = Math.min(10_000, 250 * 2 ** Math.min(failures, 6));
      await abortableSleep(delay / 2 + Math.random() * (delay / 2), s.signal);
    }
  }
}
