import { decodeContinue, encodeContinue } from './continue-token.js';
import { historyBacklog, type BacklogStart, type History } from './history-backlog.js';
import { prefixRange, type KeyRange } from './key-range.js';
import { scanObjectJson, stampResourceVersion, type ScannedObject } from './object-json.js';
import { parseRequestedVersion } from './resource-version.js';
import { EventKind, openDatabase, type Synchronous } from './sqlite-schema.js';
import { prepareStatements, toObjectEvent, toStoredObject, type EventParams, type ObjectRow, type Statements } from './sqlite-statements.js';
import type {
  DeleteOptions,
  GetOptions,
  ListOptions,
  ListResult,
  ObjectEvent,
  Storage,
  StoredObject,
  UpdateOptions,
  Watch,
  WatchOptions,
} from './storage.js';
import {
  closed,
  conflict,
  continueExpired,
  expired,
  internal,
  invalidContinue,
  invalidResourceVersion,
  isStorageError,
  keyExists,
  keyNotFound,
  tooLarge,
} from './storage-error.js';
import { WatchHub } from './watch-hub.js';
import type Database from 'better-sqlite3';

export interface SqliteStorageOptions {
  /** The database file (created if missing), or ":memory:" for a private in-memory store. */
  readonly path: string;
  /** See sqlite-schema.ts: NORMAL survives a process crash, FULL also a power loss. Default NORMAL. */
  readonly synchronous?: Synchronous;
  /** Default `WatchOptions.bufferSize`. */
  readonly watchBufferSize?: number;
}

const DEFAULT_WATCH_BUFFER = 1024;
/** Rows per page when a watcher catches up from history. */
const BACKLOG_PAGE = 512;
/** Events deleted per transaction by `compact`, which yields to the event loop between batches. */
const COMPACT_BATCH = 4096;

/**
 * The embedded backend: one sqlite file, one process (see sqlite-schema.ts for durability and locking).
 *
 * better-sqlite3 is synchronous, and every method here does its reads, checks and writes without yielding, so each
 * call is atomic with respect to every other: a precondition check and the write it guards cannot interleave with
 * another write, a list page is one consistent read, and a watcher's last history page and its attachment to the
 * live feed happen in one step. Each write is a single transaction; once it commits, the change is published to
 * the watch hub exactly once, and the in-memory revision advances.
 */
export class SqliteStorage implements Storage {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly stmts: Statements;
  private readonly inTransaction: (write: () => void) => void;
  private readonly hub: WatchHub;
  private readonly watchBufferSize: number;
  private readonly history: History;
  private revision: number;
  private compacted: number;
  private isClosed = false;

  constructor(options: SqliteStorageOptions) {
    this.path = options.path;
    const opened = openDatabase(options.path, options.synchronous ?? 'NORMAL');
    this.db = opened.db;
    this.revision = opened.revision;
    this.compacted = opened.compactedRevision;
    this.stmts = prepareStatements(this.db);
    this.inTransaction = this.db.transaction((write: () => void) => write());
    this.hub = new WatchHub(this.revision);
    this.watchBufferSize = options.watchBufferSize ?? DEFAULT_WATCH_BUFFER;
    // What a catching-up watcher reads, page by page, outside any operation: so it checks for close itself.
    this.history = {
      snapshotPage: (range, snapshot, afterKey, limit) => {
        if (this.isClosed) throw closed();
        return this.readSnapshot(range, snapshot, afterKey, limit).map(toStoredObject);
      },
      eventsPage: (range, after, limit) => {
        if (this.isClosed) throw closed();
        if (after < this.compacted) throw expired(after, this.compacted);
        return this.stmts.eventsAfter.all({ from: range.start, end: range.end, after, limit }).map(toObjectEvent);
      },
    };
  }

  get(key: string, options: GetOptions = {}): Promise<StoredObject> {
    return this.run('get', () => {
      const requested = parseRequestedVersion(options.resourceVersion);
      if (requested.kind === 'revision' && requested.revision > this.revision) throw tooLarge(requested.revision, this.revision);
      const row = this.stmts.getObject.get(key);
      if (row === undefined) throw keyNotFound(key);
      return toStoredObject(row);
    });
  }

  list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    return this.run('list', () => {
      const range = prefixRange(prefix);
      let snapshot: number;
      let afterKey = '';
      if (options.continue !== undefined && options.continue !== '') {
        if ((options.resourceVersion ?? '0') !== '0' || options.resourceVersionMatch !== undefined) {
          throw invalidContinue('specifying resource version is not allowed when using continue');
        }
        const position = decodeContinue(options.continue);
        if (position.revision > this.revision) throw invalidContinue('its revision is newer than the store');
        if (position.revision < this.compacted) throw continueExpired(position.revision, this.compacted);
        snapshot = position.revision;
        afterKey = prefix + position.after;
      } else {
        snapshot = this.listSnapshot(options);
      }
      const limit = options.limit !== undefined && options.limit > 0 ? options.limit : 0;
      const rows = this.readSnapshot(range, snapshot, afterKey, limit > 0 ? limit + 1 : -1);
      const resourceVersion = String(snapshot);
      const last = rows[limit - 1];
      if (limit === 0 || rows.length <= limit || last === undefined) return { items: rows.map(toStoredObject), resourceVersion };
      rows.length = limit;
      const rest = { from: last.key + '\0', end: range.end };
      const remainingItemCount =
        snapshot === this.revision ? this.stmts.countCurrent.get(rest) : this.stmts.countAt.get({ ...rest, rv: snapshot });
      return {
        items: rows.map(toStoredObject),
        resourceVersion,
        continue: encodeContinue({ revision: snapshot, after: last.key.slice(prefix.length) }),
        ...(remainingItemCount === undefined ? {} : { remainingItemCount }),
      };
    });
  }

  create(key: string, json: string): Promise<StoredObject> {
    return this.run('create', () => {
      const scanned = scanObjectJson(key, json);
      const rv = this.revision + 1;
      const row = objectRow(key, rv, scanned);
      this.inTransaction(() => {
        if (this.stmts.insertObject.run(row).changes === 0) throw keyExists(key);
        this.stmts.insertEvent.run(eventParams(EventKind.ADDED, row));
      });
      const object = toStoredObject(row);
      this.publish(rv, { type: 'ADDED', resourceVersion: object.resourceVersion, object });
      return object;
    });
  }

  update(key: string, json: string, options: UpdateOptions = {}): Promise<StoredObject> {
    return this.run('update', () => {
      const current = this.currentRow(key, options.expectedResourceVersion);
      const scanned = scanObjectJson(key, json);
      if (stampResourceVersion(scanned, String(current.rv)) === current.json) return toStoredObject(current);
      const rv = this.revision + 1;
      const row = objectRow(key, rv, scanned);
      this.inTransaction(() => {
        this.stmts.updateObject.run(row);
        this.stmts.insertEvent.run(eventParams(EventKind.MODIFIED, row, current));
      });
      const object = toStoredObject(row);
      this.publish(rv, { type: 'MODIFIED', resourceVersion: object.resourceVersion, object, prevObject: toStoredObject(current) });
      return object;
    });
  }

  delete(key: string, options: DeleteOptions = {}): Promise<StoredObject> {
    return this.run('delete', () => {
      const current = this.currentRow(key, options.expectedResourceVersion);
      const rv = this.revision + 1;
      const row: ObjectRow = { ...current, rv, json: stampResourceVersion(scanObjectJson(key, current.json), String(rv)) };
      this.inTransaction(() => {
        this.stmts.deleteObject.run(key);
        this.stmts.insertEvent.run(eventParams(EventKind.DELETED, row, current));
      });
      const object = toStoredObject(row);
      this.publish(rv, { type: 'DELETED', resourceVersion: object.resourceVersion, object, prevObject: toStoredObject(current) });
      return object;
    });
  }

  watch(prefix: string, options: WatchOptions = {}): Promise<Watch> {
    return this.run('watch', () => {
      const requested = parseRequestedVersion(options.resourceVersion);
      if (requested.kind === 'revision' && requested.revision > this.revision) throw tooLarge(requested.revision, this.revision);
      let start: BacklogStart | undefined;
      if (options.sendInitialEvents === true) {
        start = { initialSnapshot: this.revision, initialEventsEnd: true, after: this.revision };
      } else if (requested.kind === 'revision') {
        if (requested.revision < this.compacted) throw expired(requested.revision, this.compacted);
        if (requested.revision < this.revision) start = { after: requested.revision };
      } else if (options.sendInitialEvents === undefined) {
        start = { initialSnapshot: this.revision, after: this.revision };
      }
      const capacity = Math.max(1, options.bufferSize ?? this.watchBufferSize);
      // Pages no larger than the buffer: the watcher goes live with less than one page queued, so a buffer smaller
      // than a page does not overflow on the first live event.
      const page = Math.min(BACKLOG_PAGE, capacity);
      const backlog = start === undefined ? undefined : historyBacklog(this.history, prefixRange(prefix), start, page);
      return this.hub.watch(prefix, capacity, backlog);
    });
  }

  currentRevision(): Promise<number> {
    return this.run('currentRevision', () => this.revision);
  }

  compactedRevision(): Promise<number> {
    return this.run('compactedRevision', () => this.compacted);
  }

  async compact(revision: number): Promise<void> {
    const started = await this.run('compact', () => {
      if (!Number.isSafeInteger(revision)) throw invalidResourceVersion(String(revision));
      if (revision <= this.compacted) return false;
      if (revision > this.revision) throw tooLarge(revision, this.revision);
      // Raising the bar first makes the history below it unreachable at once; the rows then go in batches so that
      // a large window never blocks writers for long. Rows a crash leaves behind go with the next compaction.
      this.inTransaction(() => this.stmts.setCompacted.run(revision));
      this.compacted = revision;
      return true;
    });
    let more = started;
    while (more && !this.isClosed) {
      more = await this.run('compact', () => this.stmts.deleteEventsUpTo.run(revision, COMPACT_BATCH).changes === COMPACT_BATCH);
      if (more) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.hub.stopAll();
    this.db.close();
  }

  /** The list snapshot for a request without `continue` (checklist §7). */
  private listSnapshot(options: ListOptions): number {
    const requested = parseRequestedVersion(options.resourceVersion);
    if (options.resourceVersionMatch === 'Exact') {
      if (requested.kind === 'current') {
        throw invalidResourceVersion(options.resourceVersion ?? '', 'resourceVersionMatch=Exact needs a resourceVersion other than 0');
      }
      if (requested.revision < this.compacted) throw expired(requested.revision, this.compacted);
      if (requested.revision > this.revision) throw tooLarge(requested.revision, this.revision);
      return requested.revision;
    }
    if (requested.kind === 'revision' && requested.revision > this.revision) throw tooLarge(requested.revision, this.revision);
    return this.revision;
  }

  /** Rows in `range` at `snapshot`, strictly after `afterKey` ("" = all); `limit` -1 = unlimited. */
  private readSnapshot(range: KeyRange, snapshot: number, afterKey: string, limit: number): ObjectRow[] {
    if (snapshot < this.compacted) throw expired(snapshot, this.compacted);
    const params = { from: afterKey === '' ? range.start : afterKey + '\0', end: range.end, limit };
    return snapshot === this.revision ? this.stmts.listCurrent.all(params) : this.stmts.listAt.all({ ...params, rv: snapshot });
  }

  private currentRow(key: string, expectedResourceVersion: string | undefined): ObjectRow {
    const row = this.stmts.getObject.get(key);
    if (row === undefined) throw keyNotFound(key);
    if (expectedResourceVersion !== undefined && expectedResourceVersion !== String(row.rv)) {
      throw conflict(key, expectedResourceVersion, String(row.rv));
    }
    return row;
  }

  private publish(revision: number, event: ObjectEvent): void {
    this.revision = revision;
    this.hub.publish(revision, event);
  }

  /**
   * Runs one operation synchronously: refused once closed, and any failure that is not already a StorageError
   * (an I/O error, a full disk) is reported as Internal.
   */
  private run<T>(operation: string, body: () => T): Promise<T> {
    try {
      if (this.isClosed) throw closed();
      return Promise.resolve(body());
    } catch (err) {
      return Promise.reject(isStorageError(err) ? err : internal(`sqlite ${operation} failed: ${(err as Error).message}`, err));
    }
  }
}

function objectRow(key: string, rv: number, scanned: ScannedObject): ObjectRow {
  const { name, namespace, labels } = scanned;
  return { key, rv, name, namespace, labels, json: stampResourceVersion(scanned, String(rv)) };
}

function eventParams(type: number, row: ObjectRow, prev?: ObjectRow): EventParams {
  return {
    rv: row.rv,
    key: row.key,
    type,
    name: row.name,
    namespace: row.namespace,
    labels: row.labels,
    json: row.json,
    prev_rv: prev?.rv ?? null,
    prev_labels: prev?.labels ?? null,
    prev_json: prev?.json ?? null,
  };
}
