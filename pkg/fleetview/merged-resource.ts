import { randomBytes } from 'node:crypto';
import { newServiceUnavailable } from '../apimachinery/status-error.js';
import type { TableColumnDefinition } from '../apimachinery/table.js';
import type { FleetMember } from './fleet-members.js';
import { MemberTableInformer, type HeldVersions, type MemberEventType, type MemberItem } from './member-table-informer.js';
import { EventWindow } from './event-window.js';
import { encodeViewEntry, entryKey, restampViewEntry, type ViewEntry } from './view-entry.js';
import { formatViewToken } from './view-token.js';

export type { ViewEntry } from './view-entry.js';

export type ViewEventType = MemberEventType;

export interface ViewEvent {
  readonly seq: number;
  readonly token: string;
  readonly type: ViewEventType;
  readonly entry: ViewEntry;
  /** The entry before a MODIFIED, for selectors: an object that stops matching is DELETED for that watcher. */
  readonly prev?: ViewEntry;
}

/** What the merged cache tells its watchers. */
export interface ViewWatcher {
  deliver(event: ViewEvent): void;
  /** The cache stops (idle, memory ceiling, shutdown): end the watch; `reason` set for a failure. */
  close(reason?: string): void;
}

export interface MergedResourceOptions {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Selectable fields of the resource, from selectableFields. */
  readonly fields: readonly string[];
  /** Events kept for watches that resume. Default 10,000. */
  readonly window?: number;
  readonly log?: (msg: string, err?: unknown) => void;
  /** Each change of the cache's estimated size, in bytes. */
  readonly onSize?: (delta: number) => void;
  /** Member list page size. */
  readonly pageSize?: number;
}

/** Fixed cost of an entry beyond its strings: the entry, its label map, the key in two maps. */
const ENTRY_OVERHEAD_BYTES = 240;

interface MemberState {
  readonly member: FleetMember;
  readonly informer: MemberTableInformer;
  readonly startedAt: number;
  synced: boolean;
  columns?: readonly TableColumnDefinition[];
}


/** The position of an entry in list order (namespace, name, cluster) as one comparable string. */
export function sortKeyOf(e: Pick<ViewEntry, 'cluster' | 'namespace' | 'name'>): string {
  return `${e.namespace}\u0000${e.name}\u0000${e.cluster}`;
}

function sortKeyOfKey(key: string): string {
  const [cluster, namespace, name] = key.split('\u0000');
  return `${namespace}\u0000${name}\u0000${cluster}`;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The merged cache of one resource across the fleet: a MemberTableInformer per member, every object held as its
 * served JSON with its origin stamped, and one stream of events in a single order with a sequence number. Each event
 * is encoded once, when it happens, for all watchers; the last `window` events stay for watches that resume. Names
 * that exist in several members are served as `name@cluster` (docs/fleet-view.md, "Names that collide"), and a
 * change of served name is sent as DELETED then ADDED.
 */
export class MergedResource {
  readonly epoch = randomBytes(6).toString('base64url');
  private seq = 0;
  private readonly entries = new Map<string, ViewEntry>();
  /** One copy of each namespace string: thousands of objects share a handful of namespaces. */
  private readonly namespaces = new Map<string, string>();
  /** Clusters that left while their objects are being removed. */
  private readonly droppedClusters = new Set<string>();
  private clusterList: string[] | undefined;
  private readonly window: EventWindow<ViewEvent>;
  private readonly watchers = new Set<ViewWatcher>();
  private readonly members = new Map<string, MemberState>();
  private readonly syncWaiters = new Set<() => void>();
  /** Entry keys ordered by namespace, name, cluster; rebuilt after an object comes or goes. */
  private sortedKeys: string[] | undefined;
  private bytes = 0;
  private stopped = false;
  private stopReason: string | undefined;
  lastUsed = Date.now();

  constructor(readonly o: MergedResourceOptions) {
    this.window = new EventWindow(o.window ?? 10_000);
  }

  get apiVersion(): string {
    return this.o.group ? `${this.o.group}/${this.o.version}` : this.o.version;
  }

  get size(): number {
    return this.entries.size;
  }

  get estimatedBytes(): number {
    return this.bytes;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  /** The position after the last event, as a token. */
  currentToken(): string {
    return formatViewToken(this.epoch, this.seq);
  }

  /** Follows exactly these members: informers start for new ones; a member that left has all its objects DELETED. */
  setMembers(members: readonly FleetMember[]): void {
    if (this.stopped) return;
    const wanted = new Map(members.map((m) => [m.name, m]));
    for (const [name, st] of this.members) {
      const next = wanted.get(name);
      if (next && next.client === st.member.client) continue;
      this.members.delete(name);
      this.clusterList = undefined;
      void st.informer.stop();
      if (!next) this.dropCluster(name);
    }
    for (const member of members) {
      if (this.members.has(member.name)) continue;
      this.startMember(member);
    }
    this.wakeSyncWaiters();
  }

  private startMember(member: FleetMember): void {
    // The informer reads what this cache holds of the member instead of keeping its own copy of every version.
    const held: HeldVersions = {
      get: (key) => {
        const slash = key.indexOf('/');
        return this.entries.get(slash < 0 ? entryKey(member.name, '', key) : entryKey(member.name, key.slice(0, slash), key.slice(slash + 1)))?.memberVersion;
      },
      keys: function* (this: MergedResource) {
        for (const e of [...this.entries.values()]) if (e.cluster === member.name) yield e.namespace ? `${e.namespace}/${e.name}` : e.name;
      }.bind(this),
    };
    const path = `${this.o.group ? `/apis/${this.o.group}` : '/api'}/${this.o.version}/${this.o.resource}`;
    const st: MemberState = {
      member,
      startedAt: Date.now(),
      synced: false,
      informer: new MemberTableInformer({
        cluster: member.name,
        client: member.client,
        path,
        apiVersion: this.apiVersion,
        kind: this.o.kind,
        held,
        ...(this.o.pageSize ? { pageSize: this.o.pageSize } : {}),
        ...(this.o.log ? { log: this.o.log } : {}),
        onEvent: (type, item) => {
          if (this.members.get(member.name) === st) this.apply(member.name, type, item);
        },
        onColumns: (columns) => {
          st.columns = columns;
        },
        onSynced: () => {
          st.synced = true;
          this.wakeSyncWaiters();
        },
      }),
    };
    this.members.set(member.name, st);
    this.clusterList = undefined;
    st.informer.start();
  }

  /** Members whose first list has not arrived. */
  unsynced(): string[] {
    return [...this.members.values()].filter((m) => !m.synced).map((m) => m.member.name);
  }

  /**
   * Waits until every member's first list arrived, or until each member still missing has had `timeoutMs` since its
   * informer started; resolves with the members still missing (left out of the answer). Rejects with 503 when the
   * cache stopped (dropped for memory, or idle) before or while waiting: what it holds is no answer then.
   */
  async waitForSync(timeoutMs: number): Promise<string[]> {
    for (;;) {
      if (this.stopped) {
        throw newServiceUnavailable(`the fleet view cache of ${this.o.resource} was stopped${this.stopReason ? ` (${this.stopReason})` : ''}; try again`);
      }
      const missing = [...this.members.values()].filter((m) => !m.synced);
      const waitMs = Math.max(0, ...missing.map((m) => m.startedAt + timeoutMs - Date.now()));
      if (missing.length === 0 || waitMs === 0) return missing.map((m) => m.member.name);
      await new Promise<void>((resolve) => {
        const done = () => (clearTimeout(t), this.syncWaiters.delete(done), resolve());
        const t = setTimeout(done, waitMs);
        this.syncWaiters.add(done);
      });
    }
  }

  private wakeSyncWaiters(): void {
    for (const w of [...this.syncWaiters]) w();
  }

  /** Table columns of the first member (name order) that sent them. */
  columns(): readonly TableColumnDefinition[] | undefined {
    const names = [...this.members.keys()].sort(compare);
    for (const n of names) {
      const c = this.members.get(n)?.columns;
      if (c) return c;
    }
    return undefined;
  }

  /** Every entry ordered by namespace, name, cluster, from `after` (an entry's sort key) on. */
  *sorted(after?: string): Generator<ViewEntry> {
    if (!this.sortedKeys) {
      const all = [...this.entries.values()].sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name) || compare(a.cluster, b.cluster));
      this.sortedKeys = all.map((e) => e.key);
    }
    const keys = this.sortedKeys;
    let i = 0;
    if (after !== undefined) {
      // Binary search for the first key past `after` (keys are ordered as sortKeyOf orders them).
      let lo = 0;
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sortKeyOfKey(keys[mid]!) <= after) lo = mid + 1;
        else hi = mid;
      }
      i = lo;
    }
    for (; i < keys.length; i++) {
      const e = this.entries.get(keys[i]!);
      if (e) yield e;
    }
  }

  /** The entries of namespace/name, one per member holding it. */
  lookup(namespace: string, name: string): ViewEntry[] {
    const clusters = this.holding(namespace, name);
    return clusters.map((c) => this.entries.get(entryKey(c, namespace, name))).filter((e): e is ViewEntry => e !== undefined);
  }

  get(cluster: string, namespace: string, name: string): ViewEntry | undefined {
    return this.entries.get(entryKey(cluster, namespace, name));
  }

  /**
   * Registers a watcher and returns the events it must be sent first: those after `fromSeq` (a resume), or
   * undefined when the window no longer holds them (the caller answers 410).
   */
  watchFrom(watcher: ViewWatcher, fromSeq: number): ViewEvent[] | undefined {
    const replay = this.window.after(fromSeq, this.seq);
    if (replay) this.watchers.add(watcher);
    return replay;
  }

  /** The oldest position a watch may resume after. */
  oldestResumable(): number {
    return this.window.oldestResumable(this.seq);
  }

  /** Registers a watcher at the current position (the caller sends the current entries first). */
  watchNow(watcher: ViewWatcher): void {
    this.watchers.add(watcher);
  }

  unwatch(watcher: ViewWatcher): void {
    // A watch is a use: the idle time counts from its end.
    if (this.watchers.delete(watcher)) this.lastUsed = Date.now();
  }

  /**
   * Stops the informers and ends every watch. The memory counts as released at once (the owner drops the cache);
   * the entries stay for a list or get still reading them, and go with the cache.
   */
  async stop(reason?: string): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopReason = reason;
    for (const w of [...this.watchers]) w.close(reason);
    this.watchers.clear();
    const informers = [...this.members.values()].map((m) => m.informer.stop());
    this.members.clear();
    this.o.onSize?.(-this.bytes);
    this.bytes = 0;
    this.wakeSyncWaiters();
    await Promise.all(informers);
  }

  private dropCluster(cluster: string): void {
    this.droppedClusters.add(cluster);
    this.clusterList = undefined;
    for (const e of [...this.entries.values()]) {
      if (e.cluster === cluster) this.remove(e, undefined);
    }
    this.droppedClusters.delete(cluster);
    this.clusterList = undefined;
  }

  private apply(cluster: string, type: MemberEventType, item: MemberItem): void {
    const meta = item.object.metadata;
    const namespace = meta.namespace ?? '';
    const name = String(meta.name ?? '');
    const key = entryKey(cluster, namespace, name);
    const existing = this.entries.get(key);
    if (type === 'DELETED') {
      if (existing) this.remove(existing, item.object.metadata.resourceVersion ? item : undefined);
      return;
    }
    if (existing) {
      if (existing.memberVersion === meta.resourceVersion) return;
      const next = this.encode(cluster, item, existing.servedName);
      this.replace(existing, next);
      this.emit('MODIFIED', next, existing);
      return;
    }
    const clusters = this.holding(namespace, name);
    if (clusters.length === 1) this.rename(clusters[0]!, namespace, name, `${name}@${clusters[0]}`);
    const entry = this.encode(cluster, item, clusters.length > 0 ? `${name}@${cluster}` : name);
    this.replace(undefined, entry);
    this.emit('ADDED', entry);
  }

  /** Removes an entry (DELETED with its last state, or the member's final object when given). */
  private remove(existing: ViewEntry, last: MemberItem | undefined): void {
    const final = last ? this.encode(existing.cluster, last, existing.servedName) : this.restamp(existing, existing.servedName);
    this.replace(existing, undefined);
    this.emit('DELETED', final);
    const clusters = this.holding(existing.namespace, existing.name);
    if (clusters.length === 1) this.rename(clusters[0]!, existing.namespace, existing.name, existing.name);
  }

  /** Serves an entry under a new name: DELETED of the old name, ADDED of the new. */
  private rename(cluster: string, namespace: string, name: string, servedName: string): void {
    const e = this.entries.get(entryKey(cluster, namespace, name));
    if (!e || e.servedName === servedName) return;
    this.emit('DELETED', this.restamp(e, e.servedName));
    const renamed = this.restamp(e, servedName);
    this.replace(e, renamed);
    this.emit('ADDED', renamed);
  }

  private replace(before: ViewEntry | undefined, after: ViewEntry | undefined): void {
    const cost = (e: ViewEntry | undefined) => (e ? e.json.length + ENTRY_OVERHEAD_BYTES + (e.cells?.length ?? 0) + (e.extra?.length ?? 0) : 0);
    const delta = cost(after) - cost(before);
    this.bytes += delta;
    if (delta !== 0) this.o.onSize?.(delta);
    if (after) this.entries.set(after.key, after);
    else if (before) this.entries.delete(before.key);
    if (!before || !after) this.sortedKeys = undefined;
  }

  /** The next token: every event (and the entry it carries) is stamped with the position after it. */
  private nextToken(): string {
    return formatViewToken(this.epoch, this.seq + 1);
  }

  /**
   * The clusters holding namespace/name, in name order. Asked of each cluster rather than indexed: a fleet has a
   * handful of members, and an index would cost every object a key.
   */
  private holding(namespace: string, name: string): string[] {
    const out: string[] = [];
    for (const c of this.clusterNames()) if (this.entries.has(entryKey(c, namespace, name))) out.push(c);
    return out;
  }

  /** Members followed, and clusters whose objects are still held (a member being dropped). */
  private clusterNames(): string[] {
    if (!this.clusterList) {
      const names = new Set(this.members.keys());
      for (const c of this.droppedClusters) names.add(c);
      this.clusterList = [...names].sort(compare);
    }
    return this.clusterList;
  }

  private intern(namespace: string): string {
    const known = this.namespaces.get(namespace);
    if (known !== undefined) return known;
    this.namespaces.set(namespace, namespace);
    return namespace;
  }

  private encode(cluster: string, item: MemberItem, servedName: string): ViewEntry {
    const namespace = this.intern(item.object.metadata.namespace ?? '');
    const key = this.entries.get(entryKey(cluster, namespace, String(item.object.metadata.name ?? '')))?.key;
    return encodeViewEntry({ cluster, item, servedName, token: this.nextToken(), namespace, fields: this.o.fields, ...(key ? { key } : {}) });
  }

  /** The entry re-encoded under a served name at the next token (renames, deletions without a final object). */
  private restamp(e: ViewEntry, servedName: string): ViewEntry {
    return restampViewEntry(e, servedName, this.nextToken());
  }

  private emit(type: ViewEventType, entry: ViewEntry, prev?: ViewEntry): void {
    this.seq++;
    const event: ViewEvent = { seq: this.seq, token: entry.token, type, entry, ...(prev ? { prev } : {}) };
    this.window.push(event);
    for (const w of this.watchers) w.deliver(event);
  }
}
