import type { DeleteOptions, GetOptions, ListOptions, ListResult, Storage, StoredObject, UpdateOptions, Watch, WatchOptions } from './storage.js';

const COMMA = Buffer.from(',');

/** How long a list waits for the cache to catch up with a write that just committed before reading storage instead. */
const CATCH_UP_MS = 250;

/**
 * A read cache in front of a Storage, as kube-apiserver's watch cache: every object of the store is kept in memory,
 * already encoded as UTF-8 bytes, and kept current by one watch of the whole store. Consistent lists (no
 * resourceVersion, or "0", no limit, no continue) are answered from memory once the cache has seen the store's current
 * revision — so a list right after a write still sees it — and anything else goes to the store. Writes, gets and
 * watches always go to the store.
 */
export class CachedStorage implements Storage {
  /** Resource prefix (`/<group>/<plural>/`) → key → object. */
  private readonly resources = new Map<string, Map<string, StoredObject>>();
  private readonly sortedKeys = new Map<string, string[]>();
  /** Per list prefix, the items' bytes joined with commas; dropped whenever its resource changes. */
  private readonly joinedLists = new Map<string, Map<string, Buffer>>();
  private revision = 0;
  private waiters: { revision: number; resolve: () => void }[] = [];
  private feed: Watch | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private synced = false;

  constructor(
    private readonly inner: Storage,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {}

  /** Fills the cache and starts following the store; resolves once the cache is complete. */
  async start(): Promise<void> {
    await this.resync();
    this.loop = this.follow();
  }

  private static resourcePrefix(key: string): string {
    // `/<group>/<plural>/...`: the first two segments name the resource.
    const third = key.indexOf('/', key.indexOf('/', 1) + 1);
    return third < 0 ? key : key.slice(0, third + 1);
  }

  private put(object: StoredObject): void {
    const prefix = CachedStorage.resourcePrefix(object.key);
    let objects = this.resources.get(prefix);
    if (!objects) this.resources.set(prefix, (objects = new Map()));
    if (!objects.has(object.key)) this.sortedKeys.delete(prefix);
    this.joinedLists.delete(prefix);
    // The bytes ride along unenumerated: the object still compares and serialises as the store's own.
    const cached: StoredObject = { ...object };
    Object.defineProperty(cached, 'bytes', { value: object.bytes ?? Buffer.from(object.json), enumerable: false });
    objects.set(object.key, cached);
  }

  private remove(key: string): void {
    const prefix = CachedStorage.resourcePrefix(key);
    if (this.resources.get(prefix)?.delete(key)) this.sortedKeys.delete(prefix);
    this.joinedLists.delete(prefix);
  }

  private advance(revision: number): void {
    this.revision = Math.max(this.revision, revision);
    const ready = this.waiters.filter((w) => w.revision <= this.revision);
    this.waiters = this.waiters.filter((w) => w.revision > this.revision);
    for (const w of ready) w.resolve();
  }

  private async resync(): Promise<void> {
    const all = await this.inner.list('/');
    this.resources.clear();
    this.sortedKeys.clear();
    this.joinedLists.clear();
    for (const o of all.items) this.put(o);
    this.revision = 0;
    this.advance(Number(all.resourceVersion));
    this.feed = await this.inner.watch('/', { resourceVersion: all.resourceVersion });
    this.synced = true;
  }

  private async follow(): Promise<void> {
    while (!this.stopped) {
      try {
        for await (const event of this.feed!) {
          if (event.type === 'ADDED' || event.type === 'MODIFIED') this.put(event.object);
          else if (event.type === 'DELETED') this.remove(event.object.key);
          this.advance(Number(event.resourceVersion));
        }
        if (this.stopped) return;
      } catch (err) {
        if (this.stopped) return;
        this.log('the read cache lost its watch; resyncing', err);
      }
      this.synced = false;
      try {
        await this.resync();
      } catch (err) {
        this.log('resyncing the read cache failed', err);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private waitFor(revision: number): Promise<boolean> {
    if (this.revision >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), CATCH_UP_MS);
      this.waiters.push({ revision, resolve: () => (clearTimeout(timer), resolve(true)) });
    });
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const rv = options.resourceVersion ?? '';
    const fromCache = this.synced && !options.limit && !options.continue && (rv === '' || rv === '0') && !options.resourceVersionMatch;
    if (!fromCache || !(await this.waitFor(await this.inner.currentRevision()))) return this.inner.list(prefix, options);
    const resource = CachedStorage.resourcePrefix(prefix);
    const objects = this.resources.get(resource);
    const revision = String(this.revision);
    if (!objects) return { items: [], resourceVersion: revision };
    let keys = this.sortedKeys.get(resource);
    if (!keys) this.sortedKeys.set(resource, (keys = [...objects.keys()].sort()));
    const items: StoredObject[] = [];
    for (const key of keys) if (key.startsWith(prefix)) items.push(objects.get(key)!);
    let joinedByPrefix = this.joinedLists.get(resource);
    if (!joinedByPrefix) this.joinedLists.set(resource, (joinedByPrefix = new Map()));
    let joined = joinedByPrefix.get(prefix);
    if (!joined) {
      const parts: Buffer[] = [];
      items.forEach((o, i) => {
        if (i > 0) parts.push(COMMA);
        parts.push(o.bytes!);
      });
      joinedByPrefix.set(prefix, (joined = Buffer.concat(parts)));
    }
    const result: ListResult = { items, resourceVersion: revision };
    Object.defineProperty(result, 'joined', { value: joined, enumerable: false });
    return result;
  }

  get(key: string, options?: GetOptions): Promise<StoredObject> {
    return this.inner.get(key, options);
  }
  create(key: string, json: string): Promise<StoredObject> {
    return this.inner.create(key, json);
  }
  update(key: string, json: string, options?: UpdateOptions): Promise<StoredObject> {
    return this.inner.update(key, json, options);
  }
  delete(key: string, options?: DeleteOptions): Promise<StoredObject> {
    return this.inner.delete(key, options);
  }
  watch(prefix: string, options?: WatchOptions): Promise<Watch> {
    return this.inner.watch(prefix, options);
  }
  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }
  compactedRevision(): Promise<number> {
    return this.inner.compactedRevision();
  }
  compact(revision: number): Promise<void> {
    return this.inner.compact(revision);
  }
  async close(): Promise<void> {
    this.stopped = true;
    this.feed?.stop();
    await this.loop?.catch(() => {});
    await this.inner.close();
  }
}
