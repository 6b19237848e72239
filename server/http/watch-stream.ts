import type { FastifyReply } from 'fastify';
import type { Status } from '../../pkg/apimachinery/status-error.js';
import type { ObjectEvent, StoredObject, Watch, WatchEvent } from '../../pkg/storage/storage.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchStreamOptions {
  readonly watch: Watch;
  /** Decides what a storage event becomes for this watcher (selectors): a type and the object to send, or nothing. */
  readonly select: (event: ObjectEvent) => { type: WatchEventType; object: StoredObject } | undefined;
  /** Encodes one event line's object; called once per (object, type) however many watchers share the event. */
  readonly encodeObject: (object: StoredObject, type: WatchEventType) => string;
  /** Names the encoding (`json`, `table`, `metadata`): cached lines are shared only between watchers of one format. */
  readonly format: string;
  /** The object of a BOOKMARK: `{kind, apiVersion, metadata: {resourceVersion, annotations?}}`. */
  readonly bookmark: (resourceVersion: string, initialEventsEnd: boolean) => string;
  readonly allowBookmarks: boolean;
  readonly timeoutSeconds: number;
  readonly bookmarkIntervalMs?: number;
  readonly toStatus: (err: unknown) => Status;
  /** Called when the stream ends, however it ends. */
  readonly onEnd?: () => void;
  /** Ends the stream cleanly (the server is shutting down). */
  readonly signal?: AbortSignal;
}

/**
 * One encoded line per (event, type), shared by every watcher of the process: the storage hands the same event
 * object to all of them, so the JSON envelope is built once.
 */
const encodedLines = new WeakMap<object, Map<string, string>>();

function line(key: object, format: string, type: string, encode: () => string): string {
  let byType = encodedLines.get(key);
  if (!byType) encodedLines.set(key, (byType = new Map()));
  const cacheKey = `${format}/${type}`;
  let text = byType.get(cacheKey);
  if (text === undefined) byType.set(cacheKey, (text = `{"type":"${type}","object":${encode()}}\n`));
  return text;
}

/**
 * Streams a watch as kube-apiserver does: headers flushed at once, one JSON event per line, BOOKMARKs on a timer when
 * asked for, an ERROR event with a Status when the watch fails (410 when it fell out of the window), and a clean end
 * at `timeoutSeconds` or when the client goes away.
 */
export async function streamWatch(reply: FastifyReply, o: WatchStreamOptions): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
  res.flushHeaders?.();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timeout);
    clearInterval(bookmarks);
    o.signal?.removeEventListener('abort', end);
    o.watch.stop();
    if (!res.writableEnded) res.end();
    o.onEnd?.();
  };
  const timeout = setTimeout(end, o.timeoutSeconds * 1000);
  const bookmarks = setInterval(() => o.allowBookmarks && o.watch.requestProgress(), o.bookmarkIntervalMs ?? 60_000);
  bookmarks.unref?.();
  res.on('close', end);
  o.signal?.addEventListener('abort', end, { once: true });
  if (o.signal?.aborted) end();

  const write = async (text: string) => {
    if (ended) return;
    if (!res.write(text)) await new Promise<void>((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
  };
  try {
    for await (const event of o.watch as AsyncIterable<WatchEvent>) {
      if (ended) break;
      if (event.type === 'BOOKMARK') {
        if (o.allowBookmarks) {
          await write(line(event, o.format, 'BOOKMARK', () => o.bookmark(event.resourceVersion, event.initialEventsEnd === true)));
        }
        continue;
      }
      const selected = o.select(event);
      if (!selected) continue;
      const key = selected.object === event.object ? event : selected.object;
      await write(line(key, o.format, selected.type, () => o.encodeObject(selected.object, selected.type)));
    }
  } catch (err) {
    await write(`{"type":"ERROR","object":${JSON.stringify(o.toStatus(err))}}\n`);
  } finally {
    end();
  }
}

/** A watch that cannot start (its resourceVersion is too old): 200 with one ERROR event, as kube-apiserver answers. */
export function streamWatchError(reply: FastifyReply, status: Status): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
  res.end(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
}
