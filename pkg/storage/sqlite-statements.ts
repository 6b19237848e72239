import type Database from 'better-sqlite3';
import { EventKind } from './sqlite-schema.js';
import type { ObjectEvent, StoredObject } from './storage.js';

/**
 * Every statement the sqlite backend runs, prepared once per database, and the mapping from rows to the storage
 * types. Key-range parameters are `from` (inclusive; a continuation passes the last key + "\0", the smallest key
 * after it) and `end` (exclusive, see key-range.ts), so each query has a single range constraint on the key index.
 */

export interface ObjectRow {
  readonly key: string;
  readonly rv: number;
  readonly name: string;
  readonly namespace: string;
  readonly labels: string;
  readonly json: string;
}

export interface EventRow extends ObjectRow {
  readonly type: number;
  readonly prev_rv: number | null;
  readonly prev_labels: string | null;
  readonly prev_json: string | null;
}

export interface RangeParams {
  readonly from: string;
  readonly end: string;
}

export interface PageParams extends RangeParams {
  /** Rows to return; -1 for all. */
  readonly limit: number;
}

export interface EventParams {
  readonly rv: number;
  readonly key: string;
  readonly type: number;
  readonly name: string;
  readonly namespace: string;
  readonly labels: string;
  readonly json: string;
  readonly prev_rv: number | null;
  readonly prev_labels: string | null;
  readonly prev_json: string | null;
}

const OBJECT_COLUMNS = 'key, rv, name, namespace, labels, json';

/**
 * The state at snapshot `rv` of every key in the range: rows not written since (`rv <= @rv`), merged in key order
 * with, for each key written since, the object as it was before its first later write (`prev_*` of that event;
 * nothing if that write created it). `+key` keeps sqlite scanning the log by revision — the cost is the number of
 * writes since the snapshot, not the size of the prefix.
 */
const AT_SNAPSHOT = `
  SELECT ${OBJECT_COLUMNS} FROM objects WHERE key >= @from AND key < @end AND rv <= @rv
  UNION ALL
  SELECT e.key, e.prev_rv, e.name, e.namespace, e.prev_labels, e.prev_json
    FROM (SELECT min(rv) AS first FROM events WHERE rv > @rv AND +key >= @from AND +key < @end GROUP BY key) AS f
    JOIN events AS e ON e.rv = f.first
   WHERE e.type <> ${EventKind.ADDED}`;

/**
 * How many keys in the range existed at snapshot `rv`, without reading object rows: the keys there now (from the
 * key index alone), plus, for each key written since, one if it existed at the snapshot (its first later write did
 * not create it) and minus one if it exists now (its last write did not delete it).
 */
const COUNT_AT_SNAPSHOT = `
  SELECT (SELECT count(*) FROM objects WHERE key >= @from AND key < @end)
       + (SELECT coalesce(sum((f.type <> ${EventKind.ADDED}) - (l.type <> ${EventKind.DELETED})), 0)
            FROM (SELECT min(rv) AS first, max(rv) AS last FROM events
                   WHERE rv > @rv AND +key >= @from AND +key < @end GROUP BY key) AS k
            JOIN events AS f ON f.rv = k.first
            JOIN events AS l ON l.rv = k.last)`;

export function prepareStatements(db: Database.Database) {
  return {
    getObject: db.prepare<[string], ObjectRow>(`SELECT ${OBJECT_COLUMNS} FROM objects WHERE key = ?`),
    insertObject: db.prepare<[ObjectRow]>(
      `INSERT INTO objects (${OBJECT_COLUMNS}) VALUES (@key, @rv, @name, @namespace, @labels, @json) ON CONFLICT (key) DO NOTHING`,
    ),
    updateObject: db.prepare<[ObjectRow]>(
      'UPDATE objects SET rv = @rv, name = @name, namespace = @namespace, labels = @labels, json = @json WHERE key = @key',
    ),
    deleteObject: db.prepare<[string]>('DELETE FROM objects WHERE key = ?'),
    insertEvent: db.prepare<[EventParams]>(
      `INSERT INTO events (rv, key, type, name, namespace, labels, json, prev_rv, prev_labels, prev_json)
       VALUES (@rv, @key, @type, @name, @namespace, @labels, @json, @prev_rv, @prev_labels, @prev_json)`,
    ),
    listCurrent: db.prepare<[PageParams], ObjectRow>(
      `SELECT ${OBJECT_COLUMNS} FROM objects WHERE key >= @from AND key < @end ORDER BY key LIMIT @limit`,
    ),
    countCurrent: db.prepare<[RangeParams], number>('SELECT count(*) FROM objects WHERE key >= @from AND key < @end').pluck(),
    listAt: db.prepare<[PageParams & { rv: number }], ObjectRow>(`${AT_SNAPSHOT} ORDER BY key LIMIT @limit`),
    countAt: db.prepare<[RangeParams & { rv: number }], number>(COUNT_AT_SNAPSHOT).pluck(),
    eventsAfter: db.prepare<[PageParams & { after: number }], EventRow>(
      `SELECT rv, key, type, name, namespace, labels, json, prev_rv, prev_labels, prev_json FROM events
        WHERE rv > @after AND +key >= @from AND +key < @end ORDER BY rv LIMIT @limit`,
    ),
    setCompacted: db.prepare<[number]>(`UPDATE meta SET value = ? WHERE name = 'compacted_revision'`),
    deleteEventsUpTo: db.prepare<[number, number]>(
      'DELETE FROM events WHERE rv IN (SELECT rv FROM events WHERE rv <= ? ORDER BY rv LIMIT ?)',
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

export function toStoredObject(row: ObjectRow): StoredObject {
  return {
    key: row.key,
    json: row.json,
    resourceVersion: String(row.rv),
    name: row.name,
    namespace: row.namespace,
    labels: row.labels,
  };
}

export function toObjectEvent(row: EventRow): ObjectEvent {
  const object = toStoredObject(row);
  if (row.type === EventKind.ADDED) return { type: 'ADDED', resourceVersion: object.resourceVersion, object };
  const prevObject: StoredObject = {
    key: row.key,
    json: row.prev_json as string,
    resourceVersion: String(row.prev_rv),
    name: row.name,
    namespace: row.namespace,
    labels: row.prev_labels as string,
  };
  const type = row.type === EventKind.MODIFIED ? 'MODIFIED' : 'DELETED';
  return { type, resourceVersion: object.resourceVersion, object, prevObject };
}
