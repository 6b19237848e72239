import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify as toYaml } from 'yaml';
import { CLUSTER_LABEL, GLOBAL_VIEW_PREFIX } from '../../api/fleet/v1alpha1/well-known.js';
import { parseFieldSelector, requireSupportedFields } from '../../pkg/apimachinery/field-selector.js';
import { parseLabelSelector } from '../../pkg/apimachinery/label-selector.js';
import { listOptionsFromQuery } from '../../pkg/apimachinery/list-options.js';
import { negotiateResponse } from '../../pkg/apimachinery/negotiation.js';
import { defaultListOptions } from '../../pkg/apimachinery/resource-version.js';
import { newRequestInfo, type RequestInfo } from '../../pkg/apimachinery/request-info.js';
import { StatusError } from '../../pkg/apimachinery/status-error.js';
import { parseIncludeObject } from '../../pkg/apimachinery/table.js';
import type { UserInfo } from '../../pkg/auth/user-info.js';
import type { FleetDiscovery } from '../../pkg/fleetview/fleet-discovery.js';
import type { FleetMember, FleetMembers } from '../../pkg/fleetview/fleet-members.js';
import type { FleetViewCache } from '../../pkg/fleetview/fleet-view-cache.js';
import { encodeObject, type ViewEncoding } from '../../pkg/fleetview/view-presenter.js';
import { findEntry, type ViewScope } from '../../pkg/fleetview/view-scope.js';
import { viewList } from '../../pkg/fleetview/view-list.js';
import { startViewWatch } from '../../pkg/fleetview/view-watch.js';
import { forbiddenError } from '../http/forbidden.js';
import { pathNotFound } from '../http/status-reply.js';

/** A member's own decision on whether a user may do something there. */
export type MemberAuthorizer = (
  member: FleetMember,
  user: UserInfo,
  attrs: { verb: string; group: string; resource: string; subresource?: string; namespace?: string; name?: string },
) => Promise<{ allowed: boolean; reason: string }>;

export interface FleetViewHandlerDeps {
  readonly cache: FleetViewCache;
  readonly discovery: FleetDiscovery;
  readonly members: FleetMembers;
  readonly authorizeMember: MemberAuthorizer;
  /** Forwards a subresource read (pods/log, …) to the member holding the object, as the caller. */
  readonly forward?: (request: FastifyRequest, reply: FastifyReply, member: FleetMember, path: string) => Promise<unknown>;
  readonly minRequestTimeoutSeconds?: number;
  /** How long a list waits for a member's first list. Default 10 s. */
  readonly syncTimeoutMs?: number;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

function methodNotAllowed(info: RequestInfo): StatusError {
  const what = info.apiGroup ? `${info.resource}.${info.apiGroup}` : info.resource;
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message:
      `the fleet view is read-only: ${info.verb} ${what} through one member instead ` +
      `(its context <member>@fleet, server /apis/fleet.herd.io/v1alpha1/clusters/<member>/proxy), ` +
      `or create a Federated kind (such as FederatedDeployment) to place it on many members`,
    reason: 'MethodNotAllowed',
    details: { group: info.apiGroup, kind: info.resource },
    code: 405,
  });
}

/** `299 - "text"`, the Warning header kubectl prints. */
const warning = (text: string) => `299 - ${JSON.stringify(text)}`;

/**
 * Serves the merged view under GLOBAL_VIEW_PREFIX: discovery and OpenAPI from FleetDiscovery, get/list/watch from
 * the FleetViewCache for the members the caller may read there, and 405 for writes.
 */
export function fleetViewHandler(deps: FleetViewHandlerDeps) {
  return async (request: FastifyRequest, reply: FastifyReply, innerPath: string, query: URLSearchParams, user: UserInfo): Promise<unknown> => {
    const answer = await deps.discovery.answer(innerPath, query, { ...(request.headers.accept ? { accept: request.headers.accept } : {}), ...(typeof request.headers['if-none-match'] === 'string' ? { ifNoneMatch: request.headers['if-none-match'] } : {}) }, GLOBAL_VIEW_PREFIX);
    if (answer) {
      for (const [k, v] of Object.entries(answer.headers ?? {})) reply.header(k, v);
      return reply.code(answer.status).type(answer.contentType).send(answer.body);
    }
    const info = newRequestInfo({ method: request.method, path: innerPath, query });
    if (!info.isResourceRequest) throw pathNotFound();
    if (WRITE_VERBS.has(info.verb)) throw methodNotAllowed(info);
    const ref = await deps.discovery.resolve(info.apiGroup, info.apiVersion, info.resource);
    if (!ref || (info.namespace && !ref.namespaced)) throw pathNotFound();

    // A member whose discovery has not been read yet (it just joined) is asked too: its informer finds out.
    // `-l herd.io/cluster=x` narrows the members before anything is asked of them (docs/fleet-view.md).
    const labelSelector = parseLabelSelector(info.labelSelector);
    const only = labelSelector.requiresExactMatch(CLUSTER_LABEL);
    const members = deps.members
      .list()
      .filter((m) => only === undefined || m.name === only)
      .filter((m) => ref.members.includes(m.name) || !deps.discovery.hasRead(m.name));
    const decisions = await Promise.all(
      members.map(async (m) => ({
        member: m.name,
        ...(await deps.authorizeMember(m, user, {
          verb: info.verb,
          group: info.apiGroup,
          resource: info.resource,
          ...(info.subresource ? { subresource: info.subresource } : {}),
          ...(info.namespace ? { namespace: info.namespace } : {}),
          // A get names the object as the member knows it (`web`, not the served `web@member-2`), for RBAC by resourceNames.
          ...(info.name ? { name: info.name.endsWith(`@${m.name}`) ? info.name.slice(0, -(m.name.length + 1)) : info.name } : {}),
        })),
      })),
    );
    const allowed = new Set(decisions.filter((d) => d.allowed).map((d) => d.member));
    const denied = decisions.filter((d) => !d.allowed);
    if (members.length > 0 && allowed.size === 0) {
      throw forbiddenError(user.name, info, `no member cluster allows it (${denied.map((d) => `${d.member}: ${d.reason || 'denied'}`).join('; ')})`);
    }
    const warnings: string[] = [];
    if (denied.length > 0) warnings.push(`${info.resource} of ${denied.map((d) => d.member).join(', ')} left out: not allowed there for ${user.name}`);

    const cache = deps.cache.acquire(ref);
    const missing = (await cache.waitForSync(deps.syncTimeoutMs ?? 10_000)).filter((m) => allowed.has(m));
    if (missing.length > 0) warnings.push(`${missing.join(', ')} could not be read yet; ${missing.length === 1 ? 'its' : 'their'} ${info.resource} are missing`);
    for (const w of warnings) reply.header('warning', warning(w));

    if (info.subresource) {
      if (!deps.forward || info.verb !== 'get') throw pathNotFound();
      const entry = findEntry(cache, { namespace: info.namespace, clusters: allowed }, info.name);
      const member = deps.members.get(entry.cluster);
      if (!member) throw pathNotFound();
      const path = innerPath.replace(`/${info.resource}/${info.name}/`, `/${info.resource}/${encodeURIComponent(entry.name)}/`);
      const q = query.toString();
      return deps.forward(request, reply, member, q ? `${path}?${q}` : path);
    }

    const fieldSelector = parseFieldSelector(info.fieldSelector);
    requireSupportedFields(fieldSelector, cache.o.fields);
    const scope: ViewScope = { namespace: info.namespace, clusters: allowed, labelSelector, fieldSelector };
    const target = negotiateResponse(request.headers.accept, { list: info.verb !== 'get' });
    const encoding: ViewEncoding = { target, includeObject: parseIncludeObject(query.get('includeObject') ?? undefined) };
    const yaml = target.mediaType === 'application/yaml' && !target.as;

    if (info.verb === 'get') {
      const entry = findEntry(cache, scope, info.name);
      const body = encodeObject(cache, entry, encoding, Date.now(), true);
      return reply.type(yaml ? 'application/yaml' : 'application/json').send(yaml ? toYaml(JSON.parse(body)) : body);
    }
    if (info.verb === 'list') {
      const opts = listOptionsFromQuery(query, false);
      const chunks = viewList(cache, scope, encoding, { ...(opts.limit ? { limit: opts.limit } : {}), ...(opts.continue ? { continue: opts.continue } : {}) });
      if (yaml) return reply.type('application/yaml').send(toYaml(JSON.parse([...chunks].join(''))));
      // The first chunk is produced now, so a bad continue token is an error answer, not a broken stream.
      const first = chunks.next();
      const rest = (function* () {
        if (!first.done) yield first.value;
        yield* chunks;
      })();
      return reply.type('application/json').send(Readable.from(rest, { objectMode: false }));
    }
    if (info.verb !== 'watch') throw pathNotFound();
    const opts = defaultListOptions(listOptionsFromQuery(query, true), true);
    const timeoutText = query.get('timeoutSeconds');
    const min = deps.minRequestTimeoutSeconds ?? 1800;
    const timeoutSeconds = timeoutText ? Number(timeoutText) : min * (1 + Math.random());
    reply.hijack();
    const res = reply.raw;
    let started = false;
    const watch = startViewWatch({
      resource: cache,
      scope,
      encoding,
      resourceVersion: opts.resourceVersion ?? '',
      sendInitialEvents: opts.sendInitialEvents === true,
      allowBookmarks: query.get('allowWatchBookmarks') === 'true',
      timeoutMs: Math.max(0, timeoutSeconds) * 1000,
      sink: {
        write: (text) => {
          if (!started) start();
          return res.write(text);
        },
        onceDrain: (listener) => void res.once('drain', listener),
        end: () => {
          if (!started) start();
          if (!res.writableEnded) res.end();
        },
      },
    });
    function start(): void {
      started = true;
      const headers: Record<string, string | string[]> = { 'content-type': 'application/json', 'cache-control': 'no-cache, private' };
      if (warnings.length > 0) headers.warning = warnings.map(warning);
      res.writeHead(200, headers);
      res.flushHeaders?.();
    }
    if ('stop' in watch) {
      if (!started) start();
      res.on('close', () => watch.stop());
      return;
    }
    // Too old: 200 with one ERROR event, as kube-apiserver answers a watch it cannot start.
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
    res.end(`{"type":"ERROR","object":${JSON.stringify(watch)}}\n`);
    return;
  };
}
