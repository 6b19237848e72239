import type { KeyRange } from './key-range.js';
import type { ObjectEvent, StoredObject, WatchEvent } from './storage.js';
import type { Backlog } from './watcher.js';

/** Synchronous reads of a backend's history, as a local database (sqlite) can serve them. */
export interface History {
  /** Objects in `range` at `snapshot`, in key order, strictly after `afterKey` ("" = from the start). Expired if compacted. */
  snapshotPage(range: KeyRange, snapshot: number, afterKey: string, limit: number): readonly StoredObject[];
  /** Changes in `range` with revision > `after`, in revision order. Expired if `after` is compacted. */
  eventsPage(range: KeyRange, after: number, limit: number): readonly ObjectEvent[];
}

export interface BacklogStart {
  /** Send a synthetic ADDED for every object at this snapshot first (watch from unset/"0", or sendInitialEvents). */
  readonly initialSnapshot?: number;
  /** Close the initial events with a BOOKMARK at the snapshot marked `initialEventsEnd` (sendInitialEvents). */
  readonly initialEventsEnd?: boolean;
  /** Replay changes with revision > this one (the snapshot, when there is one). */
  readonly after: number;
}

/**
 * The backlog of a watcher catching up from history: the initial state page by page, its end bookmark, then the
 * log after the start revision page by page. A page shorter than `pageSize` has reached the newest write, so it
 * reports `caughtUp` and the watcher goes live in the same synchronous step.
 */
export function historyBacklog(history: History, range: KeyRange, start: BacklogStart, pageSize: number): Backlog {
  let initial = start.initialSnapshot !== undefined;
  let afterKey = '';
  let after = start.after;
  return () => {
    const events: WatchEvent[] = [];
    if (initial) {
      const snapshot = start.initialSnapshot as number;
      const items = history.snapshotPage(range, snapshot, afterKey, pageSize);
      for (const object of items) events.push({ type: 'ADDED', resourceVersion: object.resourceVersion, object });
      const last = items[items.length - 1];
      if (items.length === pageSize && last !== undefined) {
        afterKey = last.key;
        return { events, caughtUp: false };
      }
      initial = false;
      if (start.initialEventsEnd) events.push({ type: 'BOOKMARK', resourceVersion: String(snapshot), initialEventsEnd: true });
    }
    const changes = history.eventsPage(range, after, pageSize);
    for (const event of changes) events.push(event);
    const last = changes[changes.length - 1];
    if (last !== undefined) after = Number(last.resourceVersion);
    return { events, caughtUp: changes.length < pageSize };
  };
}
