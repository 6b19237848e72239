// Resolves a request into Kubernetes RequestInfo the way apiserver's RequestInfoFactory does
// (pkg/endpoints/request/requestinfo.go): resource versus non-resource, the kube verb, and the
// group/version/namespace/resource/name/subresource read from the path. Authorization (SubjectAccessReview),
// audit and long-running detection all start from this value, so it must agree with upstream path for path.
import { parseFieldSelector } from './field-selector.js';
import { parseLabelSelector } from './label-selector.js';

export interface RequestInfo {
  /** True for `/apis/<g>/<v>/...` and `/api/<v>/...` paths that name a resource. */
  isResourceRequest: boolean;
  /** The (percent-decoded) URL path, unchanged. */
  path: string;
  /**
   * The kube verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`, `proxy`) for
   * resource requests; the lower-cased HTTP method for non-resource requests. `''` for an unknown method.
   */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path segments from the resource on: `[resource, name, subresource, ...]`. Empty for non-resource requests. */
  parts: string[];
  /** The raw `fieldSelector` query value, only for list, watch and deletecollection (not via the `/watch/` prefix). */
  fieldSelector: string;
  /** The raw `labelSelector` query value, under the same conditions as `fieldSelector`. */
  labelSelector: string;
}

/**
 * A parsed query: `URLSearchParams`, or an object whose repeated keys are arrays (what common query-string parsers
 * produce). Only the first value of a key is read, as Go's `url.Values` accessors do.
 */
export type QueryValues = URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface RequestInfoInput {
  /** The HTTP method exactly as received (upper case). */
  method: string;
  /** The percent-decoded path (Go's `URL.Path`): `%2F` has already become `/`. No query string. */
  path: string;
  query?: QueryValues;
}

export interface RequestInfoOptions {
  /** Path prefixes that start an API path, without slashes. Default `['api', 'apis']`. */
  apiPrefixes?: readonly string[];
  /** Prefixes whose paths carry no group segment. Default `['api']`. */
  grouplessApiPrefixes?: readonly string[];
}

/**
 * A path that starts like a resource request but names no resource (`/api/v1/watch`). Upstream answers it with a
 * plain-text 500 `Internal Server Error: "<uri>": failed to create RequestInfo: <message>`.
 */
export class RequestInfoError extends Error {
  readonly isRequestInfoError = true;
  /** What was resolved before the failure. */
  readonly requestInfo: RequestInfo;

  constructor(message: string, requestInfo: RequestInfo) {
    super(message);
    this.name = 'RequestInfoError';
    this.requestInfo = requestInfo;
  }
}

const SPECIAL_VERBS = new Set(['proxy', 'watch']);
/** Verbs given by a path prefix after which the path has no subresource. */
const SPECIAL_VERBS_WITHOUT_SUBRESOURCES = new Set(['proxy']);
/** Subresources of a namespace; anything else after `namespaces/<ns>/` is a namespaced resource. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const VERBS_WITH_SELECTORS = new Set(['list', 'watch', 'deletecollection']);

const METHOD_VERBS: Readonly<Record<string, string>> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** The first value of `key`, or undefined when the key is absent. */
export function firstQueryValue(query: QueryValues | undefined, key: string): string | undefined {
  if (query === undefined) return undefined;
  if (query instanceof URLSearchParams) return query.has(key) ? (query.get(key) ?? '') : undefined;
  if (!Object.hasOwn(query, key)) return undefined;
  const value = query[key];
  if (typeof value === 'string') return value;
  return value?.[0];
}

/** Go's `url.Values` boolean decoding: present and neither `0` nor `false` (any case) means true, `''` included. */
function isTruthyQueryBool(value: string): boolean {
  return value !== '0' && value.toLowerCase() !== 'false';
}

/** Go's `strconv.ParseInt(s, 10, 64)` succeeds. */
function isInt64(s: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(s)) return false;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/** Upstream `content.IsPathSegmentName` finds nothing wrong. */
function isPathSegmentName(name: string): boolean {
  return name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}

/** Go's `strings.Trim(path, "/")` followed by a split on `/`; an all-slash path has no segments. */
function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

/**
 * What decoding the query into ListOptions yields for the list/watch decision: the watch flag and, when decoding
 * succeeds, the field selector's exact `metadata.name`. Upstream decodes every ListOptions parameter; when any of
 * them fails (a malformed selector, a non-integer `limit` or `timeoutSeconds`) it keeps only the watch flag.
 */
function decodeListQuery(query: QueryValues | undefined): { watch: boolean; exactName: string | undefined } {
  const rawWatch = firstQueryValue(query, 'watch');
  const watch = rawWatch !== undefined && isTruthyQueryBool(rawWatch);
  try {
    for (const key of ['limit', 'timeoutSeconds']) {
      const value = firstQueryValue(query, key);
      if (value !== undefined && !isInt64(value)) return { watch, exactName: undefined };
    }
    const labelSelector = firstQueryValue(query, 'labelSelector');
    if (labelSelector !== undefined) parseLabelSelector(labelSelector);
    const fieldSelector = firstQueryValue(query, 'fieldSelector');
    const exactName = fieldSelector === undefined ? undefined : parseFieldSelector(fieldSelector).requiresExactMatch('metadata.name');
    return { watch, exactName };
  } catch {
    return { watch, exactName: undefined };
  }
}

function describeUrl(input: RequestInfoInput): string {
  if (input.query === undefined) return input.path;
  const params = input.query instanceof URLSearchParams ? input.query : toSearchParams(input.query);
  const search = params.toString();
  return search === '' ? input.path : `${input.path}?${search}`;
}

function toSearchParams(query: Readonly<Record<string, string | readonly string[] | undefined>>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const v of typeof value === 'string' ? [value] : (value ?? [])) params.append(key, v);
  }
  return params;
}

/**
 * Resolves `input` into RequestInfo. Paths that are not API paths (`/healthz`, `/openapi/v2`, `/apis`,
 * `/apis/<g>`, `/apis/<g>/<v>`, `/api/<v>`) are non-resource requests whose verb is the lower-cased method.
 * Throws RequestInfoError for a `/watch` or `/proxy` prefix with nothing after it.
 */
export function newRequestInfo(input: RequestInfoInput, options: RequestInfoOptions = {}): RequestInfo {
  const apiPrefixes = options.apiPrefixes ?? ['api', 'apis'];
  const grouplessPrefixes = options.grouplessApiPrefixes ?? ['api'];
  const info: RequestInfo = {
    isResourceRequest: false,
    path: input.path,
    verb: input.method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
    fieldSelector: '',
    labelSelector: '',
  };

  let parts = splitPath(input.path);
  if (parts.length < 3 || !apiPrefixes.includes(parts[0]!)) return info;
  info.apiPrefix = parts[0]!;
  parts = parts.slice(1);
  if (!grouplessPrefixes.includes(info.apiPrefix)) {
    // The prefix is consumed already: a grouped path needs group, version and a resource.
    if (parts.length < 3) return info;
    info.apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  info.isResourceRequest = true;
  info.apiVersion = parts[0]!;
  parts = parts.slice(1);

  let verbViaPathPrefix = false;
  if (SPECIAL_VERBS.has(parts[0]!)) {
    if (parts.length < 2) {
      throw new RequestInfoError(`unable to determine kind and namespace from url, ${describeUrl(input)}`, info);
    }
    info.verb = parts[0]!;
    parts = parts.slice(1);
    verbViaPathPrefix = true;
  } else {
    info.verb = Object.hasOwn(METHOD_VERBS, input.method) ? METHOD_VERBS[input.method]! : '';
  }

  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      info.namespace = parts[1]!;
      // `namespaces/<ns>/<x>` is a namespaced resource `<x>` unless `<x>` is a subresource of the namespace itself.
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
    }
  }
  info.parts = parts;
  if (parts.length >= 3 && !SPECIAL_VERBS_WITHOUT_SUBRESOURCES.has(info.verb)) info.subresource = parts[2]!;
  if (parts.length >= 2) info.name = parts[1]!;
  if (parts.length >= 1) info.resource = parts[0]!;

  if (info.name === '' && info.verb === 'get') {
    const { watch, exactName } = decodeListQuery(input.query);
    info.verb = watch ? 'watch' : 'list';
    // A single-object list or watch (`fieldSelector=metadata.name=x`) is authorized against that name.
    if (exactName !== undefined && isPathSegmentName(exactName)) info.name = exactName;
  }
  if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';

  // Selectors are not authorized on the legacy `/watch/` form, whose single-object endpoint ignores them.
  if (!verbViaPathPrefix && VERBS_WITH_SELECTORS.has(info.verb)) {
    info.fieldSelector = firstQueryValue(input.query, 'fieldSelector') ?? '';
    info.labelSelector = firstQueryValue(input.query, 'labelSelector') ?? '';
  }
  return info;
}

/**
 * Splits a raw request target (`/api/v1/pods?watch=1`) into Go's `URL.Path` (percent-decoded, so `%2F` becomes a
 * separator) and the query (`+` decodes to a space). Throws URIError for a malformed escape, which Go's server
 * rejects with 400 before any handler runs.
 */
export function parseRequestTarget(target: string): { path: string; query: URLSearchParams } {
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
  if (!rawPath.includes('%')) return { path: rawPath, query };
  if (/%(?![0-9a-fA-F]{2})/.test(rawPath)) throw new URIError(`invalid URL escape in ${JSON.stringify(rawPath)}`);
  // Each run of escapes is decoded as bytes, so a multi-byte UTF-8 sequence spread over several escapes survives.
  const path = rawPath.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
  return { path, query };
}

/** Type guard for RequestInfoError that does not depend on `instanceof`. */
export function isRequestInfoError(e: unknown): e is RequestInfoError {
  return e instanceof Error && (e as Partial<RequestInfoError>).isRequestInfoError === true;
}
