// Server-side printing: objects of one resource as a meta.k8s.io/v1 Table, the way the apiextensions server
// prints custom resources. NAME comes first, the resource's printer columns next, AGE last; each row carries the
// object as the request's includeObject asks.
import type { KubeObject, ListMeta, ObjectMeta } from '../../api/meta/object-meta.js';
import type { PrinterColumn, ResourceDefinition } from '../../api/meta/resource-definition.js';
import { goQuote } from './go-text.js';
import { newBadRequest } from './status-error.js';
import { humanAge } from './table-human-duration.js';
import { compileJSONPath, type JSONPathQuery } from './table-jsonpath.js';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: unknown[];
  object?: KubeObject | PartialObjectMetadata;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ListMeta;
  /** null on every watch event after the first, as kube-apiserver sends them. */
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** Defaults to Metadata. */
  includeObject?: IncludeObject;
  /** Leaves out columnDefinitions (watch events after the first). */
  noHeaders?: boolean;
  /** Milliseconds since the epoch that ages are measured to; defaults to now. */
  now?: number;
}

/** The `includeObject` query parameter; BadRequest for anything but None, Metadata, Object or empty. */
export function parseIncludeObject(value: string | undefined): IncludeObject {
  if (value === undefined || value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw newBadRequest(`unrecognized includeObject value: ${goQuote(value)}`);
}

const NAME_COLUMN: TableColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name of the object, unique within its namespace (or the cluster for cluster-scoped kinds).',
  priority: 0,
};

const AGE_COLUMN: TableColumnDefinition = {
  name: 'Age',
  type: 'date',
  format: '',
  description: 'Time since the object was created (metadata.creationTimestamp).',
  priority: 0,
};

/** One printer column's value as a cell, typed as kube-apiserver types it; null when the path finds nothing. */
function cell(column: PrinterColumn, value: unknown, now: number): unknown {
  if (value === undefined || value === null) return null;
  switch (column.type) {
    case 'string':
      if (typeof value === 'string') return value;
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return typeof value === 'string' ? humanAge(value, now) : null;
  }
}

function partial(obj: KubeObject): PartialObjectMetadata {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

function listMeta(meta: ListMeta): ListMeta {
  const out: ListMeta = {};
  if (meta.resourceVersion) out.resourceVersion = meta.resourceVersion;
  if (meta.continue) out.continue = meta.continue;
  if (meta.remainingItemCount !== undefined && meta.remainingItemCount !== null) out.remainingItemCount = meta.remainingItemCount;
  return out;
}

/**
 * Prints objects of one resource. Cells come only from the resource's printer columns, so a kind whose columns
 * avoid secret fields (FederatedSecret prints its type, not its data) never shows them in a cell.
 */
export class TableConvertor {
  readonly columnDefinitions: readonly TableColumnDefinition[];
  private readonly columns: readonly { column: PrinterColumn; query: JSONPathQuery }[];

  constructor(def: Pick<ResourceDefinition, 'printerColumns'>) {
    this.columns = def.printerColumns.map((column) => ({ column, query: compileJSONPath(column.jsonPath) }));
    this.columnDefinitions = [
      NAME_COLUMN,
      ...def.printerColumns.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description: c.description,
        priority: c.priority,
      })),
      AGE_COLUMN,
    ];
  }

  /** A list response: the rows in order, with the list's resourceVersion, continue and remainingItemCount. */
  convertList(items: readonly KubeObject[], meta: ListMeta, options: TableOptions = {}): Table {
    return this.table(items, listMeta(meta), options);
  }

  /** A get response or one watch event: a table of one row. */
  convertObject(obj: KubeObject, options: TableOptions = {}): Table {
    const meta: ListMeta = obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {};
    return this.table([obj], meta, options);
  }

  private table(items: readonly KubeObject[], metadata: ListMeta, options: TableOptions): Table {
    const now = options.now ?? Date.now();
    const include = options.includeObject ?? 'Metadata';
    const rows = items.map((obj) => this.row(obj, include, now));
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata,
      columnDefinitions: options.noHeaders ? null : this.columnDefinitions.map((c) => ({ ...c })),
      rows,
    };
  }

  private row(obj: KubeObject, include: IncludeObject, now: number): TableRow {
    const cells: unknown[] = [obj.metadata.name ?? ''];
    for (const { column, query } of this.columns) cells.push(cell(column, query(obj)[0], now));
    cells.push(humanAge(obj.metadata.creationTimestamp, now));
    if (include === 'None') return { cells };
    return { cells, object: include === 'Object' ? obj : partial(obj) };
  }
}
