// The fleet view's discovery, /version and OpenAPI v3: the union of its members', kept up to date as members join,
// leave or change what they serve, and answered as plain values for the HTTP layer to send.
import { AGGREGATED_DISCOVERY_V2_CONTENT_TYPE, discoveryETag, encodeDiscoveryDocument, ifNoneMatchHits } from '../apimachinery/discovery.js';
import { parseAccept } from '../apimachinery/negotiation.js';
import { newPathNotFound, newServiceUnavailable, StatusError } from '../apimachinery/status-error.js';
import { readMemberDiscovery, type MemberDiscovery, type MemberOpenAPIPath } from './fleet-discovery-member.js';
import { DiscoveryUnion, type ViewResource } from './fleet-discovery-union.js';
import type { FleetMembers } from './fleet-members.js';
import { OpenAPIUnion, type OpenAPISource } from './openapi-union.js';

export type { ViewResource } from './fleet-discovery-union.js';

export interface DiscoveryAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface FleetDiscoveryOptions {
  readonly members: FleetMembers;
  readonly log?: (msg: string, err?: unknown) => void;
  readonly now?: () => number;
  /** Deadline of each call to a member. */
  readonly timeoutMs?: number;
}

/** Member changes often come in bursts (a member and its client, several members at once): read once after them. */
const DEBOUNCE_MS = 500;
/** A miss re-reads every member at most this often, so unknown paths cannot make Herd hammer its members. */
const ON_DEMAND_INTERVAL_MS = 30_000;
const JSON_TYPE = 'application/json';

interface Encoded {
  readonly body: string;
  readonly etag: string;
}

/** What the view serves now, replaced whole after every read. */
interface ViewState {
  readonly union: DiscoveryUnion;
  readonly version: Readonly<Record<string, unknown>> | undefined;
  /**
   * Encoded documents by path (`/apis`, `aggregated /api`, ...), filled on first request; carried over to the next
   * state while the documents stay the same, so each is encoded once per change.
   */
  readonly encoded: Map<string, Encoded>;
  /** The documents the state answers, to tell a read that changed none of them. */
  readonly fingerprint: string;
}

function emptyState(): ViewState {
  return { union: new DiscoveryUnion([]), version: undefined, encoded: new Map(), fingerprint: '' };
}

function wantsAggregated(accept: string | undefined): boolean {
  for (const r of parseAccept(accept)) {
    const json = r.type === 'application/json' || r.type === '*/*' || r.type === 'application/*';
    if (!json) continue;
    if (r.params.as === undefined && r.params.g === undefined) return false;
    if (r.params.as === 'APIGroupDiscoveryList' && r.params.g === 'apidiscovery.k8s.io' && r.params.v === 'v2') return true;
  }
  return false;
}

const GIT_VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?/;

/** Orders /version documents by gitVersion (a pre-release before its release); negative when `a` is older. */
function compareServerVersions(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): number {
  const parts = (v: Readonly<Record<string, unknown>>): [number, number, number, string | undefined] => {
    const m = typeof v.gitVersion === 'string' ? GIT_VERSION.exec(v.gitVersion) : null;
    if (m) return [Number(m[1]), Number(m[2]), Number(m[3]), m[4]];
    // Without a gitVersion, major and minor (minor may carry a `+`) are all there is.
    return [Number.parseInt(String(v.major ?? '0'), 10) || 0, Number.parseInt(String(v.minor ?? '0'), 10) || 0, 0, undefined];
  };
  const [pa, pb] = [parts(a), parts(b)];
  const d = pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
  if (d !== 0) return d;
  if (pa[3] === pb[3]) return 0;
  if (pa[3] === undefined) return 1;
  if (pb[3] === undefined) return -1;
  return pa[3] < pb[3] ? -1 : 1;
}


function statusAnswer(err: StatusError): DiscoveryAnswer {
  return { status: err.status.code, contentType: JSON_TYPE, body: JSON.stringify(err.status) };
}

/**
 * The fleet view's discovery: reads every member's discovery at start and again (that member only) when it changes,
 * keeps a member's last known discovery while it is unreachable, and answers `/api`, `/apis`, `/version` and
 * `/openapi/v3` under the view from the union.
 */
export class FleetDiscovery {
  private readonly members: FleetMembers;
  private readonly log: (msg: string, err?: unknown) => void;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly openapi: OpenAPIUnion;

  /** Last successful read of each member still in the fleet. */
  private readonly known = new Map<string, MemberDiscovery>();
  /** Members whose last read failed (logged once until a read succeeds). */
  private readonly failing = new Set<string>();
  private state: ViewState = emptyState();

  private pendingAll = false;
  private readonly pendingNames = new Set<string>();
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private first: Promise<void> | undefined;
  private onDemand: Promise<void> | undefined;
  private lastFullRead = Number.NEGATIVE_INFINITY;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(o: FleetDiscoveryOptions) {
    this.members = o.members;
    this.log = o.log ?? (() => {});
    this.now = o.now ?? Date.now;
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.openapi = new OpenAPIUnion({
      fetch: (member, path) => {
        const m = this.members.get(member);
        if (!m) return Promise.reject(new Error(`member ${member} left the fleet`));
        return m.client.call('GET', path, undefined, this.timeoutMs, { accept: JSON_TYPE });
      },
      onStale: (member) => this.want(member),
      log: this.log,
    });
  }

  start(): void {
    if (this.unsubscribe || this.stopped) return;
    this.unsubscribe = this.members.onChange((name) => this.want(name));
    this.first = this.readAll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = undefined;
    await Promise.all([this.running, this.queued]);
  }

  /** Whether the member's discovery has been read at least once (a member just joined may not have been yet). */
  hasRead(member: string): boolean {
    return this.known.has(member);
  }

  /** For request routing: the resource if any member serves it. A miss re-reads discovery first (at most every 30 s). */
  async resolve(group: string, version: string, resource: string): Promise<ViewResource | undefined> {
    await this.first;
    const hit = this.state.union.resource(group, version, resource);
    if (hit || !(await this.readOnMiss())) return hit;
    return this.state.union.resource(group, version, resource);
  }

  /**
   * Answers a discovery, OpenAPI or version request under the view; `path` is the part after the view prefix and
   * `prefix` goes into OpenAPI URLs. Undefined when `path` is not one of those (a resource request).
   */
  async answer(path: string, query: URLSearchParams, headers: { accept?: string; ifNoneMatch?: string }, prefix: string): Promise<DiscoveryAnswer | undefined> {
    const parts = path.replace(/\/+$/, '').split('/').slice(1);
    // `/apis//v1` must not read as the core group.
    if (parts.includes('')) return undefined;
    const [root, a, b] = parts;
    if (root === 'version' && parts.length === 1) {
      await this.first;
      return this.versionAnswer();
    }
    if (root === 'api' && parts.length <= 2) {
      await this.first;
      if (a === undefined) return this.rootAnswer('/api', headers);
      return this.onMiss(() => this.resourceListAnswer('', a, headers));
    }
    if (root === 'apis' && parts.length <= 3) {
      await this.first;
      if (a === undefined) return this.rootAnswer('/apis', headers);
      if (b === undefined) return this.onMiss(() => this.groupAnswer(a, headers));
      return this.onMiss(() => this.resourceListAnswer(a, b, headers));
    }
    if (root === 'openapi') {
      await this.first;
      if (a !== 'v3') return statusAnswer(newPathNotFound());
      if (parts.length === 2) return this.send(this.openapi.index(prefix), headers, JSON_TYPE);
      const key = parts.slice(2).join('/');
      if (!this.openapi.has(key)) await this.readOnMiss();
      return this.openAPIDocument(key, query, headers);
    }
    return undefined;
  }

  /** Answers; when that is a 404, re-reads discovery (if allowed now) and answers again. */
  private async onMiss(make: () => DiscoveryAnswer): Promise<DiscoveryAnswer> {
    const first = make();
    if (first.status !== 404 || !(await this.readOnMiss())) return first;
    return make();
  }

  /** Re-reads every member unless that was done less than 30 s ago; whether the state may have changed. */
  private async readOnMiss(): Promise<boolean> {
    if (this.onDemand) {
      await this.onDemand;
      return true;
    }
    if (this.now() - this.lastFullRead < ON_DEMAND_INTERVAL_MS) return false;
    this.onDemand = this.readAll().finally(() => (this.onDemand = undefined));
    await this.onDemand;
    return true;
  }

  private encoded(name: string, make: () => Encoded | undefined): Encoded | undefined {
    const state = this.state;
    const hit = state.encoded.get(name);
    if (hit) return hit;
    const e = make();
    if (e) state.encoded.set(name, e);
    return e;
  }

  private send(doc: Encoded | { body: string; hash: string }, headers: { ifNoneMatch?: string }, contentType: string, extra: Record<string, string> = {}): DiscoveryAnswer {
    const etag = 'etag' in doc ? doc.etag : doc.hash;
    const out = { etag: `"${etag}"`, ...extra };
    if (ifNoneMatchHits(headers.ifNoneMatch, etag)) return { status: 304, contentType, body: '', headers: out };
    return { status: 200, contentType, body: doc.body, headers: out };
  }

  private rootAnswer(root: '/api' | '/apis', headers: { accept?: string; ifNoneMatch?: string }): DiscoveryAnswer {
    const union = this.state.union;
    // One path answers two documents by Accept: caches must key on it.
    const vary = { vary: 'Accept' };
    if (wantsAggregated(headers.accept)) {
      const doc = this.encoded(`aggregated ${root}`, () => encodeDiscoveryDocument(union.aggregated(root)))!;
      return this.send(doc, headers, AGGREGATED_DISCOVERY_V2_CONTENT_TYPE, vary);
    }
    const doc =
      root === '/apis'
        ? this.encoded('/apis', () => encodeDiscoveryDocument(union.apiGroupList()))!
        : this.encoded('/api', () => {
            const versions = union.apiVersions() ?? { kind: 'APIVersions', versions: [] };
            const body = JSON.stringify(versions);
            return { body, etag: discoveryETag(body) };
          })!;
    return this.send(doc, headers, JSON_TYPE, vary);
  }

  private groupAnswer(group: string, headers: { ifNoneMatch?: string }): DiscoveryAnswer {
    const union = this.state.union;
    const doc = this.encoded(`/apis/${group}`, () => {
      const g = union.apiGroup(group);
      return g ? encodeDiscoveryDocument(g) : undefined;
    });
    return doc ? this.send(doc, headers, JSON_TYPE) : statusAnswer(newPathNotFound());
  }

  private resourceListAnswer(group: string, version: string, headers: { ifNoneMatch?: string }): DiscoveryAnswer {
    const union = this.state.union;
    const doc = this.encoded(group === '' ? `/api/${version}` : `/apis/${group}/${version}`, () => {
      const list = union.apiResourceList(group, version);
      return list ? encodeDiscoveryDocument(list) : undefined;
    });
    return doc ? this.send(doc, headers, JSON_TYPE) : statusAnswer(newPathNotFound());
  }

  private versionAnswer(): DiscoveryAnswer {
    const version = this.state.version;
    if (!version) return statusAnswer(newServiceUnavailable('no member of the fleet has answered /version yet'));
    const doc = this.encoded('/version', () => {
      const body = JSON.stringify(version, null, 2);
      return { body, etag: discoveryETag(body) };
    })!;
    return { status: 200, contentType: JSON_TYPE, body: doc.body };
  }

  private async openAPIDocument(key: string, query: URLSearchParams, headers: { ifNoneMatch?: string }): Promise<DiscoveryAnswer> {
    let doc: { body: string; hash: string } | undefined;
    try {
      doc = await this.openapi.document(key);
    } catch (err) {
      return statusAnswer(newServiceUnavailable(`no member could serve the OpenAPI document ${key}: ${err instanceof Error ? err.message : String(err)}`));
    }
    if (!doc) return statusAnswer(newPathNotFound());
    // As Herd's own OpenAPI route: a request for the current hash may be cached forever; any other is answered with
    // the current document (never redirected: the aggregator refuses redirects).
    const cacheControl = query.get('hash') === doc.hash ? 'public, immutable' : 'no-cache, private';
    return this.send(doc, headers, JSON_TYPE, { 'cache-control': cacheControl });
  }

  /** Asks for a read of one member after the debounce. */
  private want(name: string): void {
    if (this.stopped) return;
    this.pendingNames.add(name);
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.schedule();
    }, DEBOUNCE_MS);
    this.debounce.unref?.();
  }

  private readAll(): Promise<void> {
    this.pendingAll = true;
    return this.schedule();
  }

  /**
   * One read at a time; asks made while one runs are gathered into the next, and every asker waits for the read
   * that covers its ask.
   */
  private schedule(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.queued) return this.queued;
    const run: Promise<void> = (this.running ?? Promise.resolve()).then(async () => {
      this.queued = undefined;
      this.running = run;
      try {
        await this.readPending();
      } catch (err) {
        this.log('fleet view: reading member discovery failed', err);
      } finally {
        if (this.running === run) this.running = undefined;
      }
    });
    this.queued = run;
    return run;
  }

  private async readPending(): Promise<void> {
    const all = this.pendingAll;
    const names = new Set(this.pendingNames);
    this.pendingAll = false;
    this.pendingNames.clear();
    if (this.stopped) return;
    if (all) this.lastFullRead = this.now();
    const members = this.members.list();
    const present = new Set(members.map((m) => m.name));
    for (const name of [...this.known.keys()]) if (!present.has(name)) this.known.delete(name);
    for (const name of [...this.failing]) if (!present.has(name)) this.failing.delete(name);
    const due = members.filter((m) => all || names.has(m.name) || !this.known.has(m.name));
    await Promise.all(
      due.map(async (m) => {
        try {
          const discovery = await readMemberDiscovery(m.client, this.timeoutMs, this.known.get(m.name));
          // The member may have left while it was read.
          if (!this.members.get(m.name)) return;
          this.known.set(m.name, discovery);
          if (this.failing.delete(m.name)) this.log(`fleet view: member ${m.name} answers discovery again`);
        } catch (err) {
          if (!this.failing.has(m.name)) {
            this.failing.add(m.name);
            const kept = this.known.has(m.name) ? 'keeping its last known discovery' : 'it is left out until it answers';
            this.log(`fleet view: reading the discovery of member ${m.name} failed; ${kept}`, err);
          }
        }
      }),
    );
    this.rebuild(members.map((m) => m.name));
  }

  private rebuild(names: readonly string[]): void {
    const sources = names.flatMap((name) => {
      const discovery = this.known.get(name);
      return discovery ? [{ name, discovery }] : [];
    });
    const union = new DiscoveryUnion(sources);
    let version: Readonly<Record<string, unknown>> | undefined;
    for (const { discovery } of sources) {
      if (discovery.version && (!version || compareServerVersions(discovery.version, version) < 0)) version = discovery.version;
    }
    const openapi = new Map<string, OpenAPISource[]>();
    for (const gv of union.groupVersions()) {
      const key = gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
      const list = gv.members.flatMap((member): OpenAPISource[] => {
        const p: MemberOpenAPIPath | undefined = this.known.get(member)?.openapi.get(key);
        return p ? [{ member, serverRelativeURL: p.serverRelativeURL, hash: p.hash }] : [];
      });
      if (list.length > 0) openapi.set(key, list);
    }
    this.openapi.update(openapi);
    const apis = encodeDiscoveryDocument(union.aggregated('/apis'));
    const api = encodeDiscoveryDocument(union.aggregated('/api'));
    // The aggregated documents hold everything the legacy ones do; which members serve what is not in them, so the
    // union itself is always the new one.
    const fingerprint = `${apis.etag} ${api.etag} ${JSON.stringify(version ?? null)}`;
    const encoded =
      fingerprint === this.state.fingerprint
        ? this.state.encoded
        : new Map<string, Encoded>([
            ['aggregated /apis', apis],
            ['aggregated /api', api],
          ]);
    this.state = { union, version, encoded, fingerprint };
  }
}
