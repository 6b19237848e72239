// Member apiservers faked with undici's MockAgent for the fleet view's discovery tests: each serves aggregated or
// legacy discovery, /version and OpenAPI v3 from a small table that a test can change.
import { MockAgent } from 'undici';
import { openAPIHash } from '../apimachinery/openapi.js';
import { ClusterClient } from '../members/cluster-client.js';
import type { FleetMember, FleetMembers } from './fleet-members.js';

export interface FakeSubresource {
  readonly name: string;
  readonly kind: string;
  readonly group?: string;
  readonly version?: string;
  readonly verbs: readonly string[];
}

export interface FakeResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly namespaced?: boolean;
  readonly verbs?: readonly string[];
  readonly shortNames?: readonly string[];
  readonly subresources?: readonly FakeSubresource[];
}

export interface FakeDiscoveryMember {
  readonly name: string;
  /** Every call fails to connect. */
  down: boolean;
  /** Answers the legacy documents even when asked for aggregated discovery (an old apiserver). */
  legacy: boolean;
  gitVersion: string;
  resources: FakeResource[];
  /** Legacy group version paths (`/apis/metrics.k8s.io/v1beta1`) that answer 503, as an aggregated API that is down. */
  unavailable: Set<string>;
  /** OpenAPI v3 documents by index key (`api/v1`, `apis/apps/v1`). */
  openapi: Map<string, string>;
  /** `GET <path> [accept]` of every call. */
  readonly calls: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const notFound = { statusCode: 404, data: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound' }) };

function aggregated(m: FakeDiscoveryMember, core: boolean): unknown {
  const groups = new Map<string, Map<string, FakeResource[]>>();
  for (const r of m.resources) {
    if ((r.group === '') !== core) continue;
    const versions = groups.get(r.group) ?? new Map<string, FakeResource[]>();
    groups.set(r.group, versions);
    versions.set(r.version, [...(versions.get(r.version) ?? []), r]);
  }
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: [...groups].map(([group, versions]) => ({
      // As kube-apiserver: the core group has no name.
      metadata: group === '' ? { creationTimestamp: null } : { name: group, creationTimestamp: null },
      versions: [...versions].map(([version, resources]) => ({
        version,
        freshness: 'Current',
        resources: resources.map((r) => ({
          resource: r.resource,
          responseKind: { group: r.group, version: r.version, kind: r.kind },
          scope: r.namespaced === false ? 'Cluster' : 'Namespaced',
          singularResource: r.kind.toLowerCase(),
          verbs: r.verbs ?? ALL_VERBS,
          ...(r.shortNames ? { shortNames: r.shortNames } : {}),
          ...(r.subresources
            ? {
                subresources: r.subresources.map((s) => ({
                  subresource: s.name,
                  responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind },
                  verbs: s.verbs,
                })),
              }
            : {}),
        })),
      })),
    })),
  };
}

function resourceList(m: FakeDiscoveryMember, group: string, version: string): unknown | undefined {
  const rs = m.resources.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources: rs.flatMap((r) => [
      {
        name: r.resource,
        singularName: r.kind.toLowerCase(),
        namespaced: r.namespaced !== false,
        kind: r.kind,
        verbs: r.verbs ?? ALL_VERBS,
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      },
      ...(r.subresources ?? []).map((s) => ({
        name: `${r.resource}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced !== false,
        ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      })),
    ]),
  };
}

function groupList(m: FakeDiscoveryMember): unknown {
  const groups = new Map<string, string[]>();
  for (const r of m.resources) {
    if (r.group === '') continue;
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => ({
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

/** Adds a member apiserver at https://<name>.invalid to `mock`; change the returned state to change what it serves. */
export function addDiscoveryMember(mock: MockAgent, name: string, init: Partial<Omit<FakeDiscoveryMember, 'name' | 'calls'>> = {}): FakeDiscoveryMember {
  const m: FakeDiscoveryMember = { name, down: false, legacy: false, gitVersion: 'v1.33.1', resources: [], unavailable: new Set(), openapi: new Map(), ...init, calls: [] };
  mock
    .get(`https://${name}.invalid`)
    .intercept({ path: () => true, method: 'GET' })
    .reply((opts) => {
      const headers = (opts.headers ?? {}) as Record<string, string>;
      const accept = headers.accept ?? '';
      const url = new URL(String(opts.path), 'https://x.invalid');
      const p = url.pathname;
      m.calls.push(`GET ${url.pathname}${url.search}${accept.includes('apidiscovery') ? ' [aggregated]' : ''}`);
      if (m.down) {
        const err = new Error(`connect ECONNREFUSED ${name}.invalid`) as Error & { code: string };
        err.code = 'ECONNREFUSED';
        throw err;
      }
      const json = (data: unknown, contentType = 'application/json') => ({ statusCode: 200, data: JSON.stringify(data), responseOptions: { headers: { 'content-type': contentType } } });
      const wantsAggregated = !m.legacy && accept.includes('as=APIGroupDiscoveryList');
      if (p === '/api') return wantsAggregated ? json(aggregated(m, true)) : json({ kind: 'APIVersions', versions: ['v1'] });
      if (p === '/apis') return wantsAggregated ? json(aggregated(m, false)) : json(groupList(m));
      if (p === '/version') return json({ major: '1', minor: m.gitVersion.split('.')[1], gitVersion: m.gitVersion, platform: 'linux/amd64' });
      if (p === '/openapi/v3') {
        const paths: Record<string, { serverRelativeURL: string }> = {};
        for (const [key, body] of m.openapi) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${openAPIHash(body)}` };
        return json({ paths });
      }
      if (p.startsWith('/openapi/v3/')) {
        const body = m.openapi.get(p.slice('/openapi/v3/'.length));
        if (body === undefined) return notFound;
        const hash = url.searchParams.get('hash');
        // As kube-openapi: a stale hash is redirected to the current one.
        if (hash && hash !== openAPIHash(body)) return { statusCode: 301, data: '', responseOptions: { headers: { location: `${p}?hash=${openAPIHash(body)}` } } };
        return { statusCode: 200, data: body };
      }
      if (m.unavailable.has(p)) return { statusCode: 503, data: 'service unavailable' };
      const parts = p.split('/').slice(1);
      const list = parts[0] === 'api' && parts.length === 2 ? resourceList(m, '', parts[1]!) : parts[0] === 'apis' && parts.length === 3 ? resourceList(m, parts[1]!, parts[2]!) : undefined;
      return list ? json(list) : notFound;
    })
    .persist();
  return m;
}

/** A MockAgent that refuses real connections. */
export function fakeNetwork(): MockAgent {
  const mock = new MockAgent();
  mock.disableNetConnect();
  return mock;
}

/** FleetMembers over a settable list; `change` fires onChange as MemberFleet would. */
export class FakeFleetMembers implements FleetMembers {
  private readonly members = new Map<string, FleetMember>();
  private readonly listeners = new Set<(name: string) => void>();

  constructor(private readonly mock: MockAgent) {}

  add(name: string): void {
    this.members.set(name, { name, ready: true, client: new ClusterClient({ server: `https://${name}.invalid` }, { dispatcher: this.mock }) });
    this.change(name);
  }

  remove(name: string): void {
    this.members.delete(name);
    this.change(name);
  }

  change(name: string): void {
    for (const l of this.listeners) l(name);
  }

  list(): FleetMember[] {
    return [...this.members.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): FleetMember | undefined {
    return this.members.get(name);
  }

  onChange(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
