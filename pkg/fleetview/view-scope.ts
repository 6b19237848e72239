import { CLUSTER_LABEL } from '../../api/fleet/v1alpha1/well-known.js';
import type { FieldSelector } from '../apimachinery/field-selector.js';
import type { LabelSelector } from '../apimachinery/label-selector.js';
import { newConflict, newNotFound } from '../apimachinery/status-error.js';
import type { MergedResource, ViewEntry } from './merged-resource.js';

/** What one request may see of a merged resource: a namespace (or all), the members it may read, its selectors. */
export interface ViewScope {
  /** '' for every namespace (and for cluster-scoped resources). */
  readonly namespace: string;
  /** Members whose objects the caller may read (each member's own authorization decided). */
  readonly clusters: ReadonlySet<string>;
  readonly labelSelector: LabelSelector;
  readonly fieldSelector: FieldSelector;
}

/** Field values of an entry for a field selector: names as served, the resource's extra fields as stored. */
export function entryFields(resource: MergedResource, e: ViewEntry): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.name': e.servedName };
  if (resource.o.namespaced) fields['metadata.namespace'] = e.namespace;
  const extra = resource.o.fields.filter((f) => !f.startsWith('metadata.'));
  const values = e.extra?.split('\u0000') ?? [];
  extra.forEach((f, i) => (fields[f] = values[i] ?? ''));
  return fields;
}

/** A matcher for entries in scope; a `herd.io/cluster=x` selector narrows the members before anything is read. */
export function scopeMatcher(resource: MergedResource, scope: ViewScope): (e: ViewEntry) => boolean {
  const only = scope.labelSelector.requiresExactMatch(CLUSTER_LABEL);
  const clusters = only === undefined ? scope.clusters : new Set([...scope.clusters].filter((c) => c === only));
  const labels = !scope.labelSelector.empty();
  const fields = !scope.fieldSelector.empty();
  return (e) =>
    clusters.has(e.cluster) &&
    (scope.namespace === '' || e.namespace === scope.namespace) &&
    (!labels || scope.labelSelector.matches(e.labels)) &&
    (!fields || scope.fieldSelector.matches(entryFields(resource, e)));
}

/**
 * The one object a get names: `name@cluster` always names one; a plain name must be unique among the members the
 * caller may read, or the answer is 409 with what to do instead.
 */
export function findEntry(resource: MergedResource, scope: Pick<ViewScope, 'namespace' | 'clusters'>, name: string): ViewEntry {
  const qr = { group: resource.o.group, resource: resource.o.resource };
  const at = name.lastIndexOf('@');
  if (at > 0) {
    const cluster = name.slice(at + 1);
    const e = scope.clusters.has(cluster) ? resource.get(cluster, scope.namespace, name.slice(0, at)) : undefined;
    if (e) return e;
  }
  const found = resource.lookup(scope.namespace, name).filter((e) => scope.clusters.has(e.cluster));
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw newNotFound(qr, name);
  const clusters = found.map((e) => e.cluster);
  throw newConflict(
    qr,
    name,
    `the name exists in ${clusters.length} member clusters (${clusters.join(', ')}); get one of them as "${name}@${clusters[0]}", select with -l herd.io/cluster=${clusters[0]}, or use the member's own context (clusters/${clusters[0]}/proxy)`,
  );
}
