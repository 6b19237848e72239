// One member's discovery as the fleet view needs it: every group, version and resource it serves (read from its
// aggregated discovery, or from the legacy documents when it answers those), its /version and its OpenAPI v3 index.
import type { GroupVersionKind } from '../../api/meta/object-meta.js';
import { AGGREGATED_DISCOVERY_V2_CONTENT_TYPE, type APIResourceDiscovery, type APISubresourceDiscovery } from '../apimachinery/discovery.js';
import type { ClusterClient, ClusterResponse } from '../members/cluster-client.js';

export interface MemberVersionDiscovery {
  readonly resources: readonly APIResourceDiscovery[];
  readonly freshness: 'Current' | 'Stale';
}

/** One entry of a member's `/openapi/v3` index. */
export interface MemberOpenAPIPath {
  /** The member's own URL of the document, `?hash=` included. */
  readonly serverRelativeURL: string;
  readonly hash: string | undefined;
}

export interface MemberDiscovery {
  /** Group (`''` for core) → version → what the member serves there, groups in the member's order. */
  readonly groups: ReadonlyMap<string, ReadonlyMap<string, MemberVersionDiscovery>>;
  /** The member's `/version` document. */
  readonly version: Readonly<Record<string, unknown>> | undefined;
  /** The member's `/openapi/v3` index, keyed like it (`api/v1`, `apis/apps/v1`). */
  readonly openapi: ReadonlyMap<string, MemberOpenAPIPath>;
}

/** Legacy group versions read at once. */
const PARALLEL = 8;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

function parse(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function gvk(v: unknown, fallback: GroupVersionKind): GroupVersionKind {
  if (!isObject(v)) return fallback;
  return { group: str(v.group) ?? '', version: str(v.version) ?? '', kind: str(v.kind) ?? fallback.kind };
}

function withLists(out: APIResourceDiscovery, shortNames: string[], categories: string[]): APIResourceDiscovery {
  if (shortNames.length > 0) out.shortNames = shortNames;
  if (categories.length > 0) out.categories = categories;
  return out;
}

function aggregatedResource(r: Json, group: string, version: string): APIResourceDiscovery | undefined {
  const resource = str(r.resource);
  if (!resource) return undefined;
  const responseKind = gvk(r.responseKind, { group, version, kind: '' });
  const out = withLists(
    {
      resource,
      responseKind,
      scope: r.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
      singularResource: str(r.singularResource) ?? '',
      verbs: strings(r.verbs),
    },
    strings(r.shortNames),
    strings(r.categories),
  );
  const subresources = objects(r.subresources)
    .map((s): APISubresourceDiscovery | undefined => {
      const subresource = str(s.subresource);
      return subresource ? { subresource, responseKind: gvk(s.responseKind, responseKind), verbs: strings(s.verbs) } : undefined;
    })
    .filter((s): s is APISubresourceDiscovery => s !== undefined);
  if (subresources.length > 0) out.subresources = subresources;
  return out;
}

/** The groups of an aggregated APIGroupDiscoveryList, or undefined when `doc` is not one. */
function fromAggregated(doc: unknown): Map<string, Map<string, MemberVersionDiscovery>> | undefined {
  if (!isObject(doc) || doc.kind !== 'APIGroupDiscoveryList' || doc.apiVersion !== 'apidiscovery.k8s.io/v2') return undefined;
  const groups = new Map<string, Map<string, MemberVersionDiscovery>>();
  for (const item of objects(doc.items)) {
    // The core group has no name in /api.
    const group = (isObject(item.metadata) ? str(item.metadata.name) : undefined) ?? '';
    const versions = groups.get(group) ?? new Map<string, MemberVersionDiscovery>();
    for (const v of objects(item.versions)) {
      const version = str(v.version);
      if (!version) continue;
      const resources = objects(v.resources)
        .map((r) => aggregatedResource(r, group, version))
        .filter((r): r is APIResourceDiscovery => r !== undefined);
      versions.set(version, { resources, freshness: v.freshness === 'Stale' ? 'Stale' : 'Current' });
    }
    groups.set(group, versions);
  }
  return groups;
}

/** An APIResourceList (`/api/v1`, `/apis/<g>/<v>`) in the aggregated form: subresources under their resource. */
function fromResourceList(doc: unknown, group: string, version: string): APIResourceDiscovery[] {
  const list = isObject(doc) ? objects(doc.resources) : [];
  const kindOf = (r: Json): GroupVersionKind => {
    const g = str(r.group);
    const v = str(r.version);
    // The legacy form names group and version only where they differ from the list's (autoscaling/v1 Scale).
    return g || v ? { group: g ?? '', version: v ?? '', kind: str(r.kind) ?? '' } : { group, version, kind: str(r.kind) ?? '' };
  };
  const main = new Map<string, APIResourceDiscovery>();
  for (const r of list) {
    const name = str(r.name);
    if (!name || name.includes('/')) continue;
    main.set(
      name,
      withLists(
        { resource: name, responseKind: kindOf(r), scope: r.namespaced === false ? 'Cluster' : 'Namespaced', singularResource: str(r.singularName) ?? '', verbs: strings(r.verbs) },
        strings(r.shortNames),
        strings(r.categories),
      ),
    );
  }
  for (const r of list) {
    const name = str(r.name);
    const slash = name?.indexOf('/') ?? -1;
    if (!name || slash < 0) continue;
    const parent = main.get(name.slice(0, slash));
    if (!parent) continue;
    (parent.subresources ??= []).push({ subresource: name.slice(slash + 1), responseKind: kindOf(r), verbs: strings(r.verbs) });
  }
  return [...main.values()];
}

async function get(client: ClusterClient, path: string, timeoutMs: number, accept?: string): Promise<ClusterResponse> {
  return client.call('GET', path, undefined, timeoutMs, accept ? { accept } : undefined);
}

/** `GET /api` or `/apis` as aggregated discovery; a member that answers the legacy document instead is read the old way. */
async function readRoot(
  client: ClusterClient,
  root: '/api' | '/apis',
  timeoutMs: number,
  previous: MemberDiscovery | undefined,
): Promise<Map<string, Map<string, MemberVersionDiscovery>>> {
  const res = await get(client, root, timeoutMs, `${AGGREGATED_DISCOVERY_V2_CONTENT_TYPE},application/json;q=0.9`);
  if (res.status !== 200) throw new Error(`GET ${root}: ${res.status} ${res.body.slice(0, 200)}`);
  const doc = parse(res.body);
  const aggregated = fromAggregated(doc);
  if (aggregated) return aggregated;
  if (!isObject(doc)) throw new Error(`GET ${root}: not a discovery document`);
  const wanted: { group: string; version: string; path: string }[] = [];
  if (root === '/api') {
    for (const version of strings(doc.versions)) wanted.push({ group: '', version, path: `/api/${version}` });
  } else {
    for (const g of objects(doc.groups)) {
      const group = str(g.name);
      if (!group) continue;
      for (const v of objects(g.versions)) {
        const version = str(v.version);
        if (version) wanted.push({ group, version, path: `/apis/${group}/${version}` });
      }
    }
  }
  const groups = new Map<string, Map<string, MemberVersionDiscovery>>();
  for (const w of wanted) if (!groups.has(w.group)) groups.set(w.group, new Map());
  const found = new Map<string, MemberVersionDiscovery>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < wanted.length) {
      const w = wanted[next++]!;
      try {
        const gv = await get(client, w.path, timeoutMs);
        if (gv.status !== 200) throw new Error(`GET ${w.path}: ${gv.status}`);
        found.set(w.path, { resources: fromResourceList(parse(gv.body), w.group, w.version), freshness: 'Current' });
      } catch {
        // One group version down (an aggregated API, say) keeps what it last served, as aggregated discovery marks it
        // Stale rather than dropping it.
        const last = previous?.groups.get(w.group)?.get(w.version);
        if (last) found.set(w.path, { resources: last.resources, freshness: 'Stale' });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, wanted.length) }, worker));
  for (const w of wanted) {
    const v = found.get(w.path);
    if (v) groups.get(w.group)!.set(w.version, v);
  }
  return groups;
}

async function readVersion(client: ClusterClient, timeoutMs: number): Promise<Readonly<Record<string, unknown>> | undefined> {
  const res = await get(client, '/version', timeoutMs);
  const doc = res.status === 200 ? parse(res.body) : undefined;
  if (!isObject(doc)) throw new Error(`GET /version: ${res.status}`);
  return doc;
}

async function readOpenAPIIndex(client: ClusterClient, timeoutMs: number): Promise<Map<string, MemberOpenAPIPath>> {
  const res = await get(client, '/openapi/v3', timeoutMs);
  const out = new Map<string, MemberOpenAPIPath>();
  // A member without OpenAPI v3 simply has no documents to offer.
  if (res.status === 404) return out;
  const doc = res.status === 200 ? parse(res.body) : undefined;
  if (!isObject(doc) || !isObject(doc.paths)) throw new Error(`GET /openapi/v3: ${res.status}`);
  for (const [key, entry] of Object.entries(doc.paths)) {
    const url = isObject(entry) ? str(entry.serverRelativeURL) : undefined;
    if (!url || !url.startsWith('/')) continue;
    const hash = new URL(url, 'http://member.invalid').searchParams.get('hash') ?? undefined;
    out.set(key, { serverRelativeURL: url, hash });
  }
  return out;
}

/**
 * Reads a member's discovery. Throws when `/api` or `/apis` cannot be read (the member counts as unreachable); a
 * failing `/version`, OpenAPI index or legacy group version keeps what `previous` had.
 */
export async function readMemberDiscovery(client: ClusterClient, timeoutMs: number, previous?: MemberDiscovery): Promise<MemberDiscovery> {
  const [core, named, version, openapi] = await Promise.all([
    readRoot(client, '/api', timeoutMs, previous),
    readRoot(client, '/apis', timeoutMs, previous),
    readVersion(client, timeoutMs).catch(() => previous?.version),
    readOpenAPIIndex(client, timeoutMs).catch(() => previous?.openapi ?? new Map<string, MemberOpenAPIPath>()),
  ]);
  const groups = new Map<string, ReadonlyMap<string, MemberVersionDiscovery>>();
  const coreVersions = core.get('');
  if (coreVersions) groups.set('', coreVersions);
  for (const [group, versions] of named) if (group !== '') groups.set(group, versions);
  return { groups, version, openapi };
}
