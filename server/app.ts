import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { newRequestInfo, parseRequestTarget, type RequestInfo } from '../pkg/apimachinery/request-info.js';
import { newRequestEntityTooLargeError, newTooManyRequests, newUnauthorized } from '../pkg/apimachinery/status-error.js';
import type { UserInfo } from '../pkg/auth/user-info.js';
import { headersFromRaw } from '../pkg/auth/authentication-request.js';
import type { ApiGroupRegistry } from '../pkg/registry/api-group-registry.js';
import { forbiddenError } from './http/forbidden.js';
import { pathNotFound, sendStatus, toStatusError } from './http/status-reply.js';
import type { ApiMetrics } from './metrics.js';
import type { ApiDocuments } from './routes/api-documents.js';
import { resourceHandler, type NamespacePhase, type SubresourceReader } from './routes/resource-handler.js';
import type { Presenter } from './routes/presenter.js';
import { FLEET_GROUP, FLEET_VERSION, GLOBAL_VIEW_PREFIX } from '../api/fleet/v1alpha1/well-known.js';

/** What a request presents for authentication: its TLS client certificate chain (leaf first) and its headers. */
export interface AuthenticationInput {
  readonly peerCertificates: readonly X509Certificate[];
  /** Lower-cased names, repeated headers kept apart (two X-Remote-Group lines are two groups). */
  readonly headers: Readonly<Record<string, readonly string[]>>;
}

export interface Authorization {
  readonly allowed: boolean;
  readonly reason: string;
}

export interface AppDeps {
  /** Limits of concurrent non-watch requests; defaults as kube-apiserver's. */
  readonly maxInFlight?: { readonly readonly: number; readonly mutating: number };
  readonly registry: ApiGroupRegistry;
  readonly presenter: Presenter;
  readonly documents: ApiDocuments;
  readonly metrics: ApiMetrics;
  /** undefined: the request carries no credentials this server accepts (401). */
  readonly authenticate: (input: AuthenticationInput) => Promise<UserInfo | undefined>;
  readonly authorize: (user: UserInfo, info: RequestInfo) => Promise<Authorization>;
  readonly namespacePhase?: (namespace: string) => Promise<NamespacePhase>;
  readonly readiness?: () => boolean;
  readonly minRequestTimeoutSeconds?: number;
  /** Computed read-only subresources, such as `placement` of every Federated<Kind>. */
  readonly subresources?: Readonly<Record<string, SubresourceReader>>;
  /** The merged fleet view under GLOBAL_VIEW_PREFIX; `innerPath` is what follows the prefix (`/` at least). */
  readonly fleetView?: (request: FastifyRequest, reply: FastifyReply, innerPath: string, query: URLSearchParams, user: UserInfo) => Promise<unknown>;
  /**
   * HTTP/1.1 upgrades (exec, attach, port-forward) under `clusters/{name}/proxy`, after authentication and
   * authorization; they bypass fastify's routing, so the app checks them itself before handing the socket over.
   */
  readonly clusterUpgrade?: (input: { request: IncomingMessage; socket: Duplex; head: Buffer; cluster: string; innerPath: string; user: UserInfo }) => Promise<unknown>;
  /** One member as the caller, under `clusters/{name}/proxy`. */
  readonly clusterProxy?: (request: FastifyRequest, reply: FastifyReply, cluster: string, innerPath: string, query: URLSearchParams, user: UserInfo) => Promise<unknown>;
}

/** Concurrent non-watch requests before 429, as kube-apiserver's --max-requests-inflight / --max-mutating-requests-inflight. */
export const MAX_READONLY_IN_FLIGHT = 400;
export const MAX_MUTATING_IN_FLIGHT = 200;
const MUTATING_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Request body limit, as kube-apiserver's (3 MiB). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;
const OPEN_PATHS = new Set(['/healthz', '/livez', '/readyz']);

declare module 'fastify' {
  interface FastifyRequest {
    herdUser?: UserInfo;
    herdInfo?: RequestInfo;
    herdQuery?: URLSearchParams;
    herdInFlight?: 'readonly' | 'mutating';
  }
}

/** The client certificate chain of each TLS connection, decoded once: it cannot change while the connection lives. */
const connectionCertificates = new WeakMap<object, X509Certificate[]>();

function peerCertificates(request: FastifyRequest): X509Certificate[] {
  return socketCertificates(request.raw.socket as TLSSocket | undefined);
}

function socketCertificates(socket: TLSSocket | undefined): X509Certificate[] {
  if (!socket || typeof socket.getPeerCertificate !== 'function') return [];
  const cached = connectionCertificates.get(socket);
  if (cached) return cached;
  const chain: X509Certificate[] = [];
  let cert = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(new X509Certificate(cert.raw));
    cert = cert.issuerCertificate;
  }
  connectionCertificates.set(socket, chain);
  return chain;
}

/**
 * The Herd API server as a fastify instance, without listening: authentication, authorization, discovery, OpenAPI,
 * health and metrics, and every verb of the registry's resources. `server/serve.ts` adds TLS and listens.
 */
export function buildApp(deps: AppDeps, options: FastifyServerOptions & Record<string, unknown> = {}): FastifyInstance {
  const app = Fastify({
    bodyLimit: MAX_REQUEST_BODY_BYTES,
    // The aggregator refuses redirects; never redirect on a trailing slash.
    ignoreTrailingSlash: true,
    genReqId: (req) => {
      const id = req.headers['audit-id'];
      return typeof id === 'string' && id !== '' ? id : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'auditID' }),
    ...options,
  }) as unknown as FastifyInstance;

  const inFlight = { readonly: 0, mutating: 0 };
  const shutdown = new AbortController();
  app.addHook('preClose', async () => shutdown.abort());

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, _request, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendStatus(reply, newRequestEntityTooLargeError(`limit is ${MAX_REQUEST_BODY_BYTES}`));
    const status = toStatusError(err);
    if (status.status.code >= 500) reply.log.error({ err }, 'request failed');
    return sendStatus(reply, status);
  });
  app.setNotFoundHandler((_request, reply) => sendStatus(reply, pathNotFound()));

  app.addHook('onRequest', async (request, reply) => {
    reply.header('audit-id', request.id);
    // kube-apiserver reads a body without Content-Type as JSON; fastify would not parse it at all.
    if (request.headers['content-type'] === undefined && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(request.method)) {
      request.headers['content-type'] = 'application/json';
    }
    const { path, query } = parseRequestTarget(request.url);
    request.herdQuery = query;
    if (OPEN_PATHS.has(path) || path.startsWith('/readyz/') || path.startsWith('/livez/') || path.startsWith('/healthz/')) return;
    const user = await deps.authenticate({ peerCertificates: peerCertificates(request), headers: headersFromRaw(request.raw.rawHeaders) });
    if (!user) return sendStatus(reply, newUnauthorized('Unauthorized'));
    const info = newRequestInfo({ method: request.method, path, query });
    // Proxy subresources are long-running (watches, logs, exec behind them), as kube-apiserver counts them: never in flight.
    const longRunning = info.verb === 'watch' || (info.apiGroup === FLEET_GROUP && info.subresource === 'proxy');
    if (!longRunning) {
      const kind = MUTATING_VERBS.has(info.verb) ? 'mutating' : 'readonly';
      const limit = kind === 'mutating' ? (deps.maxInFlight?.mutating ?? MAX_MUTATING_IN_FLIGHT) : (deps.maxInFlight?.readonly ?? MAX_READONLY_IN_FLIGHT);
      if (inFlight[kind] >= limit) return sendStatus(reply, newTooManyRequests('Too many requests, please try again later.', 1));
      inFlight[kind]++;
      request.herdInFlight = kind;
    }
    const decision = await deps.authorize(user, info);
    if (!decision.allowed) return sendStatus(reply, forbiddenError(user.name, info, decision.reason));
    request.herdUser = user;
    request.herdInfo = info;
  });

  const release = (request: FastifyRequest) => {
    if (request.herdInFlight) inFlight[request.herdInFlight]--;
    request.herdInFlight = undefined;
  };
  app.addHook('onRequestAbort', async (request) => release(request));
  app.addHook('onResponse', async (request, reply) => {
    const counted = request.herdInFlight !== undefined;
    release(request);
    const info = request.herdInfo;
    if (!info || info.verb === 'watch' || !counted) return;
    const resource = info.isResourceRequest ? info.resource : '';
    deps.metrics.requests.inc({ verb: info.verb, resource, code: String(reply.statusCode) });
    deps.metrics.latency.observe({ verb: info.verb, resource }, reply.elapsedTime / 1000);
  });

  for (const path of OPEN_PATHS) {
    app.get(path, async (_req, reply) => {
      if (path === '/readyz' && deps.readiness && !deps.readiness()) return reply.code(500).type('text/plain').send('readyz check failed');
      return reply.type('text/plain').send('ok');
    });
  }
  app.get('/metrics', async (_req, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));

  deps.documents.register(app);

  const handle = resourceHandler({ registry: deps.registry, presenter: deps.presenter, shutdown: shutdown.signal, ...(deps.minRequestTimeoutSeconds ? { minRequestTimeoutSeconds: deps.minRequestTimeoutSeconds } : {}), ...(deps.namespacePhase ? { namespacePhase: deps.namespacePhase } : {}), ...(deps.subresources ? { subresources: deps.subresources } : {}) });
  const group = deps.registry.group;
  const version = deps.registry.version;
  app.all(`/apis/${group}/${version}/*`, async (request: FastifyRequest, reply: FastifyReply) => {
    const info = request.herdInfo!;
    if (!info.isResourceRequest) return reply.callNotFound();
    if (info.verb === 'watch') deps.metrics.watches.inc({ resource: info.resource });
    try {
      return await handle(request, reply, info, request.herdQuery!);
    } finally {
      if (info.verb === 'watch') deps.metrics.watches.dec({ resource: info.resource });
    }
  });
  if (deps.fleetView) {
    const view = deps.fleetView;
    const serveView = async (request: FastifyRequest, reply: FastifyReply) => {
      const { path } = parseRequestTarget(request.url);
      const inner = path.slice(GLOBAL_VIEW_PREFIX.length) || '/';
      return view(request, reply, inner, request.herdQuery!, request.herdUser!);
    };
    app.all(GLOBAL_VIEW_PREFIX, serveView);
    app.all(`${GLOBAL_VIEW_PREFIX}/*`, serveView);
  }
  const clusterPrefix = `/apis/${FLEET_GROUP}/${FLEET_VERSION}/clusters/`;
  if (deps.clusterUpgrade) {
    const upgrade = deps.clusterUpgrade;
    const refuse = (socket: Duplex, err: { status: { code: number } }) => {
      const json = JSON.stringify(err.status);
      socket.end(`HTTP/1.1 ${err.status.code} ${err.status.code === 401 ? 'Unauthorized' : err.status.code === 403 ? 'Forbidden' : 'Not Found'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
    };
    app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      void (async () => {
        const { path, query } = parseRequestTarget(req.url ?? '/');
        const rest = path.startsWith(clusterPrefix) ? path.slice(clusterPrefix.length) : '';
        const slash = rest.indexOf('/');
        if (slash <= 0 || !rest.slice(slash).startsWith('/proxy/')) return refuse(socket, pathNotFound());
        const user = await deps.authenticate({ peerCertificates: socketCertificates(socket as TLSSocket), headers: headersFromRaw(req.rawHeaders) });
        if (!user) return refuse(socket, newUnauthorized('Unauthorized'));
        const info = newRequestInfo({ method: req.method ?? 'GET', path, query });
        const decision = await deps.authorize(user, info);
        if (!decision.allowed) return refuse(socket, forbiddenError(user.name, info, decision.reason));
        await upgrade({ request: req, socket, head, cluster: rest.slice(0, slash), innerPath: rest.slice(slash + '/proxy'.length), user });
      })().catch((err: unknown) => {
        app.log.error({ err }, 'upgrade failed');
        socket.destroy();
      });
    });
  }
  if (deps.clusterProxy) {
    const proxy = deps.clusterProxy;
    const prefix = clusterPrefix;
    const serveProxy = async (request: FastifyRequest, reply: FastifyReply) => {
      const { path } = parseRequestTarget(request.url);
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      const cluster = rest.slice(0, slash);
      const inner = rest.slice(slash + '/proxy'.length) || '/';
      return proxy(request, reply, cluster, inner, request.herdQuery!, request.herdUser!);
    };
    app.all(`${prefix}:cluster/proxy`, serveProxy);
    app.all(`${prefix}:cluster/proxy/*`, serveProxy);
  }
  return app;
}
