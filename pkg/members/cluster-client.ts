import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { Agent, request, type Dispatcher } from 'undici';

/** How to reach one cluster's apiserver: base URL, TLS material, optional bearer token. */
export interface ClusterConnection {
  readonly server: string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly token?: string;
  /** A file holding the bearer token (a projected ServiceAccount token); re-read every minute, as client-go does. */
  readonly tokenFile?: string;
  readonly insecureSkipTLSVerify?: boolean;
  /** Name to verify the serving certificate against (and send as SNI), when it differs from the URL's host. */
  readonly tlsServerName?: string;
}

function fileOrData(data: string | undefined, file: string | undefined): string | undefined {
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  if (file) return readFileSync(file, 'utf8');
  return undefined;
}

/** Reads a kubeconfig's context (default: current) into a connection. Credentials stay in memory, never in logs. */
export function connectionFromKubeconfig(path: string, context?: string): ClusterConnection {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  if (context) kc.setCurrentContext(context);
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster) throw new Error(`kubeconfig ${path}: no cluster for context ${context ?? kc.getCurrentContext()}`);
  const ca = fileOrData(cluster.caData, cluster.caFile);
  // client-node does not read the standard `tokenFile` user field; take it from the document itself.
  const doc = parseYaml(readFileSync(path, 'utf8')) as { users?: { name: string; user?: { tokenFile?: string; 'token-file'?: string } }[] };
  const rawUser = doc.users?.find((u) => u.name === user?.name)?.user;
  const tokenFile = rawUser?.tokenFile ?? rawUser?.['token-file'];
  const cert = fileOrData(user?.certData, user?.certFile);
  const key = fileOrData(user?.keyData, user?.keyFile);
  return {
    server: cluster.server.replace(/\/$/, ''),
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(user?.token ? { token: user.token } : {}),
    ...(tokenFile && !user?.token ? { tokenFile } : {}),
    ...(cluster.skipTLSVerify ? { insecureSkipTLSVerify: true } : {}),
  };
}

export interface ClusterResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * A small HTTP client for one cluster's apiserver: one connection pool, a deadline on every call, JSON in and out.
 * Streaming calls (watches) get the raw undici response.
 */
export class ClusterClient {
  private readonly dispatcher: Dispatcher;

  constructor(
    readonly connection: ClusterConnection,
    options: { connections?: number; dispatcher?: Dispatcher } = {},
  ) {
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connections: options.connections ?? 16,
        connect: {
          ...(connection.ca ? { ca: connection.ca } : {}),
          ...(connection.cert ? { cert: connection.cert } : {}),
          ...(connection.key ? { key: connection.key } : {}),
          ...(connection.tlsServerName ? { servername: connection.tlsServerName } : {}),
          rejectUnauthorized: !connection.insecureSkipTLSVerify,
        },
      });
  }

  private fileToken: { value: string; readAt: number } | undefined;

  /** The bearer token: fixed, or read from `tokenFile` at most once a minute. */
  token(): string | undefined {
    if (this.connection.token) return this.connection.token;
    if (!this.connection.tokenFile) return undefined;
    if (!this.fileToken || Date.now() - this.fileToken.readAt > 60_000) {
      this.fileToken = { value: readFileSync(this.connection.tokenFile, 'utf8').trim(), readAt: Date.now() };
    }
    return this.fileToken.value;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const token = this.token();
    return {
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...extra,
    };
  }

  /**
   * One request with a deadline; resolves with any HTTP status, rejects on network failure or timeout. `headers`
   * are added to (and may replace the Accept of) the defaults.
   */
  call(
    method: Dispatcher.HttpMethod,
    path: string,
    body?: unknown,
    timeoutMs = 10_000,
    headers?: Readonly<Record<string, string>>,
  ): Promise<ClusterResponse> {
    return this.callWithType(method, path, body, 'application/json', timeoutMs, headers);
  }

  /** `call` with an explicit body Content-Type (a merge patch, say). */
  async callWithType(
    method: Dispatcher.HttpMethod,
    path: string,
    body: unknown,
    contentType: string,
    timeoutMs = 10_000,
    headers?: Readonly<Record<string, string>>,
  ): Promise<ClusterResponse> {
    const res = await request(`${this.connection.server}${path}`, {
      method,
      dispatcher: this.dispatcher,
      headers: this.headers({ ...headers, ...(body === undefined ? {} : { 'content-type': contentType }) }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.statusCode, body: await res.body.text() };
  }

  /** GET that must answer 200 with JSON. */
  async getJson<T>(path: string, timeoutMs?: number): Promise<T> {
    const res = await this.call('GET', path, undefined, timeoutMs);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  }

  /** Streams being read, so that close() can end those nobody stopped. */
  private readonly streams = new Set<AbortController>();

  /** A streaming GET (a watch); the caller reads and closes the body. No body deadline: watches are long. */
  async stream(path: string, signal: AbortSignal, headers?: Readonly<Record<string, string>>): Promise<Dispatcher.ResponseData> {
    const own = new AbortController();
    const forward = (): void => own.abort(signal.reason);
    if (signal.aborted) own.abort(signal.reason);
    else signal.addEventListener('abort', forward, { once: true });
    this.streams.add(own);
    const done = (): void => {
      this.streams.delete(own);
      signal.removeEventListener('abort', forward);
    };
    try {
      const res = await request(`${this.connection.server}${path}`, {
        method: 'GET',
        dispatcher: this.dispatcher,
        headers: this.headers(headers),
        headersTimeout: 10_000,
        bodyTimeout: 0,
        signal: own.signal,
      });
      res.body.once('close', done);
      return res;
    } catch (err) {
      done();
      throw err;
    }
  }

  /**
   * Lets calls in flight finish, then closes the connections. Calls end by their deadlines; streams (watches) have
   * none, so one still open after `graceMs` is aborted: closing always ends.
   */
  async close(graceMs = 5000): Promise<void> {
    const closed = this.dispatcher.close();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    try {
      if ((await Promise.race([closed.then(() => 'closed' as const), late])) === 'late') {
        for (const s of this.streams) s.abort(new Error('the client was closed'));
        await closed;
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
