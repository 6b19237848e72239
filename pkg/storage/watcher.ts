import type { BookmarkEvent, Watch, WatchEvent } from './storage.js';
import { isStorageError, StorageError, internal, watchOverflow } from './storage-error.js';

/** What a watcher needs from the hub that feeds it live events. */
export interface LiveFeed {
  attach(watcher: Watcher): void;
  detach(watcher: Watcher): void;
  /** The newest revision published to live watchers. */
  readonly revision: number;
}

/**
 * One page of catch-up events read from a backend's history (initial state, then the event log). `caughtUp` says
 * the page reaches the newest published revision: the watcher then attaches to the live feed in the same
 * synchronous step, so no event can fall between the last page and the first live one, and none can come twice.
 */
export interface BacklogPage {
  readonly events: readonly WatchEvent[];
  readonly caughtUp: boolean;
}

/** Reads the next page. Synchronous on purpose: see `BacklogPage`. Throws a StorageError (e.g. Expired) to fail the watch. */
export type Backlog = () => BacklogPage;

interface Waiter {
  resolve(result: IteratorResult<WatchEvent>): void;
  reject(err: unknown): void;
}

const DONE: IteratorResult<WatchEvent> = { value: undefined, done: true };

/**
 * A watch as its consumer sees it: a bounded queue drained by an async iterator. It is fed first by pulling its
 * backlog (only when the consumer has drained the queue, so catching up from a long history needs one page of
 * memory), then by the live feed pushing events as writes commit. A consumer that lets `capacity` live events pile
 * up is dropped with WatchOverflow rather than slowing writers down.
 */
export class Watcher implements Watch {
  private queue: (WatchEvent | undefined)[] = [];
  private head = 0;
  private readonly waiters: Waiter[] = [];
  private backlog: Backlog | undefined;
  private failure: StorageError | undefined;
  private ended = false;
  private progressRequested = false;

  constructor(
    private readonly feed: LiveFeed,
    readonly prefix: string,
    private readonly capacity: number,
    backlog?: Backlog,
  ) {
    this.backlog = backlog;
    if (backlog === undefined) feed.attach(this);
  }

  /** Called by the live feed for each event under `prefix`, in revision order. */
  deliver(event: WatchEvent): void {
    if (this.ended) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) return waiter.resolve({ value: event, done: false });
    if (this.queue.length - this.head >= this.capacity) return this.fail(watchOverflow(this.prefix, this.capacity));
    this.queue.push(event);
  }

  next(): Promise<IteratorResult<WatchEvent>> {
    for (;;) {
      if (this.head < this.queue.length) return Promise.resolve({ value: this.shift(), done: false });
      if (this.failure !== undefined) {
        const failure = this.failure;
        this.failure = undefined;
        return Promise.reject(failure);
      }
      if (this.ended) return Promise.resolve(DONE);
      if (this.backlog === undefined) return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
      this.pullBacklog(this.backlog);
    }
  }

  requestProgress(): void {
    if (this.ended) return;
    if (this.backlog !== undefined) {
      this.progressRequested = true; // answered once caught up: the newest revision is not reached before that
      return;
    }
    const bookmark: BookmarkEvent = { type: 'BOOKMARK', resourceVersion: String(this.feed.revision) };
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve({ value: bookmark, done: false });
    else if (this.queue.length - this.head < this.capacity) this.queue.push(bookmark); // a full queue has news anyway
  }

  stop(): void {
    if (this.ended) return;
    this.end();
    for (const waiter of this.waiters.splice(0)) waiter.resolve(DONE);
  }

  return(): Promise<IteratorResult<WatchEvent>> {
    this.stop();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private pullBacklog(backlog: Backlog): void {
    let page: BacklogPage;
    try {
      page = backlog();
    } catch (err) {
      return this.fail(isStorageError(err) ? err : internal('reading the watch backlog failed', err));
    }
    if (page.events.length === 0 && !page.caughtUp) return this.fail(internal('watch backlog returned an empty page', undefined));
    for (const event of page.events) this.queue.push(event);
    if (!page.caughtUp) return;
    this.backlog = undefined;
    this.feed.attach(this);
    if (this.progressRequested) {
      this.progressRequested = false;
      this.requestProgress();
    }
  }

  private shift(): WatchEvent {
    const event = this.queue[this.head] as WatchEvent;
    this.queue[this.head++] = undefined;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return event;
  }

  /** Ends the watch with `err`: buffered events are dropped, and the next `next()` rejects once with it. */
  private fail(err: StorageError): void {
    if (this.ended) return;
    this.end();
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.reject(err);
    else this.failure = err;
    for (const other of this.waiters.splice(0)) other.resolve(DONE);
  }

  private end(): void {
    this.ended = true;
    this.queue = [];
    this.head = 0;
    this.backlog = undefined;
    this.feed.detach(this);
  }
}
