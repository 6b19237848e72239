// The fleet view's OpenAPI v3: an index over every group version any member serves, each document the one of the
// first member (in name order) that has it, fetched when first asked for and kept by its hash.
import { openAPIHash, type EncodedDocument, type OpenAPIV3Index } from '../apimachinery/openapi.js';
import type { ClusterResponse } from '../members/cluster-client.js';

/** Where a member keeps one OpenAPI v3 document. */
export interface OpenAPISource {
  readonly member: string;
  /** The member's own URL of the document, `?hash=` included when the member gives one. */
  readonly serverRelativeURL: string;
  readonly hash: string | undefined;
}

/** How the union reaches a member: a GET of a member path, answered as the member's client answers it. */
export type OpenAPIFetch = (member: string, path: string) => Promise<ClusterResponse>;

/** Index encodings kept per view prefix; a server has one or two prefixes, more only from odd callers. */
const MAX_PREFIXES = 4;

export class OpenAPIUnion {
  /** Index key (`api/v1`, `apis/apps/v1`) → members that have the document, first choice first. */
  private sources = new Map<string, readonly OpenAPISource[]>();
  private sourcesJson = '{}';
  private readonly indexes = new Map<string, EncodedDocument>();
  /** Document bodies by their member hash; only hashes the sources name are kept past an update. */
  private readonly documents = new Map<string, string>();
  private readonly fetching = new Map<string, Promise<EncodedDocument | undefined>>();

  constructor(
    private readonly o: {
      readonly fetch: OpenAPIFetch;
      /** A member answered with a document newer than its index said: its index should be read again. */
      readonly onStale?: (member: string) => void;
      readonly log?: (msg: string, err?: unknown) => void;
    },
  ) {}

  /** Replaces the sources; documents no source names any more are dropped. */
  update(sources: ReadonlyMap<string, readonly OpenAPISource[]>): void {
    const sorted = new Map([...sources].filter(([, s]) => s.length > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const json = JSON.stringify([...sorted]);
    if (json === this.sourcesJson) return;
    this.sources = sorted;
    this.sourcesJson = json;
    this.indexes.clear();
    const named = new Set<string>();
    for (const list of sorted.values()) for (const s of list) if (s.hash) named.add(s.hash);
    for (const hash of this.documents.keys()) if (!named.has(hash)) this.documents.delete(hash);
  }

  has(key: string): boolean {
    return this.sources.has(key);
  }

  /** `GET /openapi/v3` under `prefix`, encoded once per prefix and change. */
  index(prefix: string): EncodedDocument {
    const base = prefix.replace(/\/+$/, '');
    const cached = this.indexes.get(base);
    if (cached) return cached;
    const index: OpenAPIV3Index = { paths: {} };
    for (const [key, [first]] of this.sources) {
      if (!first) continue;
      index.paths[key] = { serverRelativeURL: `${base}/openapi/v3/${key}${first.hash ? `?hash=${first.hash}` : ''}` };
    }
    const body = JSON.stringify(index);
    const encoded = { body, hash: openAPIHash(body) };
    if (this.indexes.size >= MAX_PREFIXES) this.indexes.clear();
    this.indexes.set(base, encoded);
    return encoded;
  }

  /**
   * The document at `key` with the hash to answer it under; undefined when no member has it. Members are tried in
   * order; rejects when none answers.
   */
  async document(key: string): Promise<EncodedDocument | undefined> {
    const sources = this.sources.get(key);
    if (!sources) return undefined;
    const first = sources[0];
    const cached = first?.hash ? this.documents.get(first.hash) : undefined;
    if (first?.hash && cached !== undefined) return { body: cached, hash: first.hash };
    // Concurrent requests for one document share one fetch.
    const flightKey = `${key}\n${first?.hash ?? ''}`;
    let flight = this.fetching.get(flightKey);
    if (!flight) {
      flight = this.fetchFrom(sources).finally(() => this.fetching.delete(flightKey));
      this.fetching.set(flightKey, flight);
    }
    return flight;
  }

  private async fetchFrom(sources: readonly OpenAPISource[]): Promise<EncodedDocument> {
    let lastError: unknown = new Error('no member has the document');
    for (const s of sources) {
      const cached = s.hash ? this.documents.get(s.hash) : undefined;
      if (s.hash && cached !== undefined) return { body: cached, hash: s.hash };
      try {
        const doc = await this.fetchOne(s);
        if (doc) return doc;
        lastError = new Error(`member ${s.member} has no ${s.serverRelativeURL.split('?')[0]}`);
      } catch (err) {
        lastError = err;
        this.o.log?.(`fleet view: reading OpenAPI ${s.serverRelativeURL} from member ${s.member} failed`, err);
      }
    }
    throw lastError;
  }

  private async fetchOne(s: OpenAPISource): Promise<EncodedDocument | undefined> {
    const res = await this.o.fetch(s.member, s.serverRelativeURL);
    if (res.status === 200) {
      // A member answers `?hash=` with exactly that document (or redirects), so its hash names the body.
      const hash = s.hash ?? openAPIHash(res.body);
      this.documents.set(hash, res.body);
      return { body: res.body, hash };
    }
    if (res.status >= 300 && res.status < 400) {
      // The member's document changed since its index was read: serve its current one, and have the index re-read.
      this.o.onStale?.(s.member);
      const current = await this.o.fetch(s.member, s.serverRelativeURL.split('?')[0]!);
      if (current.status !== 200) return undefined;
      const hash = openAPIHash(current.body);
      this.documents.set(hash, current.body);
      return { body: current.body, hash };
    }
    return undefined;
  }
}
