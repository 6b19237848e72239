import type { KubeObject } from '../../api/meta/object-meta.js';
import type { TableColumnDefinition } from '../apimachinery/table.js';
import type { ClusterClient } from '../members/cluster-client.js';
import { abortableSleep, runListWatch } from '../members/list-watch-loop.js';
import { watchLines } from '../members/watch-lines.js';

export type MemberEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One object of a member: the object as the member serves it, and its Table cells when the member printed them. */
export interface MemberItem {
  readonly object: KubeObject;
  readonly cells: readonly unknown[] | undefined;
}

export interface MemberTableInformerOptions {
  readonly cluster: string;
  readonly client: ClusterClient;
  /** Collection path across namespaces, such as /api/v1/pods. */
  readonly path: string;
  /** apiVersion and kind of the items, for members that leave them out of list items. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly onEvent: (type: MemberEventType, item: MemberItem) => void;
  /** The member's Table columns, each time it sends them. */
  readonly onColumns?: (columns: readonly TableColumnDefinition[]) => void;
  /** The first full list has been applied (and after each relist). */
  readonly onSynced?: () => void;
  readonly log?: (msg: string, err?: unknown) => void;
  /** Items per list page. Default 500. */
  readonly pageSize?: number;
  /** Deadline of each list page. Default 60 s. */
  readonly listTimeoutMs?: number;
  /** Objects the caller already holds (`namespace/name` → resourceVersion), so the first list reports only changes. */
  readonly known?: ReadonlyMap<string, string>;
  /**
   * Where the objects' resourceVersions are kept, when the caller holds them already (the fleet view's cache does):
   * the informer then keeps no copy. It must reflect each onEvent at once. Default: the informer's own map.
   */
  readonly held?: HeldVersions;
}

/** How long to wait before asking again a member that does not serve the resource (404). */
const NOT_SERVED_RETRY_MS = 30_000;

class NotServedError extends Error {}

/** The resourceVersions of the objects an informer has reported, by `namespace/name`. */
export interface HeldVersions {
  get(key: string): string | undefined;
  keys(): IterableIterator<string>;
}

/** An informer's own record, for callers that do not keep the objects. */
class OwnVersions implements HeldVersions {
  constructor(private readonly map: Map<string, string>) {}
  get(key: string) {
    return this.map.get(key);
  }
  keys() {
    return this.map.keys();
  }
  set(key: string, rv: string) {
    this.map.set(key, rv);
  }
  delete(key: string) {
    return this.map.delete(key);
  }
}

/** Asks for Tables with whole objects, and takes plain JSON from a member that cannot print the resource. */
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json';

interface TableLike {
  kind?: string;
  apiVersion?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  columnDefinitions?: TableColumnDefinition[] | null;
  rows?: { cells?: unknown[]; object?: KubeObject }[];
  items?: KubeObject[];
}

const keyOf = (o: KubeObject): string => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : String(o.metadata.name));

/**
 * A member informer for the fleet view: lists one resource of one member across namespaces in pages, then follows a
 * watch from that list (bookmarks on). It asks the member for Tables that include the objects, so one stream gives
 * both the object and the member's own printed row. A broken watch resumes from the last resourceVersion seen, so a
 * member that comes back sends only what changed; when the member no longer has that point (410), the informer lists
 * again and reports only the difference: nothing for an unchanged object. It remembers each object's
 * resourceVersion only, the caller keeps the objects.
 */
export class MemberTableInformer {
  private readonly versions: HeldVersions;
  private readonly own: OwnVersions | undefined;
  private rv = '';
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly o: MemberTableInformerOptions) {
    this.own = o.held ? undefined : new OwnVersions(new Map(o.known ?? []));
    this.versions = o.held ?? this.own!;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop?.catch(() => {});
  }

  /** Keys (`namespace/name`) of the objects the informer holds. */
  keys(): IterableIterator<string> {
    return this.versions.keys();
  }

  private run(): Promise<void> {
    return runListWatch({
      signal: this.abort.signal,
      positioned: () => this.rv !== '',
      list: () => this.list(),
      watch: (connected) => this.watch(connected),
      handle: async (err) => {
        if (!(err instanceof NotServedError)) return false;
        // Not every member serves every resource (a CRD installed in some): that member simply has none.
        this.removeAll();
        this.o.onSynced?.();
        await abortableSleep(NOT_SERVED_RETRY_MS, this.abort.signal);
        return true;
      },
      log: (err) => this.o.log?.(`fleet view: watch of ${this.o.path} in ${this.o.cluster} failed; retrying`, err),
    });
  }

  private itemsOf(page: TableLike): MemberItem[] {
    if (page.kind === 'Table') {
      if (page.columnDefinitions && page.columnDefinitions.length > 0) this.o.onColumns?.(page.columnDefinitions);
      return (page.rows ?? []).filter((r) => r.object?.metadata).map((r) => ({ object: this.complete(r.object!), cells: r.cells }));
    }
    return (page.items ?? []).map((object) => ({ object: this.complete(object), cells: undefined }));
  }

  private complete(object: KubeObject): KubeObject {
    if (!object.apiVersion || !object.kind) Object.assign(object, { apiVersion: object.apiVersion || this.o.apiVersion, kind: object.kind || this.o.kind });
    return object;
  }

  private async list(): Promise<void> {
    const seen = new Set<string>();
    let token = '';
    let rv = '';
    for (;;) {
      const q = `limit=${this.o.pageSize ?? 500}&includeObject=Object${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
      const res = await this.o.client.call('GET', `${this.o.path}?${q}`, undefined, this.o.listTimeoutMs ?? 60_000, { accept: TABLE_ACCEPT });
      if (this.abort.signal.aborted) return;
      if (res.status === 410 && token) {
        // The member compacted the list's snapshot away between pages: start the list over.
        seen.clear();
        token = '';
        continue;
      }
      if (res.status === 404) throw new NotServedError(`${this.o.path} is not served by ${this.o.cluster}`);
      if (res.status !== 200) throw new Error(`list ${this.o.path}: HTTP ${res.status}`);
      const page = JSON.parse(res.body) as TableLike;
      for (const item of this.itemsOf(page)) {
        const key = keyOf(item.object);
        seen.add(key);
        const before = this.versions.get(key);
        const now = item.object.metadata.resourceVersion ?? '';
        if (before === now) continue;
        this.own?.set(key, now);
        this.o.onEvent(before === undefined ? 'ADDED' : 'MODIFIED', item);
      }
      token = page.metadata?.continue ?? '';
      rv = page.metadata?.resourceVersion ?? rv;
      if (!token) break;
    }
    this.removeAll(seen);
    this.rv = rv;
    this.o.onSynced?.();
  }

  /** Reports DELETED for every held object not in `keep`. */
  private removeAll(keep: ReadonlySet<string> = new Set()): void {
    for (const key of [...this.versions.keys()]) {
      if (keep.has(key)) continue;
      this.own?.delete(key);
      const slash = key.indexOf('/');
      const metadata = slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
      this.o.onEvent('DELETED', { object: { apiVersion: this.o.apiVersion, kind: this.o.kind, metadata }, cells: undefined });
    }
  }

  /** Follows one watch until it ends; returns how many events it delivered. */
  private async watch(connected: () => void): Promise<number> {
    const q = `watch=1&allowWatchBookmarks=true&includeObject=Object&resourceVersion=${encodeURIComponent(this.rv)}&timeoutSeconds=${300 + Math.floor(Math.random() * 300)}`;
    const res = await this.o.client.stream(`${this.o.path}?${q}`, this.abort.signal, { accept: TABLE_ACCEPT });
    if (res.statusCode !== 200) {
      await res.body.text().catch(() => '');
      if (res.statusCode === 410) {
        this.rv = '';
        return 0;
      }
      if (res.statusCode === 404) {
        // The resource went away while followed (its CRD deleted): list again, which finds it not served.
        this.rv = '';
        throw new NotServedError(`${this.o.path} is no longer served by ${this.o.cluster}`);
      }
      throw new Error(`watch ${this.o.path}: HTTP ${res.statusCode}`);
    }
    connected();
    let events = 0;
    for await (const line of watchLines(res.body)) {
      events++;
      this.handle(JSON.parse(line) as { type: string; object: TableLike & KubeObject });
      if (!this.rv) return events;
    }
    return events;
  }

  private handle(event: { type: string; object: TableLike & KubeObject }): void {
    const object = event.object;
    if (event.type === 'ERROR') {
      const status = object as unknown as { code?: number; message?: string };
      if (status.code === 410) this.rv = '';
      else throw new Error(`watch ${this.o.path}: ${String(status.message ?? 'error event')}`);
      return;
    }
    if (event.type === 'BOOKMARK') {
      const rv = object.metadata?.resourceVersion ?? object.rows?.[0]?.object?.metadata.resourceVersion;
      if (rv) this.rv = rv;
      return;
    }
    for (const item of this.itemsOf(object)) {
      const key = keyOf(item.object);
      const rv = item.object.metadata.resourceVersion ?? '';
      if (rv) this.rv = rv;
      if (event.type === 'DELETED') {
        if (this.versions.get(key) === undefined) continue;
        this.own?.delete(key);
        this.o.onEvent('DELETED', item);
        continue;
      }
      const before = this.versions.get(key);
      if (before === rv) continue;
      this.own?.set(key, rv);
      this.o.onEvent(before === undefined ? 'ADDED' : 'MODIFIED', item);
    }
  }
}
