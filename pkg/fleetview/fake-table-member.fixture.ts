// A member apiserver faked in process for the fleet view's tests: a plain HTTP server holding collections of
// objects that answers lists and watches as kube-apiserver does for the fleet view's member informers — as a
// meta.k8s.io/v1 Table with the objects included when asked, in pages (limit/continue), watches from a
// resourceVersion with bookmarks, and 410 Gone for a point it compacted away. A test can stop it (an outage: every
// connection cut, nothing answers), start it again on the same port with its objects kept, and compact it.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { KubeObject } from '../../api/meta/object-meta.js';
import { everythingFieldSelector, parseFieldSelector } from '../apimachinery/field-selector.js';
import { everythingLabelSelector, parseLabelSelector } from '../apimachinery/label-selector.js';
import type { TableColumnDefinition } from '../apimachinery/table.js';
import { humanAge } from '../apimachinery/table-human-duration.js';
import { ClusterClient } from '../members/cluster-client.js';
import type { FleetMember, FleetMembers } from './fleet-members.js';
import { MergedResource } from './merged-resource.js';
import { selectableFields } from './selectable-fields.js';
import type { ViewScope } from './view-scope.js';

/** How the member prints a collection: its columns, and a row's cells for an object (the first cell is the name). */
export interface FakePrinter {
  readonly columns: readonly TableColumnDefinition[];
  readonly cells: (object: KubeObject) => unknown[];
}

const column = (name: string, type = 'string', priority = 0): TableColumnDefinition => ({
  name,
  type,
  format: name === 'Name' ? 'name' : '',
  description: `${name} column`,
  priority,
});

/** Name and Age, as kube-apiserver prints a resource without printer columns. */
export const DEFAULT_PRINTER: FakePrinter = {
  columns: [column('Name'), column('Age', 'date')],
  cells: (o) => [o.metadata.name, humanAge(o.metadata.creationTimestamp, Date.now())],
};

/** Pods as kube-apiserver prints them (the first columns, and IP as a -o wide column). */
export const POD_PRINTER: FakePrinter = {
  columns: [column('Name'), column('Ready'), column('Status'), column('Restarts', 'string'), column('Age', 'string'), column('IP', 'string', 1)],
  cells: (o) => {
    const status = (o.status ?? {}) as { phase?: string; podIP?: string };
    return [o.metadata.name, '1/1', status.phase ?? 'Pending', '0', humanAge(o.metadata.creationTimestamp, Date.now()), status.podIP ?? '<none>'];
  },
};

interface StoredEvent {
  readonly rv: number;
  readonly collection: string;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: KubeObject;
}

interface OpenWatch {
  readonly collection: string;
  readonly res: ServerResponse;
  readonly table: boolean;
  readonly includeObject: string;
  readonly bookmarks: boolean;
  columnsSent: boolean;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

const statusBody = (code: number, reason: string, message: string) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message });

/**
 * One fake member. Collections are named by their path across namespaces (`/api/v1/pods`); a collection the test
 * has not `serve`d answers 404, as a resource the member does not serve. Every change gets the next
 * resourceVersion and goes to the open watches of its collection at once.
 */
export class FakeTableMember {
  /** `GET path?query` of every call, in order of arrival. */
  readonly requests: string[] = [];
  /** False: answers plain JSON even when asked for a Table (a member that cannot print the resource). */
  printsTables = true;
  /** How a watch from a compacted point is refused: HTTP 410, or 200 with one ERROR event (the watch cache's way). */
  goneAs: 'status' | 'event' = 'status';
  /** Called with `GET path?query` of each call before it is answered: changes on cue. */
  onRequest: ((call: string) => void) | undefined;
  private rv = 100;
  private compactedRv = 0;
  private readonly printers = new Map<string, FakePrinter>();
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private events: StoredEvent[] = [];
  private readonly watches = new Set<OpenWatch>();
  private readonly snapshots = new Map<string, { readonly rv: number; readonly items: readonly KubeObject[] }>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private port = 0;
  private currentClient: ClusterClient | undefined;
  private readonly clients: ClusterClient[] = [];

  constructor(readonly name: string) {}

  /** Starts (or starts again, on the same port) the member. */
  async start(): Promise<this> {
    if (this.server) return this;
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
    return this;
  }

  /** An outage: every connection is cut and nothing answers until `start`. The objects are kept. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.watches.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  /** Stops the member and closes every client it handed out. */
  async close(): Promise<void> {
    await this.stop();
    await Promise.all(this.clients.map((c) => c.close()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A client for the member (the same one each time, until `newClient`). */
  get client(): ClusterClient {
    return (this.currentClient ??= this.newClient());
  }

  /** A new client, as Herd makes when a member's credentials change. */
  newClient(): ClusterClient {
    const c = new ClusterClient({ server: this.url });
    this.clients.push(c);
    this.currentClient = c;
    return c;
  }

  /** The member as the fleet view sees it. */
  member(): FleetMember {
    return { name: this.name, client: this.client, ready: true };
  }

  /** Serves a collection (printed by `printer`). */
  serve(collection: string, printer: FakePrinter = DEFAULT_PRINTER): this {
    this.printers.set(collection, printer);
    if (!this.objects.has(collection)) this.objects.set(collection, new Map());
    return this;
  }

  /** Stops serving a collection (a CRD removed): its watches end, and it answers 404. */
  unserve(collection: string): void {
    this.printers.delete(collection);
    this.objects.delete(collection);
    for (const w of [...this.watches]) {
      if (w.collection !== collection) continue;
      this.watches.delete(w);
      w.res.end();
    }
  }

  /** Creates or replaces an object, as another client of the member would; returns it as stored. */
  put(collection: string, object: KubeObject): KubeObject {
    const items = this.itemsOf(collection);
    const key = keyOf(object);
    const before = items.get(key);
    const stored: KubeObject = structuredClone(object);
    stored.metadata = {
      ...stored.metadata,
      uid: before?.metadata.uid ?? stored.metadata.uid ?? randomUUID(),
      creationTimestamp: before?.metadata.creationTimestamp ?? stored.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      resourceVersion: String(++this.rv),
    };
    items.set(key, stored);
    this.emit({ rv: this.rv, collection, type: before ? 'MODIFIED' : 'ADDED', object: stored });
    return structuredClone(stored);
  }

  /** Deletes an object; false when there was none. */
  remove(collection: string, namespace: string | undefined, name: string): boolean {
    const items = this.itemsOf(collection);
    const key = `${namespace ?? ''}/${name}`;
    const before = items.get(key);
    if (!before) return false;
    items.delete(key);
    const gone: KubeObject = { ...structuredClone(before), metadata: { ...before.metadata, resourceVersion: String(++this.rv) } };
    this.emit({ rv: this.rv, collection, type: 'DELETED', object: gone });
    return true;
  }

  /** The objects of a collection, in list order. */
  list(collection: string): KubeObject[] {
    return [...this.itemsOf(collection).values()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0)).map((o) => structuredClone(o));
  }

  /** Forgets every event and list snapshot so far: a watch or a continue from before now is answered 410. */
  compact(): void {
    this.compactedRv = this.rv;
    this.events = [];
    this.snapshots.clear();
  }

  /** Sends a BOOKMARK at the current resourceVersion to every watch that allowed them. */
  bookmark(): void {
    for (const w of this.watches) {
      if (!w.bookmarks) continue;
      const object = w.table
        ? { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: {}, columnDefinitions: null, rows: [{ cells: [], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: String(this.rv) } } }] }
        : { kind: 'Bookmark', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) } };
      w.res.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
    }
  }

  /** Cuts every open watch connection (the member stays up). */
  dropWatches(): void {
    for (const w of this.watches) w.res.destroy();
    this.watches.clear();
  }

  /** Watches open now. */
  get openWatches(): number {
    return this.watches.size;
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  private itemsOf(collection: string): Map<string, KubeObject> {
    const items = this.objects.get(collection);
    if (!items) throw new Error(`${this.name} does not serve ${collection}; serve it first`);
    return items;
  }

  private emit(event: StoredEvent): void {
    this.events.push(event);
    for (const w of this.watches) if (w.collection === event.collection) this.send(w, event.type, event.object);
  }

  private send(w: OpenWatch, type: string, object: KubeObject): void {
    const printer = this.printers.get(w.collection) ?? DEFAULT_PRINTER;
    const body = w.table ? this.table(printer, [object], w.includeObject, !w.columnsSent, { resourceVersion: object.metadata.resourceVersion }) : object;
    w.columnsSent = true;
    w.res.write(`${JSON.stringify({ type, object: body })}\n`);
  }

  private table(printer: FakePrinter, objects: readonly KubeObject[], includeObject: string, withColumns: boolean, metadata: Record<string, unknown>): unknown {
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata,
      columnDefinitions: withColumns ? printer.columns : null,
      rows: objects.map((o) => ({
        cells: printer.cells(o),
        ...(includeObject === 'Object' ? { object: o } : includeObject === 'None' ? {} : { object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } }),
      })),
    };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const call = `${req.method} ${url.pathname}${url.search}`;
    this.requests.push(call);
    this.onRequest?.(call);
    const reply = (code: number, body: string): void => void res.writeHead(code, { 'content-type': 'application/json' }).end(body);
    const collection = url.pathname;
    const printer = this.printers.get(collection);
    if (req.method !== 'GET' || !printer) return reply(404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
    const q = url.searchParams;
    const table = this.printsTables && (req.headers.accept ?? '').includes('as=Table');
    const includeObject = q.get('includeObject') || 'Metadata';
    if (q.get('watch') === '1' || q.get('watch') === 'true') return this.watch(res, collection, q, table, includeObject);

    const limit = Number(q.get('limit') ?? 0);
    const token = q.get('continue');
    let snapshot: { readonly rv: number; readonly items: readonly KubeObject[] };
    let offset = 0;
    if (token) {
      const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { id: string; offset: number };
      const found = this.snapshots.get(t.id);
      if (!found) {
        return reply(410, statusBody(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'));
      }
      snapshot = found;
      offset = t.offset;
    } else {
      snapshot = { rv: this.rv, items: this.list(collection) };
    }
    const page = limit > 0 ? snapshot.items.slice(offset, offset + limit) : snapshot.items.slice(offset);
    const more = limit > 0 && offset + limit < snapshot.items.length;
    let next: string | undefined;
    if (more) {
      const id = token ? (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { id: string }).id : randomUUID();
      this.snapshots.set(id, snapshot);
      next = Buffer.from(JSON.stringify({ id, offset: offset + limit })).toString('base64url');
    }
    const metadata = { resourceVersion: String(snapshot.rv), ...(next ? { continue: next } : {}) };
    if (table) return reply(200, JSON.stringify(this.table(printer, page, includeObject, true, metadata)));
    // As kube-apiserver: list items carry no apiVersion and kind.
    const items = page.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
    return reply(200, JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata, items }));
  }

  private watch(res: ServerResponse, collection: string, q: URLSearchParams, table: boolean, includeObject: string): void {
    const from = q.get('resourceVersion') ?? '';
    const since = from === '' || from === '0' ? undefined : Number(from);
    if (since !== undefined && since < this.compactedRv) {
      const message = `too old resource version: ${since} (${this.compactedRv})`;
      if (this.goneAs === 'status') {
        res.writeHead(410, { 'content-type': 'application/json' }).end(statusBody(410, 'Expired', message));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ type: 'ERROR', object: JSON.parse(statusBody(410, 'Expired', message)) as unknown })}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const w: OpenWatch = { collection, res, table, includeObject, bookmarks: q.get('allowWatchBookmarks') === 'true', columnsSent: false };
    if (since === undefined) {
      for (const o of this.list(collection)) this.send(w, 'ADDED', o);
    } else {
      for (const e of this.events) if (e.collection === collection && e.rv > since) this.send(w, e.type, e.object);
    }
    this.watches.add(w);
    res.on('close', () => this.watches.delete(w));
  }
}

/** Starts members that serve `collections`, named as given (one member per name, in that order). */
export async function startMembers<const N extends readonly string[]>(names: N, collections: Readonly<Record<string, FakePrinter>>): Promise<{ -readonly [K in keyof N]: FakeTableMember }> {
  const members = await Promise.all(
    names.map(async (n) => {
      const m = await new FakeTableMember(n).start();
      for (const [c, p] of Object.entries(collections)) m.serve(c, p);
      return m;
    }),
  );
  return members as { -readonly [K in keyof N]: FakeTableMember };
}

/** A Pod in `namespace` with labels and a phase (and a node, an IP). */
export function pod(namespace: string, name: string, o: { labels?: Record<string, string>; phase?: string; nodeName?: string; podIP?: string; creationTimestamp?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, ...(o.labels ? { labels: o.labels } : {}), ...(o.creationTimestamp ? { creationTimestamp: o.creationTimestamp } : {}) },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...(o.nodeName ? { nodeName: o.nodeName } : {}) },
    status: { phase: o.phase ?? 'Running', ...(o.podIP ? { podIP: o.podIP } : {}) },
  };
}

/** A ConfigMap in `namespace` with some data. */
export function configMap(namespace: string, name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name, ...(labels ? { labels } : {}) }, data };
}

/** FleetMembers over fake members; `set` changes the fleet and tells the listeners. */
export class FakeViewMembers implements FleetMembers {
  private readonly listeners = new Set<(name: string) => void>();

  constructor(private members: readonly FakeTableMember[]) {}

  set(members: readonly FakeTableMember[]): void {
    this.members = members;
    for (const l of this.listeners) l('');
  }

  list(): FleetMember[] {
    return this.members.map((m) => m.member()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): FleetMember | undefined {
    return this.members.find((m) => m.name === name)?.member();
  }

  onChange(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** A merged cache of `/api/v1/<resource>` over `members`, once every member's first list is in. */
export async function syncedResource(members: readonly FakeTableMember[], resource: string, kind: string, o: { namespaced?: boolean; window?: number } = {}): Promise<MergedResource> {
  const namespaced = o.namespaced ?? true;
  const merged = new MergedResource({
    group: '',
    version: 'v1',
    resource,
    kind,
    namespaced,
    fields: selectableFields('', resource, namespaced),
    ...(o.window ? { window: o.window } : {}),
  });
  merged.setMembers(members.map((m) => m.member()));
  const missing = await merged.waitForSync(3_000);
  if (missing.length > 0) throw new Error(`members not synced: ${missing.join(', ')}`);
  return merged;
}

/** A scope from query-like text: every namespace and every member unless told otherwise. */
export function scopeOf(members: readonly string[], o: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}): ViewScope {
  return {
    namespace: o.namespace ?? '',
    clusters: new Set(members),
    labelSelector: o.labelSelector ? parseLabelSelector(o.labelSelector) : everythingLabelSelector,
    fieldSelector: o.fieldSelector ? parseFieldSelector(o.fieldSelector) : everythingFieldSelector,
  };
}
