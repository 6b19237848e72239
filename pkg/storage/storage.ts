/**
 * The storage interface the generic registry sits on. Every backend (sqlite today, etcd for HA) implements it and
 * passes the shared suite in `conformance.ts`.
 *
 * Contracts common to every method:
 * - Objects cross this boundary as JSON text the registry has already encoded (one `JSON.stringify` per write).
 *   A backend never re-serialises an object: reads hand back the stored text, so the API layer can write it to the
 *   response as-is. Writes stamp `metadata.resourceVersion` into the text (only that value changes).
 * - Keys are strings such as `/federation.herd.io/federateddeployments/<namespace>/<name>` (cluster-scoped: no
 *   namespace segment). `list` and `watch` take a key prefix and match keys that start with it, literally: pass a
 *   trailing `/` (`…/ns1/`) so that `ns1` does not also match `ns10`.
 * - A resourceVersion (RV) is the decimal string of one monotonic, store-wide revision (etcd: the mod revision).
 *   Every write advances it by at least one; "0" is never an object's RV.
 * - Failures are `StorageError`s (see storage-error.ts) with a stable code; nothing here knows about HTTP.
 */

/** One stored object as read: the exact stored text plus the metadata a selector needs, without parsing the text. */
export interface StoredObject {
  readonly key: string;
  /** The object's JSON text, with `metadata.resourceVersion` equal to `resourceVersion`. Treat as immutable. */
  readonly json: string;
  readonly resourceVersion: string;
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`, or "" for a cluster-scoped object. */
  readonly namespace: string;
  /** `metadata.labels` as JSON text ("{}" when absent); parse it only when a label selector needs it. */
  readonly labels: string;
  /** `json` already encoded as UTF-8, when a cache holds it that way (responses write it without re-encoding). */
  readonly bytes?: Buffer;
}

export type ResourceVersionMatch = 'NotOlderThan' | 'Exact';

export interface GetOptions {
  /** Unset/""/"0": current. Otherwise the object as of a revision not older than this one (i.e. current). */
  readonly resourceVersion?: string;
}

export interface ListOptions {
  /** Page size; unset or 0 means everything. */
  readonly limit?: number;
  /** Token from a previous page's `continue`. The page is read at that page's snapshot revision. */
  readonly continue?: string;
  /**
   * Unset/""/"0": a snapshot at the current revision. With `resourceVersionMatch: 'Exact'`, the snapshot at exactly
   * that revision (Expired if compacted). Otherwise NotOlderThan: the current revision, which must be at least this
   * one. May not be combined with `continue` (InvalidContinue), except as ""/"0".
   */
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: ResourceVersionMatch;
}

export interface ListResult {
  /** In key order. Never null. */
  readonly items: readonly StoredObject[];
  /** The snapshot revision every page of this list was read at. */
  readonly resourceVersion: string;
  /** Present when more items follow; pass it back as `ListOptions.continue`. */
  readonly continue?: string;
  /** How many items follow this page at the snapshot; set only together with `continue`. */
  readonly remainingItemCount?: number;
  /** Every item's `bytes` joined with commas, when a cache has it ready (shared between responses: never mutate). */
  readonly joined?: Buffer;
}

export interface UpdateOptions {
  /** Fail with Conflict unless the stored object is at exactly this RV. */
  readonly expectedResourceVersion?: string;
}

export type DeleteOptions = UpdateOptions;

export interface WatchOptions {
  /**
   * Where the stream starts (checklist §6.3):
   * - a revision N: every change strictly after N (Expired if N is compacted, ResourceVersionTooLarge if N is in the
   *   future);
   * - unset/""/"0": a synthetic ADDED for every object at the current revision S, then every change after S —
   *   unless `sendInitialEvents` is false, in which case only changes after S ("from now").
   */
  readonly resourceVersion?: string;
  /**
   * WatchList (checklist §6.4): true sends a synthetic ADDED for every object at the current revision S (which must
   * not be older than `resourceVersion`), then a BOOKMARK at S with `initialEventsEnd`, then every change after S.
   * False never sends initial events. Validating the request-parameter combinations is the API layer's job.
   */
  readonly sendInitialEvents?: boolean;
  /** Events the watcher may fall behind live writers before it is dropped with WatchOverflow. */
  readonly bufferSize?: number;
}

export type ObjectEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A change to one object. One instance is shared by every watcher it is delivered to: never mutate it. */
export interface ObjectEvent {
  readonly type: ObjectEventType;
  /** The revision of this change; equals `object.resourceVersion`. */
  readonly resourceVersion: string;
  /**
   * ADDED/MODIFIED: the object as written. DELETED: the last state of the object, re-stamped with the deletion's RV
   * (what kube-apiserver sends in a DELETED event).
   */
  readonly object: StoredObject;
  /**
   * MODIFIED/DELETED: the object as it was before this change, at its own RV. The API layer needs it to turn a
   * change that makes an object stop matching a selector into a DELETED event, as the watch cache does.
   */
  readonly prevObject?: StoredObject;
}

export interface BookmarkEvent {
  readonly type: 'BOOKMARK';
  /** Every change in the watched prefix up to this revision has been delivered before this event. */
  readonly resourceVersion: string;
  /** Set on the bookmark that closes the initial events of a `sendInitialEvents` watch. */
  readonly initialEventsEnd?: boolean;
}

export type WatchEvent = ObjectEvent | BookmarkEvent;

/**
 * A running watch: an async iterator of events in revision order. The iterator throws a StorageError when the watch
 * ends abnormally (Expired when its start fell out of the window while it was catching up, WatchOverflow when it
 * fell too far behind); it finishes normally after `stop()` or when the store closes.
 */
export interface Watch extends AsyncIterableIterator<WatchEvent> {
  /**
   * Asks for a BOOKMARK carrying the newest revision the store has published, queued behind every event up to it.
   * The API layer calls this periodically to send `allowWatchBookmarks` bookmarks (etcd: RequestProgress).
   */
  requestProgress(): void;
  /** Ends the watch and releases its buffer. Idempotent; a pending `next()` resolves as done. */
  stop(): void;
}

export interface Storage {
  /** The object under `key`; KeyNotFound if there is none. */
  get(key: string, options?: GetOptions): Promise<StoredObject>;
  /** Objects whose key starts with `prefix`, in key order, from one snapshot (see `ListOptions`). */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Stores `json` under `key` at a new RV; KeyExists if the key is taken. Returns what was stored. */
  create(key: string, json: string): Promise<StoredObject>;
  /**
   * Replaces the object under `key`; KeyNotFound, or Conflict if `expectedResourceVersion` does not match. If `json`
   * equals what is stored (once stamped with the stored RV), nothing is written and the stored object is returned:
   * a no-op update neither advances the RV nor produces an event, as in kube-apiserver.
   */
  update(key: string, json: string, options?: UpdateOptions): Promise<StoredObject>;
  /** Removes the object under `key` and returns its last state stamped with the deletion's RV. */
  delete(key: string, options?: DeleteOptions): Promise<StoredObject>;
  /** Starts a watch of every key under `prefix` (see `WatchOptions`). Start errors reject this promise. */
  watch(prefix: string, options?: WatchOptions): Promise<Watch>;
  /** The newest revision written; a list with no RV is read at it. */
  currentRevision(): Promise<number>;
  /** The oldest revision that list and watch can still start from. */
  compactedRevision(): Promise<number>;
  /**
   * Forgets history older than `revision`: afterwards list/watch from any RV below it fail with Expired, and from
   * `revision` or later still work. A revision at or below the compacted one is a no-op; one above the current
   * revision is ResourceVersionTooLarge.
   */
  compact(revision: number): Promise<void>;
  /** Ends every watch (normally) and releases the backend. Later calls fail with Internal. Idempotent. */
  close(): Promise<void>;
}
