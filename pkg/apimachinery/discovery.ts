// Discovery documents built from the resource table: legacy per-group-version APIResourceList, APIGroup and
// APIGroupList (meta/v1), and the aggregated APIGroupDiscoveryList (apidiscovery.k8s.io/v2) with the ETag
// kube-apiserver derives from the encoded body.
import { createHash } from 'node:crypto';
import type { GroupVersionKind } from '../../api/meta/object-meta.js';
import { STATUS_VERBS, groupVersionOf, type ResourceDefinition } from '../../api/meta/resource-definition.js';

/** The Content-Type of an aggregated discovery v2 response. */
export const AGGREGATED_DISCOVERY_V2_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Verbs of subresources other than status, which are computed and read-only. */
const EXTRA_SUBRESOURCE_VERBS = ['get'];

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

export interface APIResourceList {
  kind: 'APIResourceList';
  apiVersion: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

/** metav1.APIGroup; kind and apiVersion are set when served alone and left out inside an APIGroupList. */
export interface APIGroup {
  kind?: 'APIGroup';
  apiVersion?: 'v1';
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

export interface APIGroupList {
  kind: 'APIGroupList';
  apiVersion: 'v1';
  groups: APIGroup[];
}

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  version: string;
  resources: APIResourceDiscovery[];
  freshness: 'Current' | 'Stale';
}

export interface APIGroupDiscovery {
  metadata: { name: string };
  versions: APIVersionDiscovery[];
}

export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: 'apidiscovery.k8s.io/v2';
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

const KUBE_VERSION = /^v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?$/;

/**
 * Orders versions the way Kubernetes prefers them: GA before beta before alpha, higher numbers first, and
 * versions that do not look like Kubernetes versions last, alphabetically. Negative when `a` comes first.
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] | undefined => {
    const m = KUBE_VERSION.exec(v);
    if (!m) return undefined;
    const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stability, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (ra && rb) return rb[0] - ra[0] || rb[1] - ra[1] || rb[2] - ra[2];
  if (ra) return -1;
  if (rb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Base64 of the first 8 bytes of sha256(`group/version/kind`), as the apiextensions server computes it. */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

/** The upper-case hex SHA-512 of an encoded body; send it quoted in `ETag`. */
export function discoveryETag(body: string | Uint8Array): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

/** Whether a request's `If-None-Match` names this hash, compared as kube-apiserver does (the whole header). */
export function ifNoneMatchHits(ifNoneMatch: string | undefined, hash: string): boolean {
  return ifNoneMatch === `"${hash}"`;
}

/** A document encoded once, with its ETag hash, so repeated requests reuse both. */
export function encodeDiscoveryDocument(doc: APIGroupDiscoveryList | APIGroupList | APIGroup | APIResourceList): {
  body: string;
  etag: string;
} {
  const body = JSON.stringify(doc);
  return { body, etag: discoveryETag(body) };
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function groupsIn(defs: readonly ResourceDefinition[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const def of defs) {
    const versions = groups.get(def.group) ?? [];
    if (!versions.includes(def.version)) versions.push(def.version);
    groups.set(def.group, versions);
  }
  for (const versions of groups.values()) versions.sort(compareKubeAwareVersions);
  return groups;
}

function responseKind(def: ResourceDefinition): GroupVersionKind {
  return { group: def.group, version: def.version, kind: def.kind };
}

/** `GET /apis/<group>/<version>`: every resource of that group version, then its subresources. */
export function apiResourceList(defs: readonly ResourceDefinition[], group: string, version: string): APIResourceList {
  const resources: APIResource[] = [];
  for (const def of defs) {
    if (def.group !== group || def.version !== version) continue;
    const main: APIResource = {
      name: def.plural,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: [...def.verbs],
    };
    if (def.shortNames.length > 0) main.shortNames = [...def.shortNames];
    if (def.categories.length > 0) main.categories = [...def.categories];
    main.storageVersionHash = storageVersionHash(def.group, def.version, def.kind);
    resources.push(main);
    const sub = (name: string, verbs: readonly string[]): APIResource => ({
      name: `${def.plural}/${name}`,
      singularName: '',
      namespaced: def.namespaced,
      kind: def.subresources.extraKinds?.[name] ?? def.kind,
      verbs: [...verbs],
    });
    if (def.subresources.status) resources.push(sub('status', STATUS_VERBS));
    for (const extra of def.subresources.extra ?? []) resources.push(sub(extra, EXTRA_SUBRESOURCE_VERBS));
  }
  resources.sort((a, b) => byName(a.name, b.name));
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersionOf({ group, version }), resources };
}

function groupOf(name: string, versions: readonly string[]): APIGroup {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  const preferred = entries[0];
  if (!preferred) throw new Error(`API group ${name} has no versions`);
  return { name, versions: entries, preferredVersion: preferred };
}

/** `GET /apis/<group>`, or undefined when no resource is in that group. */
export function apiGroup(defs: readonly ResourceDefinition[], group: string): APIGroup | undefined {
  const versions = groupsIn(defs).get(group);
  if (!versions) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupOf(group, versions) };
}

/** `GET /apis` for clients that do not ask for aggregated discovery. */
export function apiGroupList(defs: readonly ResourceDefinition[]): APIGroupList {
  const groups = [...groupsIn(defs)].filter(([name]) => name !== '').map(([name, versions]) => groupOf(name, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

function resourceDiscovery(def: ResourceDefinition): APIResourceDiscovery {
  const out: APIResourceDiscovery = {
    resource: def.plural,
    responseKind: responseKind(def),
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: [...def.verbs],
  };
  if (def.shortNames.length > 0) out.shortNames = [...def.shortNames];
  if (def.categories.length > 0) out.categories = [...def.categories];
  const subresources: APISubresourceDiscovery[] = [];
  if (def.subresources.status) subresources.push({ subresource: 'status', responseKind: responseKind(def), verbs: [...STATUS_VERBS] });
  for (const extra of def.subresources.extra ?? []) {
    const kind = def.subresources.extraKinds?.[extra];
    subresources.push({ subresource: extra, responseKind: kind ? { ...responseKind(def), kind } : responseKind(def), verbs: [...EXTRA_SUBRESOURCE_VERBS] });
  }
  if (subresources.length > 0) out.subresources = subresources.sort((a, b) => byName(a.subresource, b.subresource));
  return out;
}

/** `GET /apis` with `as=APIGroupDiscoveryList;v=v2`: every group, version and resource in one document. */
export function aggregatedDiscovery(defs: readonly ResourceDefinition[]): APIGroupDiscoveryList {
  const items: APIGroupDiscovery[] = [];
  for (const [group, versions] of groupsIn(defs)) {
    if (group === '') continue;
    items.push({
      metadata: { name: group },
      versions: versions.map((version) => ({
        version,
        resources: defs
          .filter((d) => d.group === group && d.version === version)
          .map(resourceDiscovery)
          .sort((a, b) => byName(a.resource, b.resource)),
        freshness: 'Current',
      })),
    });
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
