import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { NamespacePhase } from '../../pkg/hostcluster/namespace-lifecycle.js';
import { stringify as toYaml } from 'yaml';
import { bodyFormat, negotiateResponse, patchFormat, type ResponseTarget } from '../../pkg/apimachinery/negotiation.js';
import type { RequestInfo } from '../../pkg/apimachinery/request-info.js';
import { defaultListOptions, resolveListRead, resourceVersionError } from '../../pkg/apimachinery/resource-version.js';
import { listOptionsFromQuery } from '../../pkg/apimachinery/list-options.js';
import { isStatusError, newBadRequest, newForbidden, newInvalid, newMethodNotSupported, newNotFound, newUnsupportedMediaType } from '../../pkg/apimachinery/status-error.js';
import { FieldPath, forbidden, invalid, notSupported, required, tooLong } from '../../pkg/apimachinery/field-errors.js';
import type { ApiGroupRegistry, ServedResource } from '../../pkg/registry/api-group-registry.js';
import { ResourceStore, type DecodedBody, type DeleteRequest, type FieldValidation, type WriteOptions } from '../../pkg/registry/resource-store.js';
import { scanObjectJson, stampResourceVersion } from '../../pkg/storage/object-json.js';
import type { ObjectEvent, StoredObject } from '../../pkg/storage/storage.js';
import { decodeBody } from '../http/request-body.js';
import { pathNotFound } from '../http/status-reply.js';
import { streamWatch, streamWatchError, type WatchEventType } from '../http/watch-stream.js';
import { storageToStatusError } from '../../pkg/registry/storage-status.js';
import type { Presenter } from './presenter.js';

export type { NamespacePhase };

export interface ResourceHandlerDeps {
  readonly registry: ApiGroupRegistry;
  readonly presenter: Presenter;
  readonly namespacePhase?: (namespace: string) => Promise<NamespacePhase>;
  /** Watches end after a random time in [min, 2·min) unless the client asks for less, as kube-apiserver does. */
  readonly minRequestTimeoutSeconds?: number;
  /** Aborted when the server shuts down: every watch ends cleanly. */
  readonly shutdown?: AbortSignal;
  /** Read-only computed subresources (`placement`), by name: the object to answer a GET with. */
  readonly subresources?: Readonly<Record<string, SubresourceReader>>;
}

/** Answers GET on a computed subresource of one object; throws a StatusError (NotFound, say) otherwise. */
export type SubresourceReader = (resource: string, namespace: string | undefined, name: string, query: URLSearchParams) => Promise<unknown>;

const FIELD_VALIDATIONS = ['Ignore', 'Warn', 'Strict'];


/** The longest field manager name kube-apiserver accepts. */
const FIELD_MANAGER_MAX_LENGTH = 128;

/** `fieldManager` from the query, else the User-Agent up to its first `/` (printable characters, at most 128). */
function managerOrUserAgent(query: URLSearchParams, userAgent: string | undefined): string {
  const manager = query.get('fieldManager');
  if (manager) return manager;
  let out = '';
  for (const ch of (userAgent ?? '').split('/')[0]!) {
    if (!isPrintable(ch)) continue;
    if (out.length >= FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
  }
  return out;
}

function isPrintable(ch: string): boolean {
  return !/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u.test(ch) && (ch === ' ' || !/\p{Z}/u.test(ch));
}

/** The options kind named in a 422 about the options of this verb. */
const OPTIONS_KIND: Record<string, string> = { create: 'CreateOptions', update: 'UpdateOptions', patch: 'PatchOptions' };

function validateFieldManager(query: URLSearchParams, verb: string): void {
  const manager = query.get('fieldManager') ?? '';
  const errors = [];
  if (manager.length > FIELD_MANAGER_MAX_LENGTH) errors.push(tooLong(FieldPath.of('fieldManager'), FIELD_MANAGER_MAX_LENGTH));
  [...manager].forEach((ch, i) => {
    if (!isPrintable(ch)) {
      const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      errors.push(invalid(FieldPath.of('fieldManager'), manager, `invalid character U+${code} (at position ${i})`));
    }
  });
  if (errors.length > 0) throw newInvalid({ group: 'meta.k8s.io', kind: OPTIONS_KIND[verb] ?? 'PatchOptions' }, '', errors);
}

function writeOptions(query: URLSearchParams, warnings: string[], request?: FastifyRequest, verb = 'create'): WriteOptions {
  if (request) validateFieldManager(query, verb);
  const dryRun = query.getAll('dryRun');
  for (const d of dryRun) {
    if (d !== 'All') throw newBadRequest(`Invalid dry run value: ${d}, supported values are: All`);
  }
  const fv = query.get('fieldValidation') ?? 'Warn';
  if (!FIELD_VALIDATIONS.includes(fv)) {
    throw newInvalid({ group: 'meta.k8s.io', kind: 'CreateOptions' }, '', [notSupported(FieldPath.of('fieldValidation'), fv, FIELD_VALIDATIONS)]);
  }
  return {
    dryRun: dryRun.length > 0,
    fieldValidation: fv as FieldValidation,
    warnings,
    ...(request ? { fieldManager: managerOrUserAgent(query, request.headers['user-agent']) } : {}),
  };
}

function addWarnings(reply: FastifyReply, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  reply.header(
    'warning',
    [...new Set(warnings)].map((w) => `299 - ${JSON.stringify(w)}`),
  );
}

/**
 * Serves every verb on the resources of one API group version, given a resolved RequestInfo and an authorised
 * user. The HTTP status codes, bodies and headers follow kube-apiserver's handlers.
 */
export function resourceHandler(deps: ResourceHandlerDeps) {
  const { registry, presenter } = deps;
  const minTimeout = deps.minRequestTimeoutSeconds ?? 1800;

  async function checkNamespace(info: RequestInfo, served: ServedResource, creating = info.verb === 'create'): Promise<void> {
    if (!served.definition.namespaced || !deps.namespacePhase || !creating) return;
    const phase = await deps.namespacePhase(info.namespace);
    if (phase === 'Missing') throw newNotFound({ group: '', resource: 'namespaces' }, info.namespace);
    if (phase === 'Terminating') {
      const err = newForbidden(
        { group: served.definition.group, resource: served.definition.plural },
        '',
        `unable to create new content in namespace ${info.namespace} because it is being terminated`,
      );
      err.status.details = {
        ...err.status.details,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${info.namespace} is being terminated`, field: 'metadata.namespace' }],
      };
      throw err;
    }
  }

  function send(reply: FastifyReply, code: number, target: ResponseTarget, body: string | Buffer[]): FastifyReply {
    if (target.mediaType === 'application/yaml') {
      const json = Array.isArray(body) ? Buffer.concat(body).toString() : body;
      return reply.code(code).type('application/yaml').send(toYaml(JSON.parse(json)));
    }
    if (Array.isArray(body)) {
      // Pre-encoded parts go out as they are, without being copied into one buffer.
      reply.header('content-length', String(body.reduce((n, b) => n + b.length, 0)));
      return reply.code(code).type('application/json').send(Readable.from(body, { objectMode: false }));
    }
    return reply.code(code).type('application/json').send(body);
  }

  return async function handle(request: FastifyRequest, reply: FastifyReply, info: RequestInfo, query: URLSearchParams): Promise<FastifyReply | void> {
    const served = registry.get(info.resource);
    if (!served || (served.definition.namespaced === false && info.namespace !== '')) throw pathNotFound();
    const sub = info.subresource;
    const namespace = served.definition.namespaced ? info.namespace || undefined : undefined;
    const computed = sub !== '' && sub !== 'status' && served.definition.subresources.extra?.includes(sub) ? deps.subresources?.[sub] : undefined;
    if (computed) {
      if (info.verb !== 'get') throw newMethodNotSupported({ group: served.definition.group, resource: `${served.definition.plural}/${sub}` }, info.verb);
      const target = negotiateResponse(request.headers.accept, { list: false });
      return send(reply, 200, target, JSON.stringify(await computed(info.resource, namespace, info.name, query)));
    }
    if (sub !== '' && !(sub === 'status' && served.definition.subresources.status)) throw pathNotFound();
    const { store, definition } = served;
    const warnings: string[] = [];
    const rawBody = typeof request.body === 'string' ? request.body : '';

    switch (info.verb) {
      case 'get': {
        const target = negotiateResponse(request.headers.accept, { list: false });
        const object = await store.get(namespace, info.name);
        return send(reply, 200, target, presenter.object(definition, object, target, query));
      }
      case 'list': {
        const target = negotiateResponse(request.headers.accept, { list: true });
        const opts = listOptionsFromQuery(query, false);
        const read = resolveListRead(opts);
        const list = await store.list(namespace, {
          labelSelector: info.labelSelector,
          fieldSelector: info.fieldSelector,
          ...(opts.limit ? { limit: opts.limit } : {}),
          ...(read.kind === 'Continue' ? { continue: opts.continue! } : {}),
          ...(read.kind === 'Any' ? { resourceVersion: '0' } : {}),
          ...(read.kind === 'NotOlderThan' ? { resourceVersion: String(read.resourceVersion) } : {}),
          ...(read.kind === 'Exact' ? { resourceVersion: String(read.resourceVersion), resourceVersionMatch: 'Exact' as const } : {}),
        });
        return send(reply, 200, target, presenter.list(definition, list, target, query));
      }
      case 'watch': {
        const target = negotiateResponse(request.headers.accept, { list: true });
        const sel = store.selectors({ labelSelector: info.labelSelector, fieldSelector: info.fieldSelector });
        const requested = Number(query.get('timeoutSeconds') ?? '0');
        const timeoutSeconds = requested > 0 ? requested : minTimeout * (1 + Math.random());
        const opts = defaultListOptions(listOptionsFromQuery(query, true), true);
        if (opts.resourceVersion) parseResourceVersionOrBadRequest(opts.resourceVersion);
        let watch;
        try {
          watch = await store.watch(namespace, {
            ...(opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : {}),
            ...(opts.sendInitialEvents !== undefined ? { sendInitialEvents: opts.sendInitialEvents } : {}),
          });
        } catch (err) {
          if (isStatusError(err) && err.code === 410) return streamWatchError(reply, err.status);
          throw err;
        }
        const format = target.as ?? 'json';
        await streamWatch(reply, {
          watch,
          format,
          select: (event) => selectEvent(event, (o) => ResourceStore.matches(o, sel)),
          encodeObject: (object) => presenter.watchObject(definition, object, target),
          bookmark: (rv, end) => presenter.bookmark(definition, rv, end),
          allowBookmarks: query.get('allowWatchBookmarks') === 'true',
          timeoutSeconds,
          toStatus: (err) => storageToStatusError(err, store.qualified, '', 'watch').status,
          ...(deps.shutdown ? { signal: deps.shutdown } : {}),
        });
        return;
      }
      case 'create': {
        const target = negotiateResponse(request.headers.accept, { list: false });
        const opts = writeOptions(query, warnings, request, 'create');
        await checkNamespace(info, served);
        const body = decodeBody(rawBody, bodyFormat(request.headers['content-type']), definition);
        const created = await store.create(namespace, body, opts);
        addWarnings(reply, warnings);
        return send(reply, 201, target, presenter.object(definition, created, target, query));
      }
      case 'update': {
        const target = negotiateResponse(request.headers.accept, { list: false });
        const opts = writeOptions(query, warnings, request, 'update');
        const body = decodeBody(rawBody, bodyFormat(request.headers['content-type']), definition);
        const updated = await store.update(namespace, info.name, body, opts, sub === 'status' ? 'status' : undefined);
        addWarnings(reply, warnings);
        return send(reply, 200, target, presenter.object(definition, updated, target, query));
      }
      case 'patch': {
        const target = negotiateResponse(request.headers.accept, { list: false });
        const format = patchFormat(request.headers['content-type']);
        if (format === 'strategic-merge-patch') {
          throw newUnsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
        }
        const force = query.get('force');
        if (format === 'apply-patch') {
          if (!query.get('fieldManager')) {
            throw newInvalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [required(FieldPath.of('fieldManager'), 'is required for apply patch')]);
          }
          const opts = writeOptions(query, warnings, request, 'patch');
          const body = decodeApplyBody(rawBody, definition);
          const { object, created } = await store.apply(namespace, info.name, body, { ...opts, fieldManager: query.get('fieldManager')!, force: force === 'true', beforeCreate: () => checkNamespace(info, served, true) }, sub === 'status' ? 'status' : undefined);
          addWarnings(reply, warnings);
          return send(reply, created ? 201 : 200, target, presenter.object(definition, object, target, query));
        }
        if (force !== null) {
          throw newInvalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [forbidden(FieldPath.of('force'), 'may not be specified for non-apply patch')]);
        }
        const opts = writeOptions(query, warnings, request, 'patch');
        const patched = await store.patch(namespace, info.name, format === 'json-patch' ? 'json' : 'merge', rawBody, opts, sub === 'status' ? 'status' : undefined);
        addWarnings(reply, warnings);
        return send(reply, 200, target, presenter.object(definition, patched, target, query));
      }
      case 'delete': {
        const target = negotiateResponse(request.headers.accept, { list: false });
        const del = deleteRequest(rawBody, query, warnings);
        const result = await store.delete(namespace, info.name, del);
        if (result.kind === 'deleted') return send(reply, 200, target, JSON.stringify(result.status));
        return send(reply, 200, target, presenter.object(definition, result.object, target, query));
      }
      case 'deletecollection': {
        const target = negotiateResponse(request.headers.accept, { list: true });
        const del = deleteRequest(rawBody, query, warnings);
        const deleted = await store.deleteCollection(namespace, { labelSelector: info.labelSelector, fieldSelector: info.fieldSelector }, del);
        const list = { items: deleted, resourceVersion: deleted.at(-1)?.resourceVersion ?? '' };
        return send(reply, 200, target, presenter.list(definition, list, target, query));
      }
      default:
        throw newMethodNotSupported(store.qualified, request.method);
    }
  };
}

/** An apply body: YAML (JSON is YAML too), as a whole object. */
function decodeApplyBody(raw: string, definition: { kind: string }): DecodedBody {
  try {
    return decodeBody(raw, 'yaml', definition);
  } catch (err) {
    const message = isStatusError(err) ? err.status.message ?? '' : String(err);
    throw newBadRequest(`error decoding YAML: ${message.replace(/^.*yaml parse error: /, '')}`);
  }
}

function parseResourceVersionOrBadRequest(rv: string): void {
  const err = resourceVersionError(rv);
  if (err) throw newBadRequest(`invalid resource version: ${err.toString()}`);
}

/** DeleteOptions from the body (JSON) or the query, as kube-apiserver reads them. */
function deleteRequest(raw: string, query: URLSearchParams, warnings: string[]): DeleteRequest {
  let body: { propagationPolicy?: string; orphanDependents?: boolean; preconditions?: { uid?: string; resourceVersion?: string }; dryRun?: string[] } = {};
  if (raw.trim() !== '') {
    try {
      body = JSON.parse(raw) as typeof body;
    } catch (err) {
      throw newBadRequest(`the body of the request was in an unknown format: ${(err as Error).message}`);
    }
  }
  const policy = query.get('propagationPolicy') ?? body.propagationPolicy ?? (body.orphanDependents === true ? 'Orphan' : undefined);
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw newInvalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [notSupported(FieldPath.of('propagationPolicy'), policy, ['Foreground', 'Background', 'Orphan'])]);
  }
  const dryRun = [...query.getAll('dryRun'), ...(body.dryRun ?? [])];
  return {
    dryRun: dryRun.includes('All'),
    warnings,
    ...(policy ? { propagationPolicy: policy as DeleteRequest['propagationPolicy'] } : {}),
    ...(body.preconditions ? { preconditions: body.preconditions } : {}),
  };
}

/**
 * What a storage event becomes for a watcher with selectors, as the watch cache decides: an object that starts to
 * match is ADDED, one that stops matching is DELETED (its previous state at the new resourceVersion).
 */
export function selectEvent(event: ObjectEvent, matches: (o: StoredObject) => boolean): { type: WatchEventType; object: StoredObject } | undefined {
  const now = matches(event.object);
  if (event.type === 'ADDED') return now ? { type: 'ADDED', object: event.object } : undefined;
  if (event.type === 'DELETED') return event.prevObject && !matches(event.prevObject) && !now ? undefined : { type: 'DELETED', object: event.object };
  const before = event.prevObject ? matches(event.prevObject) : now;
  if (now && before) return { type: 'MODIFIED', object: event.object };
  if (now) return { type: 'ADDED', object: event.object };
  if (before && event.prevObject) {
    const prev = event.prevObject;
    const json = stampResourceVersion(scanObjectJson(prev.key, prev.json), event.resourceVersion);
    return { type: 'DELETED', object: { ...prev, json, resourceVersion: event.resourceVersion } };
  }
  return undefined;
}

