import { newInternalError, newResourceExpired, type Status } from '../apimachinery/status-error.js';
import type { MergedResource, ViewEntry, ViewEvent, ViewEventType, ViewWatcher } from './merged-resource.js';
import { encodeBookmark, encodeObject, type ViewEncoding } from './view-presenter.js';
import { scopeMatcher, type ViewScope } from './view-scope.js';
import { parseViewToken } from './view-token.js';

/** Where a watch writes: a response stream. */
export interface WatchSink {
  /** False when the stream's buffer is full: wait for `drain`. */
  write(text: string): boolean;
  onceDrain(listener: () => void): void;
  end(): void;
}

export interface ViewWatchOptions {
  readonly resource: MergedResource;
  readonly scope: ViewScope;
  readonly encoding: ViewEncoding;
  /** '' or '0': start with the current objects (ADDED); a token: resume after it. */
  readonly resourceVersion: string;
  readonly sendInitialEvents: boolean;
  readonly allowBookmarks: boolean;
  readonly timeoutMs: number;
  readonly bookmarkIntervalMs?: number;
  readonly sink: WatchSink;
  /** Called once when the watch ends, however it ends. */
  readonly onEnd?: () => void;
}

/** A watcher that has fallen this far behind is ended (it re-watches from where it was), as upstream drops slow watchers. */
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;
const WRITE_BATCH_BYTES = 256 * 1024;

/** Lines shared by every watcher of one encoding: an event is encoded once per form, whoever watches. */
const encodedLines = new WeakMap<ViewEvent, Map<string, string>>();

function sharedLine(event: ViewEvent, key: string, encode: () => string): string {
  let byKey = encodedLines.get(event);
  if (!byKey) encodedLines.set(event, (byKey = new Map()));
  let line = byKey.get(key);
  if (line === undefined) byKey.set(key, (line = encode()));
  return line;
}

const eventLine = (type: string, object: string) => `{"type":"${type}","object":${object}}\n`;

/** The entry before a change, stamped with the change's token: what a watcher it stops matching gets as DELETED. */
function asOf(prev: ViewEntry, token: string): ViewEntry {
  const object = JSON.parse(prev.json) as { metadata: { resourceVersion?: string } };
  object.metadata.resourceVersion = token;
  return { ...prev, token, json: JSON.stringify(object) };
}

/**
 * Starts a watch of the view. Resuming from a token replays the window's events after it; a token the cache cannot
 * serve (too old, or from a cache since restarted) returns the 410 Status to send instead. Selectors apply as the
 * watch cache applies them: an object that starts matching is ADDED, one that stops matching is DELETED. The current
 * objects a watch starts with are encoded as the sink takes them, so a slow client never holds them all queued.
 */
export function startViewWatch(o: ViewWatchOptions): { readonly stop: () => void } | Status {
  const { resource, encoding } = o;
  const matches = scopeMatcher(resource, o.scope);
  const formatKey = `${encoding.target.as ?? 'json'}/${encoding.includeObject}`;
  const queue: string[] = [];
  let queuedBytes = 0;
  let writing = false;
  let ended = false;
  let columnsSent = false;
  /** The current objects still to send as ADDED, when the watch starts with them. */
  let initial: Iterator<ViewEntry> | undefined;
  /** What follows the initial objects: the initial-events-end bookmark, when asked for. */
  let initialEnd: string | undefined;
  /** Events that came while the initial objects were going out; delivered after them. */
  let held: ViewEvent[] = [];

  const encodeEntry = (type: ViewEventType | 'INITIAL', entry: ViewEntry, event?: ViewEvent): string => {
    const wireType = type === 'INITIAL' ? 'ADDED' : type;
    if (encoding.target.as === 'Table' && !columnsSent) {
      columnsSent = true;
      return eventLine(wireType, encodeObject(resource, entry, encoding, Date.now(), true, event?.token ?? entry.token));
    }
    if (event && entry === event.entry) return sharedLine(event, `${formatKey}/${wireType}`, () => eventLine(wireType, encodeObject(resource, entry, encoding, Date.now(), false, event.token)));
    return eventLine(wireType, encodeObject(resource, entry, encoding, Date.now(), false, entry.token));
  };

  const enqueue = (line: string) => {
    if (ended) return;
    queue.push(line);
    queuedBytes += line.length;
    if (queuedBytes > MAX_QUEUED_BYTES) {
      finish();
      return;
    }
    if (!writing) pump();
  };

  const pump = () => {
    writing = true;
    while (!ended) {
      if (queue.length === 0 && initial) nextInitial();
      if (queue.length === 0) break;
      let batch = '';
      while (queue.length > 0 && batch.length < WRITE_BATCH_BYTES) batch += queue.shift()!;
      queuedBytes -= batch.length;
      if (!o.sink.write(batch)) {
        o.sink.onceDrain(pump);
        return;
      }
    }
    writing = false;
  };

  /** Encodes the next batch of initial objects; after the last, the initial-events-end bookmark and the held events. */
  const nextInitial = () => {
    let bytes = 0;
    while (initial && !ended && bytes < WRITE_BATCH_BYTES) {
      const next = initial.next();
      if (next.done) {
        initial = undefined;
        if (initialEnd) enqueue(initialEnd);
        const later = held;
        held = [];
        for (const e of later) {
          queuedBytes -= e.entry.json.length;
          deliver(e);
        }
      } else if (matches(next.value)) {
        const line = encodeEntry('INITIAL', next.value);
        bytes += line.length;
        enqueue(line);
      }
    }
  };

  const deliver = (event: ViewEvent) => {
    if (initial) {
      held.push(event);
      queuedBytes += event.entry.json.length;
      if (queuedBytes > MAX_QUEUED_BYTES) finish();
      return;
    }
    const now = matches(event.entry);
    if (event.type === 'ADDED') {
      if (now) enqueue(encodeEntry('ADDED', event.entry, event));
    } else if (event.type === 'DELETED') {
      if (now) enqueue(encodeEntry('DELETED', event.entry, event));
    } else {
      const before = event.prev ? matches(event.prev) : now;
      if (now) enqueue(encodeEntry(before ? 'MODIFIED' : 'ADDED', event.entry, before ? event : undefined));
      else if (before && event.prev) enqueue(encodeEntry('DELETED', asOf(event.prev, event.token)));
    }
  };

  let timeout: NodeJS.Timeout | undefined;
  let bookmarks: NodeJS.Timeout | undefined;
  const watcher: ViewWatcher = {
    deliver,
    close(reason) {
      if (reason && !ended) {
        // Straight to the queue: the end goes out now, not after initial objects still unsent.
        const line = eventLine('ERROR', JSON.stringify(newInternalError(reason).status));
        queue.push(line);
        queuedBytes += line.length;
      }
      finish();
    },
  };
  const finish = () => {
    if (ended) return;
    // Let what is queued go out before the end (an ERROR event, say).
    if (queue.length > 0 && queuedBytes <= MAX_QUEUED_BYTES) {
      const rest = queue.join('');
      queue.length = 0;
      o.sink.write(rest);
    }
    ended = true;
    initial = undefined;
    held = [];
    clearTimeout(timeout);
    clearInterval(bookmarks);
    resource.unwatch(watcher);
    o.sink.end();
    o.onEnd?.();
  };

  const rv = o.resourceVersion;
  if (rv !== '' && rv !== '0' && !o.sendInitialEvents) {
    const token = parseViewToken(rv);
    const replay = token.epoch === resource.epoch ? resource.watchFrom(watcher, token.seq) : undefined;
    if (!replay) return newResourceExpired(`too old resource version: ${rv} (${resource.currentToken()})`).status;
    for (const e of replay) deliver(e);
  } else {
    // A WatchList names its resourceVersion as a lower bound (NotOlderThan), which the cache is past: it starts, as
    // '' and '0' do, with every current object.
    if (rv !== '' && rv !== '0') parseViewToken(rv);
    resource.watchNow(watcher);
    // As kube-apiserver: the initial-events-end bookmark only for a watch that allowed bookmarks.
    if (o.sendInitialEvents && o.allowBookmarks) initialEnd = eventLine('BOOKMARK', encodeBookmark(resource, encoding, resource.currentToken(), true));
    initial = [...resource.sorted()][Symbol.iterator]();
    pump();
  }
  if (ended) return { stop: finish };

  timeout = setTimeout(finish, o.timeoutMs);
  if (o.allowBookmarks) {
    // Not while initial objects are still going out: a bookmark then would skip the events held behind them.
    bookmarks = setInterval(() => {
      if (!initial) enqueue(eventLine('BOOKMARK', encodeBookmark(resource, encoding, resource.currentToken(), false)));
    }, o.bookmarkIntervalMs ?? 60_000);
    bookmarks.unref();
  }
  return { stop: finish };
}
