import Database from 'better-sqlite3';
import { StorageError } from './storage-error.js';

/**
 * Opening a Herd sqlite database: pragmas, schema, and the revision state kept in it.
 *
 * Durability. The database runs in WAL mode. `synchronous=NORMAL` (the default here) means a commit has reached
 * the WAL file through `write(2)` before the call returns, but is fsynced only at checkpoints. That survives the
 * process dying at any point — `kill -9`, OOM kill, a crash — because the data is in the kernel's page cache and
 * sqlite recovers the WAL on the next open; it can lose the last transactions only if the machine itself loses
 * power or the kernel crashes. Surviving a process crash is Herd's stated requirement for the embedded backend
 * (one replica; use etcd for more), so NORMAL is the default and avoids an fsync per write. `synchronous: 'FULL'`
 * fsyncs the WAL on every commit for those who also want power-loss durability.
 *
 * Exclusive locking. The store keeps its current revision in memory, so exactly one process may write the file.
 * `locking_mode=EXCLUSIVE`, set before WAL is enabled, takes the file lock at open and holds it until close (the
 * kernel releases it if the process dies); a second Herd opening the same file fails at once instead of
 * corrupting the revision sequence. It also means the WAL index lives in process memory rather than a `-shm` file.
 *
 * Tables:
 * - `objects`: the current state, one row per key. The primary-key index on `key` serves prefix range scans;
 *   `name`, `namespace` and `labels` are copied out of the JSON so reads and filters need not parse it.
 * - `events`: the event log, one row per write, keyed by revision. It is both the watch window (replay after a
 *   reconnect or a restart) and the history behind consistent pagination: `prev_*` holds the object as it was
 *   before the write, i.e. the state at any snapshot older than the write.
 * - `meta`: `compacted_revision` (no list or watch may start below it) and the schema version.
 */

const SCHEMA_VERSION = 1;

/** Stored event kinds (the `events.type` column). */
export const EventKind = { ADDED: 0, MODIFIED: 1, DELETED: 2 } as const;

const DDL = `
CREATE TABLE IF NOT EXISTS objects (
  key       TEXT PRIMARY KEY,
  rv        INTEGER NOT NULL,
  name      TEXT NOT NULL,
  namespace TEXT NOT NULL,
  labels    TEXT NOT NULL,
  json      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  rv          INTEGER PRIMARY KEY,
  key         TEXT NOT NULL,
  type        INTEGER NOT NULL,
  name        TEXT NOT NULL,
  namespace   TEXT NOT NULL,
  labels      TEXT NOT NULL,
  json        TEXT NOT NULL,
  prev_rv     INTEGER,
  prev_labels TEXT,
  prev_json   TEXT
);
CREATE TABLE IF NOT EXISTS meta (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

export type Synchronous = 'NORMAL' | 'FULL';

export interface OpenedDatabase {
  readonly db: Database.Database;
  /** The newest revision written; 1 for a new database. */
  readonly revision: number;
  readonly compactedRevision: number;
}

/**
 * Opens (creating if needed) the database at `path` (":memory:" for a private in-memory one). A new database
 * starts at revision 1 with nothing compacted below it, so the first write gets RV 2 and "0" stays special.
 */
export function openDatabase(path: string, synchronous: Synchronous): OpenedDatabase {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -65536'); // up to 64 MiB of pages: lists of large collections stay in memory
    db.exec('BEGIN IMMEDIATE'); // takes the exclusive lock now rather than at the first write
    db.exec(DDL);
    db.prepare(`INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', ?), ('compacted_revision', 1)`).run(SCHEMA_VERSION);
    const version = db.prepare(`SELECT value FROM meta WHERE name = 'schema_version'`).pluck().get() as number;
    if (version !== SCHEMA_VERSION) throw new StorageError('Internal', `${path}: schema version ${version}, this Herd reads ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
    const compactedRevision = db.prepare(`SELECT value FROM meta WHERE name = 'compacted_revision'`).pluck().get() as number;
    const newestEvent = (db.prepare('SELECT max(rv) FROM events').pluck().get() as number | null) ?? 0;
    return { db, revision: Math.max(compactedRevision, newestEvent), compactedRevision };
  } catch (err) {
    db?.close();
    if (err instanceof StorageError) throw err;
    const code = (err as { code?: unknown }).code;
    const why = code === 'SQLITE_BUSY' ? 'the database is in use by another process' : (err as Error).message;
    throw new StorageError('Internal', `cannot open storage ${path}: ${why}`, { cause: err });
  }
}
