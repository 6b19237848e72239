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

/**
 * Starts a watch of the view. Resuming from a token replays the window's events after it; a token the cache cannot
 * serve (too old, or from a cache since restarted) returns the 410 Status to send instead. Selectors apply as the
 * watch cache applies them: an object that starts matching is ADDED, one that stops matching is DELETED.
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
    while (queue.length > 0 && !ended) {
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

  const deliver = (event: ViewEvent) => {
    const now = matches(event.entry);
    if (event.type === 'ADDED') {
      if (now) enqueue(encodeEntry('ADDED', event.entry, event));
    } else if (event.type === 'DELETED') {
      if (now) enqueue(encodeEntry('DELETED', event.entry, event));
    } else {
      const before = event.prev ? matches(event.prev) : now;
      if (now) enqueue(encodeEntry(before ? 'MODIFIED' : 'ADDED', event.entry, before ? event : undefined));
      else if (before && event.prev) enqueue(encodeEntry('DELETED', { ...event.prev, token: event.token }));
    }
  };

  let timeout: NodeJS.Timeout | undefined;
  let bookmarks: NodeJS.Timeout | undefined;
  const watcher: ViewWatcher = {
    deliver,
    close(reason) {
      if (reason) enqueue(eventLine('ERROR', JSON.stringify(newInternalError(reason).status)));
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
    clearTimeout(timeout);
    clearInterval(bookmarks);
    resource.unwatch(watcher);
    o.sink.end();
    o.onEnd?.();
  };

  const rv = o.resourceVersion;
  if (rv !== '' && rv !== '0') {
    const token = parseViewToken(rv);
    const replay = token.epoch === resource.epoch ? resource.watchFrom(watcher, token.seq) : undefined;
    if (!replay) return newResourceExpired(`too old resource version: ${rv} (${resource.currentToken()})`).status;
    for (const e of replay) deliver(e);
  } else {
    resource.watchNow(watcher);
    for (const e of resource.sorted()) if (matches(e)) enqueue(encodeEntry('INITIAL', e));
  }
  if (o.sendInitialEvents) enqueue(eventLine('BOOKMARK', encodeBookmark(resource, encoding, resource.currentToken(), true)));

  timeout = setTimeout(finish, o.timeoutMs);
  if (o.allowBookmarks) {
    bookmarks = setInterval(() => enqueue(eventLine('BOOKMARK', encodeBookmark(resource, encoding, resource.currentToken(), false))), o.bookmarkIntervalMs ?? 60_000);
    bookmarks.unref();
  }
  return { stop: finish };
}
