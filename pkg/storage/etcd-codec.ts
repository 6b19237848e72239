import type { IEvent, IKeyValue } from 'etcd3';
import { prefixRange } from './key-range.js';
import { scanObjectJson, stampResourceVersion, type ScannedObject } from './object-json.js';
import type { ObjectEvent, StoredObject } from './storage.js';
import { StorageError } from './storage-error.js';

/**
 * How the etcd backend lays objects out in etcd and reads them back.
 *
 * - The etcd key is the storage prefix followed by the storage key (`/herd` + `/federation.herd.io/…/ns/name`).
 *   Storage keys start with "/" (every registry key does), so a key can never run into a sibling prefix such as
 *   `/herd2`; a key that does not is refused.
 * - The value is the object's JSON with `metadata.resourceVersion` set to "": as in kube-apiserver, the stored
 *   bytes never hold a revision (a write learns its revision only when the transaction commits), and every read
 *   stamps the key's mod_revision into the text (object-json.ts splices it in; nothing is re-serialised).
 */
export class EtcdCodec {
  /** The storage prefix without a trailing "/". */
  readonly root: string;

  constructor(prefix: string) {
    this.root = prefix.replace(/\/+$/, '');
  }

  /** The etcd key of a storage key. */
  key(key: string): Buffer {
    if (!key.startsWith('/')) throw new StorageError('Internal', `storage key ${JSON.stringify(key)} does not start with "/"`, { key });
    return Buffer.from(this.root + key);
  }

  /** The etcd range holding every storage key that starts with `prefix` ("" = every key of this store). */
  range(prefix: string): { key: Buffer; range_end: Buffer } {
    if (prefix !== '') this.key(prefix); // same rule as for keys
    const { start, end } = prefixRange(this.root + (prefix === '' ? '/' : prefix));
    return { key: Buffer.from(start), range_end: Buffer.from(end) };
  }

  /** The storage key of an etcd key read from this store. */
  storageKey(etcdKey: Buffer): string {
    return etcdKey.toString('utf8').slice(this.root.length);
  }

  /** The bytes to store for `json` (already scanned): the object with an empty resourceVersion. */
  value(scanned: ScannedObject): Buffer {
    return Buffer.from(stampResourceVersion(scanned, ''));
  }

  /** A key-value pair as read: its value stamped with `revision` (default: its mod_revision). */
  object(kv: IKeyValue, revision: string = kv.mod_revision): StoredObject {
    const key = this.storageKey(kv.key);
    return storedObject(key, scanObjectJson(key, kv.value.toString('utf8')), revision);
  }

  /**
   * A watch event as the storage interface describes it. A put whose key was created by it is ADDED; DELETED
   * carries the last state re-stamped with the deletion's revision. MODIFIED and DELETED need the watch's prev_kv,
   * which etcd drops only when the previous version is compacted, which no event after the compacted revision has.
   */
  event(event: IEvent): ObjectEvent {
    const { kv, prev_kv: prev } = event;
    const revision = kv.mod_revision;
    if (event.type === 'Put' && kv.create_revision === kv.mod_revision) {
      return { type: 'ADDED', resourceVersion: revision, object: this.object(kv) };
    }
    if (prev === undefined || prev === null) {
      throw new StorageError('Internal', `etcd ${event.type} event at revision ${revision} came without its previous value`);
    }
    const prevObject = this.object(prev);
    if (event.type === 'Put') return { type: 'MODIFIED', resourceVersion: revision, object: this.object(kv), prevObject };
    return { type: 'DELETED', resourceVersion: revision, object: this.object(prev, revision), prevObject };
  }
}

export function storedObject(key: string, scanned: ScannedObject, revision: string): StoredObject {
  const { name, namespace, labels } = scanned;
  return { key, json: stampResourceVersion(scanned, revision), resourceVersion: revision, name, namespace, labels };
}

/** etcd's ErrCompacted: the revision asked for is below the compacted one (gRPC OUT_OF_RANGE). */
export const isCompactedError = (err: unknown): boolean => messageOf(err).includes('required revision has been compacted');

/** etcd's ErrFutureRev: the revision asked for is above the current one (gRPC OUT_OF_RANGE). */
export const isFutureRevisionError = (err: unknown): boolean => messageOf(err).includes('required revision is a future revision');

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
