import type { ResponseTarget } from '../apimachinery/negotiation.js';
import type { IncludeObject, TableColumnDefinition } from '../apimachinery/table.js';
import { humanAge } from '../apimachinery/table-human-duration.js';
import type { MergedResource, ViewEntry } from './merged-resource.js';

/** The column the view adds to the members' own: where each row comes from. */
export const CLUSTER_COLUMN: TableColumnDefinition = {
  name: 'Cluster',
  type: 'string',
  format: '',
  description: 'The member cluster the object comes from.',
  priority: 0,
};

const DEFAULT_COLUMNS: readonly TableColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
  { name: 'Age', type: 'date', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 },
];

/** How the objects of one response are encoded: plain JSON, PartialObjectMetadata(List), or Table rows. */
export interface ViewEncoding {
  readonly target: ResponseTarget;
  readonly includeObject: IncludeObject;
}

/**
 * Columns of the view's Tables for a resource: the members' (or Name and Age) with CLUSTER after the name column, or
 * after the first one when the member prints no name column (Events lead with LAST SEEN).
 */
export function viewColumns(resource: MergedResource): readonly TableColumnDefinition[] {
  const member = resource.columns() ?? DEFAULT_COLUMNS;
  const name = member.findIndex((c) => c.format === 'name');
  const at = name >= 0 ? name + 1 : Math.min(1, member.length);
  return [...member.slice(0, at), CLUSTER_COLUMN, ...member.slice(at)];
}

function partialObject(e: ViewEntry): string {
  const metadata = (JSON.parse(e.json) as { metadata: unknown }).metadata;
  return `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${JSON.stringify(metadata)}}`;
}

/** One Table row: the member's cells with CLUSTER inserted, the name as served, and Age measured now. */
export function tableRow(e: ViewEntry, columns: readonly TableColumnDefinition[], includeObject: IncludeObject, now: number): string {
  const width = columns.length;
  const at = columns.indexOf(CLUSTER_COLUMN);
  const member = e.cells ? (JSON.parse(e.cells) as unknown[]) : [];
  while (member.length < width - 1) member.push('');
  member.length = width - 1;
  const cells: unknown[] = [...member.slice(0, at), e.cluster, ...member.slice(at)];
  for (let i = 0; i < width; i++) {
    const column = columns[i]!;
    if (column.format === 'name') cells[i] = e.servedName;
    else if (column.name === 'Age') cells[i] = humanAge(e.creationTimestamp, now);
  }
  const object = includeObject === 'Object' ? `,"object":${e.json}` : includeObject === 'Metadata' ? `,"object":${partialObject(e)}` : '';
  return `{"cells":${JSON.stringify(cells)}${object}}`;
}

/** The object of a get or a watch event, in the requested form. */
export function encodeObject(resource: MergedResource, e: ViewEntry, enc: ViewEncoding, now: number, withColumns: boolean, token?: string): string {
  if (enc.target.as === 'Table') {
    const columns = viewColumns(resource);
    const meta = JSON.stringify(token ? { resourceVersion: token } : {});
    return `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":${meta},"columnDefinitions":${withColumns ? JSON.stringify(columns) : 'null'},"rows":[${tableRow(e, columns, enc.includeObject, now)}]}`;
  }
  if (enc.target.as === 'PartialObjectMetadata' || enc.target.as === 'PartialObjectMetadataList') return partialObject(e);
  return e.json;
}

/** A BOOKMARK's object in the requested form. */
export function encodeBookmark(resource: MergedResource, enc: ViewEncoding, token: string, initialEventsEnd: boolean): string {
  const metadata: Record<string, unknown> = { resourceVersion: token };
  if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
  if (enc.target.as === 'Table') return JSON.stringify({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: null, rows: [] });
  if (enc.target.as) return JSON.stringify({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata });
  return JSON.stringify({ kind: resource.o.kind, apiVersion: resource.apiVersion, metadata });
}

/** The opening of a list response up to its first item, and its close. */
export function listFrame(resource: MergedResource, enc: ViewEncoding, meta: { resourceVersion: string; continue?: string }): { head: string; tail: string } {
  const m = JSON.stringify(meta);
  if (enc.target.as === 'Table') {
    return { head: `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":${m},"columnDefinitions":${JSON.stringify(viewColumns(resource))},"rows":[`, tail: ']}' };
  }
  if (enc.target.as === 'PartialObjectMetadataList') return { head: `{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":${m},"items":[`, tail: ']}' };
  return { head: `{"kind":"${resource.o.kind}List","apiVersion":"${resource.apiVersion}","metadata":${m},"items":[`, tail: ']}' };
}

/** One list item in the requested form. */
export function listItem(resource: MergedResource, e: ViewEntry, enc: ViewEncoding, now: number, columns: readonly TableColumnDefinition[] | undefined): string {
  if (enc.target.as === 'Table') return tableRow(e, columns ?? viewColumns(resource), enc.includeObject, now);
  if (enc.target.as === 'PartialObjectMetadataList') return partialObject(e);
  return e.json;
}
