import type { IWatchRequest, IWatchResponse } from 'etcd3';
import type { EtcdCodec } from './etcd-codec.js';
import type { StoredObject, Watch, WatchEvent } from './storage.js';
import { expired, internal, isStorageError, type StorageError, watchOverflow } from './storage-error.js';

/** The parts of an etcd gRPC watch stream (a grpc-js duplex stream) that a watch uses. */
export interface WatchStream {
  write(request: IWatchRequest): void;
  end(): void;
  cancel(): void;
  pause(): void;
  resume(): void;
  on(event: 'data', listener: (response: IWatchResponse) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'end', listener: () => void): this;
}

/** What a watch needs from the store that started it. */
export interface WatchSource {
  readonly codec: EtcdCodec;
  /** The etcd range of the watched prefix. */
  readonly range: { readonly key: Buffer; readonly range_end: Buffer };
  /** The next page of the initial state at `snapshot`, strictly after storage key `afterKey`. Throws StorageErrors. */
  readPage(snapshot: number, afterKey: string): Promise<{ readonly items: readonly StoredObject[]; readonly more: boolean }>;
  /** A new gRPC watch stream of its own. */
  openStream(): Promise<WatchStream>;
  /** Called once when the watch ends, however it ends. */
  onEnd(watch: EtcdWatch): void;
}

export interface WatchStart {
  /** The synthetic ADDED events to send first: the state at `snapshot`, whose first page is `items`. */
  readonly initial?: {
    readonly snapshot: number;
    readonly items: readonly StoredObject[];
    readonly more: boolean;
    /** Close the initial events with a BOOKMARK at the snapshot marked `initialEventsEnd` (WatchList). */
    readonly endBookmark: boolean;
  };
  /** Stream every change with a revision above this one (the snapshot, when there is one). */
  readonly after: number;
}

interface Waiter {
  resolve(result: IteratorResult<WatchEvent>): void;
  reject(err: unknown): void;
}

interface Queued {
  readonly event: WatchEvent;
  /** Happened after the watch caught up: counts against the buffer. */
  readonly live: boolean;
}

const DONE: IteratorResult<WatchEvent> = { value: undefined, done: true };
/** How often an unanswered progress request is sent again: etcd ignores one while the watcher is catching up. */
const PROGRESS_RETRY_MS = 100;

/**
 * One storage watch = one etcd watch on a gRPC stream of its own, read into a bounded queue.
 *
 * Order of a watch: the initial state (pages read only when the consumer has drained the queue), the end bookmark,
 * then the changes after `after`, from an etcd watch with prev_kv. The revision in etcd's "created" response splits that stream:
 * events up to it are history the watch is catching up on, delivered with back-pressure (the stream is paused while
 * the queue is full, as sqlite pulls history page by page); later events are live, and a consumer that lets
 * `capacity` of them pile up is dropped with WatchOverflow rather than making etcd buffer for it.
 *
 * `requestProgress()` sends etcd a progress request on this stream. etcd answers with its current revision once every
 * event up to it has been sent on the stream, so the BOOKMARK lands behind every pending event. etcd drops the request
 * while the watcher is not synced, so it is sent again until answered. Answers carry no request id: a late answer to
 * an earlier request can answer a newer one with a slightly older revision, which is still a true bookmark.
 */
export class EtcdWatch implements Watch {
  private queue: Queued[] = [];
  private head = 0;
  private liveQueued = 0;
  private readonly waiters: Waiter[] = [];
  private failure: StorageError | undefined;
  private ended = false;
  /** Position in the initial state while more pages remain to be read. */
  private initial: { readonly snapshot: number; afterKey: string; reading: boolean } | undefined;
  private stream: WatchStream | undefined;
  /** etcd's revision when the stream's watcher was created; undefined until then. */
  private createdAt: number | undefined;
  private live = false;
  private paused = false;
  private progressWanted = false;
  private progressTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: WatchSource,
    readonly prefix: string,
    private readonly capacity: number,
    private readonly start: WatchStart,
  ) {
    const initial = start.initial;
    if (initial === undefined) {
      this.openStream();
      return;
    }
    this.initial = { snapshot: initial.snapshot, afterKey: '', reading: false };
    this.addInitialPage(initial.items, initial.more);
  }

  next(): Promise<IteratorResult<WatchEvent>> {
    if (this.head < this.queue.length) return Promise.resolve({ value: this.shift(), done: false });
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve(DONE);
    const pending = new Promise<IteratorResult<WatchEvent>>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.initial !== undefined && !this.initial.reading) void this.readInitialPage(this.initial);
    return pending;
  }

  requestProgress(): void {
    if (this.ended || this.progressWanted) return;
    this.progressWanted = true;
    this.sendProgressRequest(); // before the stream exists, it is sent once the stream opens
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

  private async readInitialPage(initial: NonNullable<EtcdWatch['initial']>): Promise<void> {
    initial.reading = true;
    try {
      const page = await this.source.readPage(initial.snapshot, initial.afterKey);
      if (this.ended) return;
      initial.reading = false;
      this.addInitialPage(page.items, page.more);
    } catch (err) {
      this.fail(isStorageError(err) ? err : internal('reading the initial state of a watch failed', err));
    }
  }

  private addInitialPage(items: readonly StoredObject[], more: boolean): void {
    for (const object of items) this.enqueue({ type: 'ADDED', resourceVersion: object.resourceVersion, object }, false);
    const last = items[items.length - 1];
    if (more && last !== undefined && this.initial !== undefined) {
      this.initial.afterKey = last.key;
      if (this.waiters.length > 0) void this.readInitialPage(this.initial);
      return;
    }
    this.initial = undefined;
    const initial = this.start.initial;
    if (initial?.endBookmark) this.enqueue({ type: 'BOOKMARK', resourceVersion: String(initial.snapshot), initialEventsEnd: true }, false);
    this.openStream();
  }

  private openStream(): void {
    this.source.openStream().then(
      (stream) => {
        if (this.ended) return closeStream(stream);
        this.stream = stream;
        stream.on('data', (response) => this.receive(response));
        stream.on('error', (err) => this.fail(internal(`etcd watch of ${this.prefix} failed: ${err.message}`, err)));
        stream.on('end', () => this.fail(internal(`etcd ended the watch of ${this.prefix}`, undefined)));
        const { key, range_end } = this.source.range;
        // From `after` itself, not after + 1: etcd answers a progress request only once its revision has reached
        // the watcher's start revision, so a watch from after + 1 could wait for a bookmark until the next write.
        // The changes at `after` are already known to the consumer and are dropped in receive().
        stream.write({ create_request: { key, range_end, start_revision: Math.max(1, this.start.after), prev_kv: true } });
        if (this.progressWanted) this.sendProgressRequest();
      },
      (err: unknown) => this.fail(internal(`opening an etcd watch of ${this.prefix} failed`, err)),
    );
  }

  private receive(response: IWatchResponse): void {
    if (this.ended) return;
    const revision = Number(response.header.revision);
    if (response.canceled) {
      const compacted = Number(response.compact_revision);
      if (compacted > 0) return this.fail(expired(this.start.after, compacted));
      return this.fail(internal(`etcd canceled the watch of ${this.prefix}: ${response.cancel_reason || 'no reason given'}`, undefined));
    }
    if (response.created) {
      this.createdAt = revision;
      if (revision <= this.start.after) this.live = true; // nothing to catch up on
      return;
    }
    if (response.events.length === 0) return this.progress(revision);
    for (const raw of response.events) {
      if (Number(raw.kv.mod_revision) <= this.start.after) continue;
      let event: WatchEvent;
      try {
        event = this.source.codec.event(raw);
      } catch (err) {
        return this.fail(isStorageError(err) ? err : internal('decoding an etcd watch event failed', err));
      }
      const live = this.createdAt !== undefined && Number(event.resourceVersion) > this.createdAt;
      if (live) {
        this.live = true;
        if (this.liveQueued >= this.capacity) return this.fail(watchOverflow(this.prefix, this.capacity));
      }
      this.enqueue(event, live);
    }
    if (!this.live && this.queued() >= this.capacity && this.stream !== undefined) {
      this.paused = true;
      this.stream.pause();
    }
  }

  /** A progress response: every change up to `revision` has been received. */
  private progress(revision: number): void {
    this.live = true;
    if (!this.progressWanted) return;
    this.progressWanted = false;
    clearInterval(this.progressTimer);
    this.progressTimer = undefined;
    this.enqueue({ type: 'BOOKMARK', resourceVersion: String(revision) }, false);
  }

  private sendProgressRequest(): void {
    const stream = this.stream;
    if (stream === undefined || this.ended) return;
    stream.write({ progress_request: {} });
    this.progressTimer ??= setInterval(() => {
      if (this.progressWanted && !this.paused && !this.ended) stream.write({ progress_request: {} });
    }, PROGRESS_RETRY_MS);
    this.progressTimer.unref();
  }

  private enqueue(event: WatchEvent, live: boolean): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) return waiter.resolve({ value: event, done: false });
    this.queue.push({ event, live });
    if (live) this.liveQueued++;
  }

  private queued(): number {
    return this.queue.length - this.head;
  }

  private shift(): WatchEvent {
    const entry = this.queue[this.head++] as Queued;
    if (entry.live) this.liveQueued--;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.paused && this.queued() <= this.capacity >> 1) {
      this.paused = false;
      this.stream?.resume();
    }
    return entry.event;
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
    this.liveQueued = 0;
    this.initial = undefined;
    clearInterval(this.progressTimer);
    this.progressTimer = undefined;
    if (this.stream !== undefined) closeStream(this.stream);
    this.stream = undefined;
    this.source.onEnd(this);
  }
}

/**
 * Half-closes, then cancels. The order matters: the etcd3 client counts an error on a stream that is still writable
 * against the connection (a cancelled call is "recoverable" to it, so it would reset the channel), and ending first
 * makes the stream unwritable before the cancellation error arrives.
 */
function closeStream(stream: WatchStream): void {
  stream.end();
  stream.cancel();
}
