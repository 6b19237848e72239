import type { KubeObject } from '../../api/meta/object-meta.js';
import { CLUSTER_LABEL } from '../../api/fleet/v1alpha1/well-known.js';
import type { MemberItem } from './member-table-informer.js';
import { extraFieldValues } from './selectable-fields.js';

/** One object of the view, immutable: a change makes a new entry. */
export interface ViewEntry {
  readonly cluster: string;
  /** '' for a cluster-scoped object. */
  readonly namespace: string;
  /** The name in the member. */
  readonly name: string;
  /** The name the view serves it under: `name`, or `name@cluster` while the name exists in several members. */
  readonly servedName: string;
  /** The member's resourceVersion. */
  readonly memberVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Values of the resource's selectable fields beyond metadata (see selectableFields), joined by NUL. */
  readonly extra: string | undefined;
  /** The member's Table cells as JSON text (one string costs less than an array of them); the name cell is replaced when served. */
  readonly cells: string | undefined;
  /** The entry's key in the cache (cluster, namespace, name); one string shared by the map and the sort order. */
  readonly key: string;
  readonly creationTimestamp: string | undefined;
  /** The object as served: origin stamped, served name, the view's resourceVersion (`token`). */
  readonly json: string;
  readonly token: string;
}

/** The key of an entry in the merged cache: its cluster, namespace and name. */
export const entryKey = (cluster: string, namespace: string, name: string): string => `${cluster}\u0000${namespace}\u0000${name}`;

/** JSON text as one flat string: JSON.stringify answers with a rope of pieces, which costs more to keep and to serve. */
function flatJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString();
}

export interface ViewEntryInput {
  readonly cluster: string;
  /** The member's object (stamped in place: it is not used afterwards) and its Table cells. */
  readonly item: MemberItem;
  readonly servedName: string;
  /** The view's resourceVersion for this state. */
  readonly token: string;
  /** The object's namespace, as the cache keeps it (one copy per namespace). */
  readonly namespace: string;
  /** The resource's selectable fields (selectableFields). */
  readonly fields: readonly string[];
  /** The key string of the entry this one replaces, to keep sharing it. */
  readonly key?: string;
}

/**
 * A member object as the view serves it: the origin stamped as the herd.io/cluster label and annotation, the served
 * name and the view's resourceVersion set, encoded once; beside it only what selectors, gets and Tables read.
 */
export function encodeViewEntry(i: ViewEntryInput): ViewEntry {
  const object = i.item.object;
  const meta = object.metadata;
  const memberVersion = String(meta.resourceVersion ?? '');
  const name = String(meta.name ?? '');
  meta.labels = { ...(meta.labels ?? {}), [CLUSTER_LABEL]: i.cluster };
  meta.annotations = { ...(meta.annotations ?? {}), [CLUSTER_LABEL]: i.cluster };
  meta.name = i.servedName;
  meta.resourceVersion = i.token;
  const extra = extraFieldValues(object as KubeObject, i.fields);
  return {
    key: i.key ?? entryKey(i.cluster, i.namespace, name),
    cluster: i.cluster,
    namespace: i.namespace,
    name,
    servedName: i.servedName,
    memberVersion,
    labels: meta.labels,
    extra: extra?.join('\u0000'),
    cells: i.item.cells ? JSON.stringify(i.item.cells) : undefined,
    creationTimestamp: meta.creationTimestamp,
    json: flatJson(object),
    token: i.token,
  };
}

/** The entry under another served name at another token (a rename, or a deletion without a final object). */
export function restampViewEntry(e: ViewEntry, servedName: string, token: string): ViewEntry {
  const object = JSON.parse(e.json) as KubeObject;
  object.metadata.name = servedName;
  object.metadata.resourceVersion = token;
  return { ...e, servedName, token, json: flatJson(object) };
}
