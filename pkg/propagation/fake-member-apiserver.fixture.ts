// A member cluster's apiserver faked in memory on undici's MockAgent, for the propagation controller's tests: enough
// of the Kubernetes REST semantics (create, server-side apply, JSON patch, get, delete, list and watch with a label
// selector, resourceVersions, namespaces) for propagation to run against it unchanged, and a record of every call.
import { randomUUID } from 'node:crypto';
import fastJsonPatch from 'fast-json-patch';
import type { MockAgent } from 'undici';
import type { KubeObject, ManagedFieldsEntry } from '../../api/meta/object-meta.js';
import { ClusterClient } from '../members/cluster-client.js';

/** One call as the fake received it. */
export interface RecordedRequest {
  readonly method: string;
  /** Without the query. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType: string | undefined;
  /** The body parsed as JSON (apply bodies are JSON, which is YAML), or undefined. */
  readonly body: unknown;
}

export interface FakeReply {
  readonly statusCode: number;
  readonly data: string;
}

interface Address {
  /** Collection across namespaces: `/api/v1/configmaps`, `/apis/apps/v1/deployments`. */
  readonly resource: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

interface StoredEvent {
  readonly rv: number;
  readonly resource: string;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: KubeObject;
  readonly previous: KubeObject | undefined;
}

interface PendingWatch {
  readonly resource: string;
  readonly namespace: string | undefined;
  readonly since: number;
  readonly selector: (labels: Readonly<Record<string, string>>) => boolean;
  readonly resolve: (body: string) => void;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KINDS: Readonly<Record<string, string>> = {
  configmaps: 'ConfigMap',
  deployments: 'Deployment',
  namespaces: 'Namespace',
  secrets: 'Secret',
  services: 'Service',
};

/** A Kubernetes Status body. */
export function statusBody(code: number, reason: string, message: string, details?: Record<string, unknown>): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message, ...(details ? { details } : {}) });
}

/** `/api/v1/namespaces/demo/configmaps/app` → its collection, namespace and name; undefined for non-resource paths. */
function address(path: string): Address | undefined {
  const m = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/(.+)$/.exec(path);
  if (!m) return undefined;
  const segments = m[2]!.split('/').map(decodeURIComponent);
  if (segments[0] === 'namespaces' && segments.length >= 3) {
    return { resource: `${m[1]}/${segments[2]}`, namespace: segments[1], name: segments[3] };
  }
  return { resource: `${m[1]}/${segments[0]}`, namespace: undefined, name: segments[1] };
}

/** Equality, inequality and existence terms, comma-separated (all a propagation informer sends). */
function parseSelector(text: string | undefined): (labels: Readonly<Record<string, string>>) => boolean {
  const terms = (text ?? '').split(',').filter((t) => t.trim() !== '');
  return (labels) =>
    terms.every((term) => {
      const ne = /^([^!=]+)!=(.*)$/.exec(term);
      if (ne) return labels[ne[1]!.trim()] !== ne[2]!.trim();
      const eq = /^([^!=]+)==?(.*)$/.exec(term);
      if (eq) return labels[eq[1]!.trim()] === eq[2]!.trim();
      if (term.startsWith('!')) return !(term.slice(1).trim() in labels);
      return term.trim() in labels;
    });
}

function header(headers: unknown, name: string): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    return undefined;
  }
  if (headers && typeof headers === 'object') {
    for (const [k, v] of Object.entries(headers as Record<string, unknown>)) if (k.toLowerCase() === name) return String(v);
  }
  return undefined;
}

const contentOf = (o: KubeObject): string => {
  const { metadata: _m, status: _s, ...rest } = o;
  return JSON.stringify(rest);
};

/**
 * One member apiserver at `origin` on `mock`. Objects live in a map; every change gets the next resourceVersion and
 * is an event for watches. A watch is answered as soon as there are events after its resourceVersion (held open
 * until then), so informers follow changes without polling and never spin on an empty answer.
 */
export class FakeMemberApiserver {
  readonly client: ClusterClient;
  /** Every call, in order of arrival. */
  readonly requests: RecordedRequest[] = [];
  /** Answers a call in the fake's place when it returns a reply: failures on demand. Called after recording. */
  intercept: ((req: RecordedRequest) => FakeReply | undefined) | undefined;
  private readonly objects = new Map<string, { resource: string; object: KubeObject }>();
  private readonly events: StoredEvent[] = [];
  private pending: PendingWatch[] = [];
  private rv = 100;
  private closed = false;

  constructor(
    mock: MockAgent,
    readonly origin: string,
    options: { namespaces?: readonly string[] } = {},
  ) {
    this.client = new ClusterClient({ server: origin, token: 'member-token' }, { dispatcher: mock });
    for (const ns of options.namespaces ?? []) this.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    mock
      .get(origin)
      .intercept({ path: () => true, method: () => true })
      .reply((opts) => {
        const url = new URL(String(opts.path), origin);
        const text = typeof opts.body === 'string' ? opts.body : opts.body instanceof Uint8Array ? Buffer.from(opts.body).toString('utf8') : undefined;
        const req: RecordedRequest = {
          method: String(opts.method).toUpperCase(),
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          contentType: header(opts.headers, 'content-type'),
          body: text ? (JSON.parse(text) as unknown) : undefined,
        };
        this.requests.push(req);
        const injected = this.intercept?.(req);
        if (injected) return injected;
        if (req.method === 'GET' && req.query.watch) return { statusCode: 200, data: () => this.watch(req) };
        return this.handle(req);
      })
      .persist();
  }

  /** The writes (POST, PUT, PATCH, DELETE) received, in order. */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => WRITE_METHODS.has(r.method));
  }

  /** The object at an object path such as `/api/v1/namespaces/demo/configmaps/app`. */
  object(path: string): KubeObject | undefined {
    const a = address(path);
    return a ? structuredClone(this.objects.get(this.key(a))?.object) : undefined;
  }

  /** Stores an object as another client of the member would (`kubectl create`), with the events that follow. */
  put(object: KubeObject): KubeObject {
    const group = object.apiVersion === 'v1' ? '/api/v1' : `/apis/${object.apiVersion}`;
    const plural = Object.entries(KINDS).find(([, k]) => k === object.kind)?.[0] ?? `${object.kind.toLowerCase()}s`;
    const a: Address = { resource: `${group}/${plural}`, namespace: object.metadata.namespace, name: String(object.metadata.name) };
    return this.store(a, this.stamp(object, undefined, { manager: 'kubectl-create', operation: 'Update' }));
  }

  /** Ends the fake: watches still held are dropped (their callers abort them). */
  close(): void {
    this.closed = true;
    this.pending = [];
  }

  private key(a: Address): string {
    return `${a.resource}|${a.namespace ?? ''}|${a.name ?? ''}`;
  }

  private handle(req: RecordedRequest): FakeReply {
    const a = address(req.path);
    if (!a) return { statusCode: 404, data: statusBody(404, 'NotFound', 'the server could not find the requested resource') };
    const existing = a.name !== undefined ? this.objects.get(this.key(a))?.object : undefined;
    const notFound = (): FakeReply => ({ statusCode: 404, data: statusBody(404, 'NotFound', `${a.resource.split('/').pop()} "${a.name}" not found`, { name: a.name, kind: a.resource.split('/').pop() }) });
    switch (req.method) {
      case 'GET':
        if (a.name === undefined) return this.list(a, req);
        return existing ? { statusCode: 200, data: JSON.stringify(existing) } : notFound();
      case 'POST':
        return this.create(a, req);
      case 'PATCH':
        if (a.name === undefined) return { statusCode: 405, data: statusBody(405, 'MethodNotAllowed', 'PATCH on a collection') };
        if (req.contentType === 'application/apply-patch+yaml') return this.apply(a, req, existing);
        if (req.contentType === 'application/json-patch+json') return existing ? this.jsonPatch(a, req, existing) : notFound();
        return { statusCode: 415, data: statusBody(415, 'UnsupportedMediaType', `${req.contentType ?? 'no content type'} is not supported here`) };
      case 'DELETE': {
        if (a.name === undefined || !existing) return notFound();
        const uid = (req.body as { preconditions?: { uid?: string } } | undefined)?.preconditions?.uid;
        if (uid && uid !== existing.metadata.uid) {
          return { statusCode: 409, data: statusBody(409, 'Conflict', `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${existing.metadata.uid}`) };
        }
        this.objects.delete(this.key(a));
        const gone = structuredClone(existing);
        gone.metadata.resourceVersion = String(++this.rv);
        this.emit(a.resource, 'DELETED', gone, existing);
        return { statusCode: 200, data: JSON.stringify(gone) };
      }
      default:
        return { statusCode: 405, data: statusBody(405, 'MethodNotAllowed', `${req.method} is not supported here`) };
    }
  }

  private list(a: Address, req: RecordedRequest): FakeReply {
    const selector = parseSelector(req.query.labelSelector);
    const items = [...this.objects.values()]
      .filter((o) => o.resource === a.resource && (a.namespace === undefined || o.object.metadata.namespace === a.namespace))
      .map((o) => o.object)
      .filter((o) => selector(o.metadata.labels ?? {}));
    const apiVersion = a.resource.startsWith('/api/v1/') ? 'v1' : a.resource.split('/').slice(2, 4).join('/');
    const kind = KINDS[a.resource.split('/').pop()!];
    return { statusCode: 200, data: JSON.stringify({ apiVersion, kind: kind ? `${kind}List` : 'List', metadata: { resourceVersion: String(this.rv) }, items }) };
  }

  private create(a: Address, req: RecordedRequest): FakeReply {
    const body = req.body as KubeObject | undefined;
    const name = body?.metadata?.name;
    if (!body || !name || a.name !== undefined) return { statusCode: 400, data: statusBody(400, 'BadRequest', 'a create needs an object with metadata.name, on a collection') };
    const target: Address = { ...a, name: String(name) };
    if (a.namespace !== undefined && !this.objects.has(this.key({ resource: '/api/v1/namespaces', namespace: undefined, name: a.namespace }))) {
      return { statusCode: 404, data: statusBody(404, 'NotFound', `namespaces "${a.namespace}" not found`, { name: a.namespace, kind: 'namespaces' }) };
    }
    if (this.objects.has(this.key(target))) {
      const plural = a.resource.split('/').pop();
      return { statusCode: 409, data: statusBody(409, 'AlreadyExists', `${plural} "${name}" already exists`, { name, kind: plural }) };
    }
    const created = this.stamp({ ...body, metadata: { ...body.metadata, ...(a.namespace ? { namespace: a.namespace } : {}) } }, undefined, { manager: req.query.fieldManager ?? 'unknown', operation: 'Update' });
    if (req.query.dryRun === 'All') return { statusCode: 201, data: JSON.stringify(created) };
    return { statusCode: 201, data: JSON.stringify(this.store(target, created)) };
  }

  /** Server-side apply, create or replace: Herd's field set is the whole body, so the body becomes the object. */
  private apply(a: Address, req: RecordedRequest, existing: KubeObject | undefined): FakeReply {
    const manager = req.query.fieldManager;
    if (!manager) return { statusCode: 400, data: statusBody(400, 'BadRequest', 'PATCH with apply-patch+yaml needs fieldManager') };
    const body = req.body as KubeObject;
    const next = this.stamp({ ...body, metadata: { ...body.metadata, ...(a.namespace ? { namespace: a.namespace } : {}) } }, existing, { manager, operation: 'Apply' });
    if (existing && existing.status !== undefined) next.status = existing.status;
    return { statusCode: existing ? 200 : 201, data: JSON.stringify(this.store(a, next)) };
  }

  private jsonPatch(a: Address, req: RecordedRequest, existing: KubeObject): FakeReply {
    let patched: KubeObject;
    try {
      patched = fastJsonPatch.applyPatch(structuredClone(existing), req.body as fastJsonPatch.Operation[], true, false).newDocument;
    } catch (err) {
      return { statusCode: 422, data: statusBody(422, 'Invalid', `the JSON patch does not apply: ${err instanceof Error ? err.message : String(err)}`) };
    }
    patched.metadata.resourceVersion = String(++this.rv);
    if (contentOf(patched) !== contentOf(existing)) patched.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    return { statusCode: 200, data: JSON.stringify(this.store(a, patched)) };
  }

  /** System metadata for a new version of an object: uid, resourceVersion, generation, timestamps, managed fields. */
  private stamp(object: KubeObject, existing: KubeObject | undefined, entry: Pick<ManagedFieldsEntry, 'manager' | 'operation'>): KubeObject {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const others = (existing?.metadata.managedFields ?? []).filter((e) => e.manager !== entry.manager || e.operation !== entry.operation);
    const next: KubeObject = structuredClone(object);
    const generation = existing ? (existing.metadata.generation ?? 1) + (contentOf(next) !== contentOf(existing) ? 1 : 0) : 1;
    next.metadata = {
      ...next.metadata,
      uid: existing?.metadata.uid ?? randomUUID(),
      resourceVersion: String(++this.rv),
      generation,
      creationTimestamp: existing?.metadata.creationTimestamp ?? now,
      managedFields: [...others, { ...entry, apiVersion: object.apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: {} }],
    };
    return next;
  }

  private store(a: Address, object: KubeObject): KubeObject {
    const key = this.key(a);
    const previous = this.objects.get(key)?.object;
    this.objects.set(key, { resource: a.resource, object });
    this.emit(a.resource, previous ? 'MODIFIED' : 'ADDED', object, previous);
    return structuredClone(object);
  }

  private emit(resource: string, type: StoredEvent['type'], object: KubeObject, previous: KubeObject | undefined): void {
    this.events.push({ rv: Number(object.metadata.resourceVersion), resource, type, object: structuredClone(object), previous: previous && structuredClone(previous) });
    const still: PendingWatch[] = [];
    for (const w of this.pending) {
      const body = this.eventsFor(w);
      if (body) w.resolve(body);
      else still.push(w);
    }
    this.pending = still;
  }

  /** A watch's answer: the events after its resourceVersion, once there is at least one. */
  private watch(req: RecordedRequest): Promise<string> {
    const a = address(req.path);
    return new Promise((resolve) => {
      if (!a || this.closed) return; // Held until the caller aborts it.
      const w: PendingWatch = { resource: a.resource, namespace: a.namespace, since: Number(req.query.resourceVersion || 0), selector: parseSelector(req.query.labelSelector), resolve };
      const body = this.eventsFor(w);
      if (body) resolve(body);
      else this.pending.push(w);
    });
  }

  /** Newline-delimited watch events for `w`, as the selector sees them (leaving it is a DELETED). */
  private eventsFor(w: PendingWatch): string {
    const lines: string[] = [];
    for (const e of this.events) {
      if (e.rv <= w.since || e.resource !== w.resource) continue;
      if (w.namespace !== undefined && e.object.metadata.namespace !== w.namespace) continue;
      const now = e.type !== 'DELETED' && w.selector(e.object.metadata.labels ?? {});
      const before = e.previous !== undefined && w.selector(e.previous.metadata.labels ?? {});
      let type: StoredEvent['type'] | undefined;
      if (e.type === 'DELETED') type = before ? 'DELETED' : undefined;
      else if (now) type = before ? 'MODIFIED' : 'ADDED';
      else if (before) type = 'DELETED';
      if (type) lines.push(`${JSON.stringify({ type, object: e.object })}\n`);
    }
    return lines.join('');
  }
}
