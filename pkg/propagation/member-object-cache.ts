import type { KubeObject } from '../../api/meta/object-meta.js';
import type { ClusterClient } from '../members/cluster-client.js';
import { runListWatch } from '../members/list-watch-loop.js';
import { watchLines } from '../members/watch-lines.js';

export type MemberObjectEvent = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface MemberObjectCacheOptions {
  readonly cluster: string;
  readonly client: ClusterClient;
  /** Collection path across namespaces, such as /apis/apps/v1/deployments. */
  readonly path: string;
  /** Label selector of the objects to hold. */
  readonly labelSelector: string;
  readonly onEvent: (type: MemberObjectEvent, object: KubeObject) => void;
  readonly log?: (msg: string, err?: unknown) => void;
  /** Deadline of the list call. Default 30 s. */
  readonly listTimeoutMs?: number;
}

function keyOf(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : String(o.metadata.name);
}

/**
 * An informer for one resource of one member cluster: lists the objects Herd manages there, then follows a watch
 * (bookmarks on, resuming from the last resourceVersion, relisting on 410 Gone), keeping the latest of each object in
 * memory. Propagation reads it instead of calling the member, and hears of every change (drift, status) through
 * `onEvent`. Reconnects with backoff while the member is unreachable.
 */
export class MemberObjectCache {
  private readonly objects = new Map<string, KubeObject>();
  private rv = '';
  private syncedOnce = false;
  private syncWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly o: MemberObjectCacheOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop?.catch(() => {});
    for (const w of this.syncWaiters) w();
    this.syncWaiters = [];
  }

  get synced(): boolean {
    return this.syncedOnce;
  }

  /** Resolves once the first list has been read, or after `timeoutMs` (false then). */
  waitForSync(timeoutMs: number): Promise<boolean> {
    if (this.syncedOnce) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      t.unref?.();
      this.syncWaiters.push(() => {
        clearTimeout(t);
        resolve(this.syncedOnce);
      });
    });
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(namespace ? `${namespace}/${name}` : name);
  }

  /** Records an object a write just returned, so reads see it before its watch event arrives. */
  observe(object: KubeObject): void {
    const key = keyOf(object);
    const current = this.objects.get(key);
    if (current && Number(current.metadata.resourceVersion) > Number(object.metadata.resourceVersion)) return;
    this.objects.set(key, object);
  }

  /** Forgets an object a delete just removed. */
  forget(namespace: string | undefined, name: string): void {
    this.objects.delete(namespace ? `${namespace}/${name}` : name);
  }

  values(): IterableIterator<KubeObject> {
    return this.objects.values();
  }

  private run(): Promise<void> {
    return runListWatch({
      signal: this.abort.signal,
      positioned: () => this.rv !== '',
      list: () => this.list(),
      watch: (connected) => this.watch(connected),
      log: (err) => this.o.log?.(`watch of ${this.o.path} in ${this.o.cluster} failed; retrying`, err),
    });
  }

  private async list(): Promise<void> {
    const res = await this.o.client.call('GET', `${this.o.path}?labelSelector=${encodeURIComponent(this.o.labelSelector)}`, undefined, this.o.listTimeoutMs ?? 30_000);
    if (res.status !== 200) throw new Error(`list ${this.o.path}: HTTP ${res.status}`);
    const list = JSON.parse(res.body) as { metadata: { resourceVersion: string }; items: KubeObject[] };
    const seen = new Set<string>();
    const kind = this.kindFromList(list);
    for (const item of list.items) {
      if (kind) Object.assign(item, { apiVersion: item.apiVersion ?? kind.apiVersion, kind: item.kind ?? kind.kind });
      const key = keyOf(item);
      seen.add(key);
      const before = this.objects.get(key);
      this.objects.set(key, item);
      if (!before) this.o.onEvent('ADDED', item);
      else if (before.metadata.resourceVersion !== item.metadata.resourceVersion) this.o.onEvent('MODIFIED', item);
    }
    for (const [key, before] of this.objects) {
      if (!seen.has(key)) {
        this.objects.delete(key);
        this.o.onEvent('DELETED', before);
      }
    }
    this.rv = list.metadata.resourceVersion;
    if (!this.syncedOnce) {
      this.syncedOnce = true;
      for (const w of this.syncWaiters) w();
      this.syncWaiters = [];
    }
  }

  private kindFromList(list: unknown): { apiVersion: string; kind: string } | undefined {
    const l = list as { apiVersion?: string; kind?: string };
    if (!l.apiVersion || !l.kind?.endsWith('List')) return undefined;
    return { apiVersion: l.apiVersion, kind: l.kind.slice(0, -'List'.length) };
  }

  /** Follows one watch until it ends; returns how many events it delivered. */
  private async watch(connected: () => void): Promise<number> {
    const q = `watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(this.rv)}&labelSelector=${encodeURIComponent(this.o.labelSelector)}&timeoutSeconds=${300 + Math.floor(Math.random() * 300)}`;
    const res = await this.o.client.stream(`${this.o.path}?${q}`, this.abort.signal);
    if (res.statusCode !== 200) {
      await res.body.text().catch(() => '');
      if (res.statusCode === 410) {
        this.rv = '';
        return 0;
      }
      throw new Error(`watch ${this.o.path}: HTTP ${res.statusCode}`);
    }
    connected();
    let events = 0;
    for await (const line of watchLines(res.body)) {
      events++;
      this.handle(JSON.parse(line) as { type: string; object: KubeObject });
      if (!this.rv) return events;
    }
    return events;
  }

  private handle(event: { type: string; object: KubeObject }): void {
    const object = event.object;
    if (event.type === 'ERROR') {
      const code = (object as unknown as { code?: number }).code;
      if (code === 410) this.rv = '';
      else throw new Error(`watch ${this.o.path}: ${String((object as unknown as { message?: string }).message ?? 'error event')}`);
      return;
    }
    if (object.metadata?.resourceVersion) this.rv = object.metadata.resourceVersion;
    if (event.type === 'BOOKMARK') return;
    const key = keyOf(object);
    // Herd's own writes were recorded from their answers already: their events carry nothing new.
    if (event.type !== 'DELETED' && this.objects.get(key)?.metadata.resourceVersion === object.metadata.resourceVersion) return;
    if (event.type === 'DELETED') {
      this.objects.delete(key);
      this.o.onEvent('DELETED', object);
      return;
    }
    this.objects.set(key, object);
    this.o.onEvent(event.type === 'ADDED' ? 'ADDED' : 'MODIFIED', object);
  }
}
