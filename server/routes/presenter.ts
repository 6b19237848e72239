import type { ResourceDefinition } from '../../api/meta/resource-definition.js';
import type { ResponseTarget } from '../../pkg/apimachinery/negotiation.js';
import type { StoreList } from '../../pkg/registry/resource-store.js';
import type { StoredObject } from '../../pkg/storage/storage.js';

/** Turns stored objects into response bodies (JSON text) for the negotiated target, without re-encoding plain JSON. */
export interface Presenter {
  object(def: ResourceDefinition, object: StoredObject, target: ResponseTarget, query: URLSearchParams): string;
  /** Buffers when the items come pre-encoded from the read cache: no string is built and nothing is copied. */
  list(def: ResourceDefinition, list: StoreList, target: ResponseTarget, query: URLSearchParams): string | Buffer[];
  watchObject(def: ResourceDefinition, object: StoredObject, target: ResponseTarget): string;
  bookmark(def: ResourceDefinition, resourceVersion: string, initialEventsEnd: boolean): string;
}

/** Converts objects to a meta.k8s.io/v1 Table (a single object, or a list's items with its list metadata). */
export type TableConverter = (
  def: ResourceDefinition,
  objects: readonly StoredObject[],
  listMeta: { resourceVersion?: string; continue?: string; remainingItemCount?: number } | undefined,
  includeObject: 'None' | 'Metadata' | 'Object',
) => string;

const CLOSE = Buffer.from(']}');

const gv = (def: ResourceDefinition) => (def.group ? `${def.group}/${def.version}` : def.version);

function listMeta(list: StoreList): string {
  const meta: Record<string, unknown> = { resourceVersion: list.resourceVersion };
  if (list.continue) meta.continue = list.continue;
  if (list.remainingItemCount !== undefined) meta.remainingItemCount = list.remainingItemCount;
  return JSON.stringify(meta);
}

/** PartialObjectMetadata of one stored object: type meta and metadata only. */
function partial(object: StoredObject, def: ResourceDefinition): Record<string, unknown> {
  const parsed = JSON.parse(object.json) as { metadata: unknown };
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: parsed.metadata, ...(def ? {} : {}) };
}

function includeObject(query: URLSearchParams | undefined): 'None' | 'Metadata' | 'Object' {
  const v = query?.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** The presenter for Herd's stored API: lists are spliced from stored JSON text, conversions parse only as needed. */
export function storedPresenter(table: TableConverter): Presenter {
  return {
    object(def, object, target, query) {
      if (target.as === 'Table') return table(def, [object], undefined, includeObject(query));
      if (target.as === 'PartialObjectMetadata') return JSON.stringify(partial(object, def));
      return object.json;
    },
    list(def, list, target, query) {
      if (target.as === 'Table') {
        return table(def, list.items, { resourceVersion: list.resourceVersion, ...(list.continue ? { continue: list.continue } : {}), ...(list.remainingItemCount !== undefined ? { remainingItemCount: list.remainingItemCount } : {}) }, includeObject(query));
      }
      if (target.as === 'PartialObjectMetadataList') {
        return `{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":${listMeta(list)},"items":[${list.items.map((o) => JSON.stringify(partial(o, def))).join(',')}]}`;
      }
      const head = `{"kind":"${def.listKind}","apiVersion":"${gv(def)}","metadata":${listMeta(list)},"items":[`;
      if (list.joined) return [Buffer.from(head), list.joined, CLOSE];
      return `${head}${list.items.map((o) => o.json).join(',')}]}`;
    },
    watchObject(def, object, target) {
      if (target.as === 'Table') return table(def, [object], undefined, 'Metadata');
      if (target.as) return JSON.stringify(partial(object, def));
      return object.json;
    },
    bookmark(def, resourceVersion, initialEventsEnd) {
      const metadata: Record<string, unknown> = { resourceVersion };
      if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
      return JSON.stringify({ kind: def.kind, apiVersion: gv(def), metadata });
    },
  };
}
