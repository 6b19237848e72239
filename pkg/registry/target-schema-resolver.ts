// Reads a target kind's whole-object schema from a cluster's OpenAPI v3 documents, for the spec.template of its
// Federated<Kind>: the index (`/openapi/v3`), then the document of the kind's group version.
import type { TargetType } from '../../api/federation/v1alpha1/index.js';
import type { JSONSchemaProps } from '../../api/meta/resource-definition.js';
import type { ClusterClient } from '../members/cluster-client.js';
import { findKindSchema, inlineSchema, type OpenAPIV3Document } from './target-schema-resolver-inline.js';

/** GET of a path on the cluster that must answer 200 with JSON; rejects otherwise. */
export type GetJson = (path: string) => Promise<unknown>;

export interface TargetSchemaResolverOptions {
  /** The cluster the documents come from, as FederatedTypeConfig status names it (`host`). */
  readonly cluster: string;
  readonly getJson: GetJson;
  /** How long one read of the index is reused, so resolving many kinds at once reads it once. Default 1000. */
  readonly indexTtlMs?: number;
  readonly now?: () => number;
}

interface IndexEntry {
  /** Path and query of the document (`/openapi/v3/apis/apps/v1?hash=…`). */
  readonly url: string;
  /** The content hash the index gives; empty when it gives none (then nothing is cached). */
  readonly hash: string;
}

type Index = ReadonlyMap<string, IndexEntry>;

/** Inlined schemas of one group-version document, valid while the index gives the same hash. */
interface CachedKinds {
  readonly hash: string;
  readonly kinds: Map<string, JSONSchemaProps | undefined>;
}

/** `apis/apps/v1`, or `api/v1` for the core group: the document's key in the index. */
export function groupVersionPath(target: Pick<TargetType, 'group' | 'version'>): string {
  return target.group ? `apis/${target.group}/${target.version}` : `api/${target.version}`;
}

function parseIndex(body: unknown): Index {
  const paths = (body as { paths?: unknown } | null)?.paths;
  const index = new Map<string, IndexEntry>();
  if (typeof paths !== 'object' || paths === null) throw new Error('OpenAPI v3 index has no paths');
  for (const [path, value] of Object.entries(paths as Record<string, unknown>)) {
    const relative = (value as { serverRelativeURL?: unknown } | null)?.serverRelativeURL;
    const url = typeof relative === 'string' && relative.startsWith('/') ? relative : `/openapi/v3/${path}`;
    const hash = new URL(url, 'https://cluster.invalid').searchParams.get('hash') ?? '';
    index.set(path, { url, hash });
  }
  return index;
}

/**
 * Resolves target schemas from one cluster. Documents are fetched by the hashed URL the index gives and only the
 * inlined schemas are kept, per (group version, hash): a kind is inlined once per document version, and a changed
 * document (a CRD updated) is read again on the next resolve. Concurrent reads of one URL share one request.
 */
export class TargetSchemaResolver {
  readonly cluster: string;
  private readonly getJson: GetJson;
  private readonly indexTtlMs: number;
  private readonly now: () => number;
  private index: { readonly at: number; readonly value: Promise<Index> } | undefined;
  private readonly cache = new Map<string, CachedKinds>();
  private readonly inflight = new Map<string, Promise<OpenAPIV3Document>>();

  constructor(options: TargetSchemaResolverOptions) {
    this.cluster = options.cluster;
    this.getJson = options.getJson;
    this.indexTtlMs = options.indexTtlMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** A resolver reading through a cluster client. */
  static forClient(cluster: string, client: ClusterClient, timeoutMs = 10_000): TargetSchemaResolver {
    return new TargetSchemaResolver({ cluster, getJson: (path) => client.getJson<unknown>(path, timeoutMs) });
  }

  /**
   * The target's whole-object schema, references inlined; undefined when the cluster does not serve the group
   * version or the document has no schema for the kind. Rejects when the cluster cannot be read. The result is
   * shared between calls: callers must not change it.
   */
  async resolve(target: Pick<TargetType, 'group' | 'version' | 'kind'>): Promise<JSONSchemaProps | undefined> {
    const path = groupVersionPath(target);
    const entry = (await this.readIndex()).get(path);
    if (!entry) return undefined;
    const cached = this.cache.get(path);
    if (entry.hash && cached?.hash === entry.hash && cached.kinds.has(target.kind)) return cached.kinds.get(target.kind);
    const doc = await this.readDocument(entry.url);
    const name = findKindSchema(doc, { group: target.group ?? '', version: target.version, kind: target.kind });
    const schema = name === undefined ? undefined : inlineSchema(doc, name);
    if (entry.hash) {
      let kinds = this.cache.get(path);
      if (kinds?.hash !== entry.hash) {
        kinds = { hash: entry.hash, kinds: new Map() };
        this.cache.set(path, kinds);
      }
      kinds.kinds.set(target.kind, schema);
    }
    return schema;
  }

  private readIndex(): Promise<Index> {
    const t = this.now();
    if (this.index && t - this.index.at < this.indexTtlMs) return this.index.value;
    const value = this.getJson('/openapi/v3').then(parseIndex);
    const entry = { at: t, value };
    this.index = entry;
    // A failed read is not reused.
    value.catch(() => {
      if (this.index === entry) this.index = undefined;
    });
    return value;
  }

  private readDocument(url: string): Promise<OpenAPIV3Document> {
    let doc = this.inflight.get(url);
    if (!doc) {
      doc = this.getJson(url).then((body) => {
        if (typeof body !== 'object' || body === null) throw new Error(`OpenAPI v3 document ${url} is not an object`);
        return body as OpenAPIV3Document;
      });
      this.inflight.set(url, doc);
      const clear = () => this.inflight.delete(url);
      doc.then(clear, clear);
    }
    return doc;
  }
}
