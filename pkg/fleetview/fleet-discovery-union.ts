// The fleet view's API surface: the union of what its members serve, and the discovery documents that describe it.
import type { GroupVersionKind } from '../../api/meta/object-meta.js';
import {
  compareKubeAwareVersions,
  type APIGroup,
  type APIGroupDiscovery,
  type APIGroupDiscoveryList,
  type APIGroupList,
  type APIResource,
  type APIResourceDiscovery,
  type APIResourceList,
} from '../apimachinery/discovery.js';
import type { MemberDiscovery } from './fleet-discovery-member.js';

/** A resource the view serves, and which members serve it. */
export interface ViewResource {
  /** `''` for core. */
  readonly group: string;
  readonly version: string;
  /** Plural, e.g. `pods`. */
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Members that serve this group/version/resource, in name order. */
  readonly members: readonly string[];
}

/** metav1.APIVersions, the legacy `GET /api`. */
export interface APIVersions {
  kind: 'APIVersions';
  versions: string[];
}

/** A group version of the view and the members serving it, in name order. */
export interface ViewGroupVersion {
  readonly group: string;
  readonly version: string;
  readonly members: readonly string[];
}

/** Writes never go through the view, so every resource reads the same whatever its members allow. */
const VIEW_VERBS: readonly string[] = ['get', 'list', 'watch'];
const SUBRESOURCE_VERBS: readonly string[] = ['get'];

interface UnionResource {
  readonly view: ViewResource;
  /** The array behind `view.members`, filled while building, frozen after. */
  readonly members: string[];
  readonly responseKind: GroupVersionKind;
  readonly singularResource: string;
  readonly shortNames: string[];
  readonly categories: string[];
  /** Subresource name → its response kind, as the first member listing it says. */
  readonly subresources: Map<string, GroupVersionKind>;
}

interface UnionVersion {
  readonly resources: Map<string, UnionResource>;
  readonly members: string[];
  freshness: 'Current' | 'Stale';
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function addAll(into: string[], from: readonly string[] | undefined): void {
  for (const s of from ?? []) if (!into.includes(s)) into.push(s);
}

function sameGroupVersion(k: GroupVersionKind, group: string, version: string): boolean {
  return k.group === group && k.version === version;
}

/**
 * The union of members' discovery by group → version → resource. A resource is in the view when at least one
 * member can list it: the view only reads, so a resource no member lists (tokenreviews, bindings) has nothing to
 * serve. Groups keep the order in which members (by name) list them; versions go newest first; resources and
 * subresources by name.
 */
export class DiscoveryUnion {
  /** Group → version → resources; versions in Kubernetes order. */
  private readonly groups = new Map<string, Map<string, UnionVersion>>();

  constructor(members: readonly { readonly name: string; readonly discovery: MemberDiscovery }[]) {
    const sorted = [...members].sort((a, b) => byName(a.name, b.name));
    const building = new Map<string, Map<string, UnionVersion>>();
    for (const { name, discovery } of sorted) {
      for (const [group, versions] of discovery.groups) {
        for (const [version, served] of versions) {
          const listable = served.resources.filter((r) => r.verbs.includes('list'));
          if (listable.length === 0) continue;
          const groupEntry = building.get(group) ?? new Map<string, UnionVersion>();
          building.set(group, groupEntry);
          const entry = groupEntry.get(version) ?? { resources: new Map<string, UnionResource>(), members: [], freshness: served.freshness };
          groupEntry.set(version, entry);
          entry.members.push(name);
          if (served.freshness === 'Current') entry.freshness = 'Current';
          for (const r of listable) this.add(entry, group, version, name, r);
        }
      }
    }
    for (const [group, versions] of building) {
      this.groups.set(group, new Map([...versions].sort(([a], [b]) => compareKubeAwareVersions(a, b))));
      for (const v of versions.values()) {
        // Handed out to request routing; nobody may change them under the union.
        for (const u of v.resources.values()) {
          Object.freeze(u.members);
          Object.freeze(u.view);
        }
      }
    }
  }

  private add(entry: UnionVersion, group: string, version: string, member: string, r: APIResourceDiscovery): void {
    let u = entry.resources.get(r.resource);
    if (!u) {
      const members: string[] = [];
      u = {
        view: { group, version, resource: r.resource, kind: r.responseKind.kind, namespaced: r.scope === 'Namespaced', members },
        members,
        responseKind: r.responseKind,
        singularResource: r.singularResource,
        shortNames: [],
        categories: [],
        subresources: new Map(),
      };
      entry.resources.set(r.resource, u);
    }
    u.members.push(member);
    addAll(u.shortNames, r.shortNames);
    addAll(u.categories, r.categories);
    for (const s of r.subresources ?? []) if (!u.subresources.has(s.subresource)) u.subresources.set(s.subresource, s.responseKind);
  }

  /** The resource if any member serves it. */
  resource(group: string, version: string, resource: string): ViewResource | undefined {
    return this.groups.get(group)?.get(version)?.resources.get(resource)?.view;
  }

  /** Every group version, core first, then groups in order, versions newest first. */
  groupVersions(): ViewGroupVersion[] {
    const out: ViewGroupVersion[] = [];
    for (const [group, versions] of this.orderedGroups()) {
      for (const [version, entry] of versions) out.push({ group, version, members: entry.members });
    }
    return out;
  }

  private orderedGroups(): [string, Map<string, UnionVersion>][] {
    const core = this.groups.get('');
    return [...(core ? ([['', core]] as [string, Map<string, UnionVersion>][]) : []), ...[...this.groups].filter(([g]) => g !== '')];
  }

  /** Legacy `GET /api`, or undefined when no member serves the core group. */
  apiVersions(): APIVersions | undefined {
    const core = this.groups.get('');
    return core ? { kind: 'APIVersions', versions: [...core.keys()] } : undefined;
  }

  private groupOf(name: string): APIGroup | undefined {
    const versions = this.groups.get(name);
    if (!versions || name === '') return undefined;
    const entries = [...versions.keys()].map((version) => ({ groupVersion: `${name}/${version}`, version }));
    // Versions are newest first, so the preferred one is the first.
    return { name, versions: entries, preferredVersion: entries[0]! };
  }

  /** Legacy `GET /apis`. */
  apiGroupList(): APIGroupList {
    const groups = [...this.groups.keys()].map((g) => this.groupOf(g)).filter((g): g is APIGroup => g !== undefined);
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }

  /** `GET /apis/<group>`, or undefined when no member serves it. */
  apiGroup(group: string): APIGroup | undefined {
    const g = this.groupOf(group);
    return g ? { kind: 'APIGroup', apiVersion: 'v1', ...g } : undefined;
  }

  /** `GET /api/<version>` (group `''`) or `/apis/<group>/<version>`, or undefined when no member serves it. */
  apiResourceList(group: string, version: string): APIResourceList | undefined {
    const entry = this.groups.get(group)?.get(version);
    if (!entry) return undefined;
    const resources: APIResource[] = [];
    const withGroupVersion = (out: APIResource, k: GroupVersionKind): APIResource => {
      if (!sameGroupVersion(k, group, version)) {
        out.group = k.group;
        out.version = k.version;
      }
      return out;
    };
    for (const u of [...entry.resources.values()].sort((a, b) => byName(a.view.resource, b.view.resource))) {
      const main: APIResource = { name: u.view.resource, singularName: u.singularResource, namespaced: u.view.namespaced, kind: u.view.kind, verbs: [...VIEW_VERBS] };
      if (u.shortNames.length > 0) main.shortNames = [...u.shortNames];
      if (u.categories.length > 0) main.categories = [...u.categories];
      resources.push(withGroupVersion(main, u.responseKind));
      for (const [sub, kind] of [...u.subresources].sort(([a], [b]) => byName(a, b))) {
        const s: APIResource = { name: `${u.view.resource}/${sub}`, singularName: '', namespaced: u.view.namespaced, kind: kind.kind, verbs: [...SUBRESOURCE_VERBS] };
        resources.push(withGroupVersion(s, kind));
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources };
  }

  /** Aggregated discovery: of the core group for `/api`, of every other group for `/apis`. */
  aggregated(root: '/api' | '/apis'): APIGroupDiscoveryList {
    const items: APIGroupDiscovery[] = [];
    for (const [group, versions] of this.orderedGroups()) {
      if ((group === '') !== (root === '/api')) continue;
      items.push({
        metadata: { name: group },
        versions: [...versions].map(([version, entry]) => ({
          version,
          resources: [...entry.resources.values()]
            .sort((a, b) => byName(a.view.resource, b.view.resource))
            .map((u) => {
              const out: APIResourceDiscovery = {
                resource: u.view.resource,
                responseKind: { ...u.responseKind },
                scope: u.view.namespaced ? 'Namespaced' : 'Cluster',
                singularResource: u.singularResource,
                verbs: [...VIEW_VERBS],
              };
              if (u.shortNames.length > 0) out.shortNames = [...u.shortNames];
              if (u.categories.length > 0) out.categories = [...u.categories];
              if (u.subresources.size > 0) {
                out.subresources = [...u.subresources]
                  .sort(([a], [b]) => byName(a, b))
                  .map(([subresource, responseKind]) => ({ subresource, responseKind: { ...responseKind }, verbs: [...SUBRESOURCE_VERBS] }));
              }
              return out;
            }),
          freshness: entry.freshness,
        })),
      });
    }
    return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
  }
}
