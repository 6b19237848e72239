import { Etcd3, type ICompare, type IKeyValue, type IOptions, type IRangeResponse } from 'etcd3';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { EtcdCodec, isCompactedError, isFutureRevisionError, storedObject } from './etcd-codec.js';
import { EtcdWatch, type WatchSource, type WatchStart, type WatchStream } from './etcd-watch.js';
import { scanObjectJson } from './object-json.js';
import { parseRequestedVersion, parseRevision } from './resource-version.js';
import type {
  DeleteOptions,
  GetOptions,
  ListOptions,
  ListResult,
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

export interface EtcdStorageOptions {
  /** etcd client URLs, e.g. `http://127.0.0.1:2379`. */
  readonly endpoints: readonly string[];
  /** Every key of this store lives under this etcd key prefix (default "/herd"); stores sharing a prefix share data. */
  readonly prefix?: string;
  /** Default `WatchOptions.bufferSize`. */
  readonly watchBufferSize?: number;
  /** Further etcd3 client options: TLS credentials, auth, gRPC channel options. */
  readonly client?: Omit<IOptions, 'hosts'>;
}

type KeyRange = { readonly key: Buffer; readonly range_end: Buffer };

const DEFAULT_PREFIX = '/herd';
const DEFAULT_WATCH_BUFFER = 1024;
/** Objects per range request when a watch sends the initial state. */
const WATCH_PAGE = 500;

/**
 * The etcd backend, for several Herd replicas sharing one etcd (see etcd-codec.ts for the key and value layout).
 *
 * Resource versions are etcd revisions: an object's RV is its key's mod_revision, a list's RV the revision it read
 * at. Each write is one transaction whose comparisons carry the precondition (key absent for create, mod_revision
 * for expectedResourceVersion, "value differs" so that a no-op update writes nothing) and whose failure branch reads
 * the key, so the error is decided from the same atomic view. etcd alone knows the state: two instances on the same
 * prefix see each other's writes, in reads and in watches (each watch is an etcd watch, see etcd-watch.ts).
 *
 * Compaction is etcd's own, store-wide: `compact` calls etcd's Compact, and `compactedRevision` reads the result back
 * from etcd (see there), so a compaction by another replica or by etcd's auto-compactor is seen too. Nothing is
 * stored besides the objects themselves.
 */
export class EtcdStorage implements Storage {
  readonly prefix: string;
  private readonly client: Etcd3;
  private readonly codec: EtcdCodec;
  private readonly watchBufferSize: number;
  private readonly watches = new Set<EtcdWatch>();
  /** A lower bound of etcd's compacted revision; only ever raised. */
  private compacted = 1;
  private isClosed = false;

  constructor(options: EtcdStorageOptions) {
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.codec = new EtcdCodec(this.prefix);
    this.watchBufferSize = options.watchBufferSize ?? DEFAULT_WATCH_BUFFER;
    this.client = new Etcd3({
      ...options.client,
      hosts: [...options.endpoints],
      // etcd sends a watcher catching up as much history per message as it has: no client-side size cap.
      grpcOptions: { 'grpc.max_receive_message_length': -1, ...options.client?.grpcOptions },
    });
  }

  get(key: string, options: GetOptions = {}): Promise<StoredObject> {
    return this.run('get', async () => {
      const requested = parseRequestedVersion(options.resourceVersion);
      const response = await this.client.kv.range({ key: this.codec.key(key) });
      const current = Number(response.header.revision);
      if (requested.kind === 'revision' && requested.revision > current) throw tooLarge(requested.revision, current);
      const kv = response.kvs[0];
      if (kv === undefined) throw keyNotFound(key);
      return this.codec.object(kv);
    });
  }

  list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    return this.run('list', async () => {
      const range = this.codec.range(prefix);
      const limit = options.limit !== undefined && options.limit > 0 ? options.limit : 0;
      let response: IRangeResponse;
      let snapshot: number;
      if (options.continue !== undefined && options.continue !== '') {
        if ((options.resourceVersion ?? '0') !== '0' || options.resourceVersionMatch !== undefined) {
          throw invalidContinue('specifying resource version is not allowed when using continue');
        }
        const position = decodeContinue(options.continue);
        snapshot = position.revision;
        response = await this.rangeAt(range, snapshot, prefix + position.after, limit, {
          compacted: async () => continueExpired(snapshot, await this.compactedRevision()),
          future: async () => invalidContinue('its revision is newer than the store'),
        });
      } else {
        const requested = parseRequestedVersion(options.resourceVersion);
        const exact = options.resourceVersionMatch === 'Exact';
        if (exact && requested.kind === 'current') {
          throw invalidResourceVersion(options.resourceVersion ?? '', 'resourceVersionMatch=Exact needs a resourceVersion other than 0');
        }
        const at = exact && requested.kind === 'revision' ? requested.revision : 0;
        response = await this.rangeAt(range, at, '', limit, this.revisionErrors(at));
        snapshot = at > 0 ? at : Number(response.header.revision);
        if (requested.kind === 'revision' && requested.revision > snapshot) throw tooLarge(requested.revision, snapshot);
      }
      const items = response.kvs.map((kv) => this.codec.object(kv));
      const resourceVersion = String(snapshot);
      const last = items[items.length - 1];
      if (!response.more || last === undefined) return { items, resourceVersion };
      return {
        items,
        resourceVersion,
        continue: encodeContinue({ revision: snapshot, after: last.key.slice(prefix.length) }),
        remainingItemCount: Number(response.count) - items.length,
      };
    });
  }

  create(key: string, json: string): Promise<StoredObject> {
    return this.run('create', async () => {
      const scanned = scanObjectJson(key, json);
      const etcdKey = this.codec.key(key);
      const response = await this.client.kv.txn({
        compare: [{ key: etcdKey, target: 'Mod', result: 'Equal', mod_revision: 0 }],
        success: [{ request_put: { key: etcdKey, value: this.codec.value(scanned) } }],
        failure: [],
      });
      if (!response.succeeded) throw keyExists(key);
      return storedObject(key, scanned, response.header.revision);
    });
  }

  update(key: string, json: string, options: UpdateOptions = {}): Promise<StoredObject> {
    return this.run('update', async () => {
      const scanned = scanObjectJson(key, json);
      const etcdKey = this.codec.key(key);
      const value = this.codec.value(scanned);
      const response = await this.client.kv.txn({
        compare: [this.precondition(etcdKey, options.expectedResourceVersion), { key: etcdKey, target: 'Value', result: 'NotEqual', value }],
        success: [{ request_put: { key: etcdKey, value } }],
        failure: [{ request_range: { key: etcdKey } }],
      });
      if (response.succeeded) return storedObject(key, scanned, response.header.revision);
      // The key is missing, at another revision, or already holds exactly these bytes: a no-op update.
      return this.codec.object(this.checkPrecondition(key, options.expectedResourceVersion, response.responses[0]?.response_range.kvs[0]));
    });
  }

  delete(key: string, options: DeleteOptions = {}): Promise<StoredObject> {
    return this.run('delete', async () => {
      const etcdKey = this.codec.key(key);
      const response = await this.client.kv.txn({
        compare: [this.precondition(etcdKey, options.expectedResourceVersion)],
        success: [{ request_delete_range: { key: etcdKey, prev_kv: true } }],
        failure: [{ request_range: { key: etcdKey } }],
      });
      if (!response.succeeded) {
        this.checkPrecondition(key, options.expectedResourceVersion, response.responses[0]?.response_range.kvs[0]);
        throw internal(`etcd refused to delete ${key} for no known reason`, undefined);
      }
      const last = response.responses[0]?.response_delete_range.prev_kvs[0];
      if (last === undefined) throw internal(`etcd deleted ${key} without returning its last value`, undefined);
      return this.codec.object(last, response.header.revision);
    });
  }

  watch(prefix: string, options: WatchOptions = {}): Promise<Watch> {
    return this.run('watch', async () => {
      const requested = parseRequestedVersion(options.resourceVersion);
      const range = this.codec.range(prefix);
      let start: WatchStart;
      if (options.sendInitialEvents === true || (options.sendInitialEvents === undefined && requested.kind === 'current')) {
        const first = await this.rangeAt(range, 0, '', WATCH_PAGE, this.revisionErrors(0));
        const snapshot = Number(first.header.revision);
        if (requested.kind === 'revision' && requested.revision > snapshot) throw tooLarge(requested.revision, snapshot);
        const items = first.kvs.map((kv) => this.codec.object(kv));
        start = { after: snapshot, initial: { snapshot, items, more: first.more, endBookmark: options.sendInitialEvents === true } };
      } else if (requested.kind === 'revision') {
        // A range at the start revision fails exactly when a watch from it must: below the compacted revision
        // (Expired) or above the current one (ResourceVersionTooLarge).
        await this.rangeAt({ key: range.key, range_end: Buffer.alloc(0) }, requested.revision, '', 1, this.revisionErrors(requested.revision));
        start = { after: requested.revision };
      } else {
        start = { after: await this.revisionNow() };
      }
      const watch = new EtcdWatch(this.watchSource(prefix, range), prefix, Math.max(1, options.bufferSize ?? this.watchBufferSize), start);
      this.watches.add(watch);
      return watch;
    });
  }

  currentRevision(): Promise<number> {
    return this.run('currentRevision', () => this.revisionNow());
  }

  /**
   * etcd does not report its compacted revision, but a read at a revision below it fails with ErrCompacted, so it
   * is the lowest revision a read still succeeds at. One probe confirms the last known value; only when another
   * client compacted further does a binary search up to the current revision find the new one.
   */
  compactedRevision(): Promise<number> {
    return this.run('compactedRevision', async () => {
      if (await this.readableAt(this.compacted)) return this.compacted;
      let unreadable = this.compacted;
      let readable = await this.revisionNow();
      while (readable - unreadable > 1) {
        const middle = Math.floor((unreadable + readable) / 2);
        if (await this.readableAt(middle)) readable = middle;
        else unreadable = middle;
      }
      this.compacted = Math.max(this.compacted, readable);
      return readable;
    });
  }

  compact(revision: number): Promise<void> {
    return this.run('compact', async () => {
      if (!Number.isSafeInteger(revision)) throw invalidResourceVersion(String(revision));
      if (revision <= this.compacted) return;
      try {
        await this.client.kv.compact({ revision });
        this.compacted = revision;
      } catch (err) {
        // Already compacted at or past it (by another replica, say): nothing to do.
        if (isCompactedError(err)) this.compacted = revision;
        else if (isFutureRevisionError(err)) throw tooLarge(revision, await this.revisionNow());
        else throw err;
      }
    });
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const watch of [...this.watches]) watch.stop();
    this.client.close();
  }

  private watchSource(prefix: string, range: KeyRange): WatchSource {
    return {
      codec: this.codec,
      range,
      readPage: async (snapshot, afterKey) => {
        const page = await this.rangeAt(range, snapshot, afterKey, WATCH_PAGE, this.revisionErrors(snapshot));
        return { items: page.kvs.map((kv) => this.codec.object(kv)), more: page.more };
      },
      openStream: async () => {
        if (this.isClosed) throw closed();
        // The etcd3 typings declare only part of what the grpc-js duplex stream offers (pause/resume).
        return (await this.client.watchClient.watch()) as unknown as WatchStream;
      },
      onEnd: (watch) => this.watches.delete(watch),
    };
  }

  /** A comparison that holds when the key exists and, if `expected` is set, is at exactly that revision. */
  private precondition(key: Buffer, expected: string | undefined): ICompare {
    if (expected === undefined) return { key, target: 'Mod', result: 'Greater', mod_revision: 0 };
    let revision = -1; // matches no key: "0" would match a missing one, and a malformed RV must be a Conflict
    try {
      revision = parseRevision(expected);
    } catch {
      // keep -1
    }
    return { key, target: 'Mod', result: 'Equal', mod_revision: revision };
  }

  /** After a failed write: KeyNotFound or Conflict, as `current` (the key read in the same transaction) says. */
  private checkPrecondition(key: string, expected: string | undefined, current: IKeyValue | undefined): IKeyValue {
    if (current === undefined) throw keyNotFound(key);
    if (expected !== undefined && expected !== current.mod_revision) throw conflict(key, expected, current.mod_revision);
    return current;
  }

  /**
   * A range read at `revision` (0 = current), strictly after storage key `afterKey` ("" = from the start), mapping
   * etcd's revision errors through `errors`.
   */
  private async rangeAt(
    range: KeyRange,
    revision: number,
    afterKey: string,
    limit: number,
    errors: { compacted(): Promise<Error>; future(): Promise<Error> },
  ): Promise<IRangeResponse> {
    const key = afterKey === '' ? range.key : Buffer.concat([this.codec.key(afterKey), Buffer.from([0])]);
    try {
      return await this.client.kv.range({ key, range_end: range.range_end, revision, limit });
    } catch (err) {
      if (isCompactedError(err)) throw await errors.compacted();
      if (isFutureRevisionError(err)) throw await errors.future();
      throw err;
    }
  }

  private revisionErrors(revision: number): { compacted(): Promise<Error>; future(): Promise<Error> } {
    return {
      compacted: async () => expired(revision, await this.compactedRevision()),
      future: async () => tooLarge(revision, await this.revisionNow()),
    };
  }

  private async readableAt(revision: number): Promise<boolean> {
    try {
      await this.client.kv.range({ key: Buffer.from(this.codec.root), revision, count_only: true });
      return true;
    } catch (err) {
      if (isCompactedError(err)) return false;
      throw err;
    }
  }

  /** etcd's current revision, from a linearizable read of one (normally absent) key. */
  private async revisionNow(): Promise<number> {
    const response = await this.client.kv.range({ key: Buffer.from(this.codec.root), count_only: true });
    return Number(response.header.revision);
  }

  /** Runs one operation: refused once closed; any failure that is not already a StorageError is reported as Internal. */
  private async run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    if (this.isClosed) throw closed();
    try {
      return await body();
    } catch (err) {
      if (isStorageError(err)) throw err;
      throw internal(`etcd ${operation} failed: ${err instanceof Error ? err.message : String(err)}`, err);
    }
  }
}
