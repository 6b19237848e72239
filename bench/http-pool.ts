import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

/** Client TLS material by file path: the server's CA and a client certificate. */
export interface ClientTls {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** One response, its body read to the last byte; `body` only when asked for. */
export interface BenchReply {
  readonly status: number;
  readonly bytes: number;
  readonly body?: Buffer;
}

export interface BenchRequest {
  readonly method?: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: string;
  /** Keep the body (to check it); otherwise it is only counted. */
  readonly keepBody?: boolean;
  /** Sees every chunk of the body as it arrives (e.g. to count items of a list too large to keep). */
  readonly onChunk?: (chunk: Buffer) => void;
}

/** No single request may take longer than this, headers or body. */
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * HTTP/1.1 keep-alive connections to one server on 127.0.0.1, JSON in and out, no compression. Every response body
 * is read to its end, so a timing covers the whole transfer.
 */
export class HttpPool {
  readonly origin: string;
  private readonly pool: Pool;

  constructor(origin: string, tls: ClientTls, connections: number) {
    const url = new URL(origin);
    if (url.hostname !== '127.0.0.1') throw new Error(`benchmarks only talk to 127.0.0.1, not ${url.hostname}`);
    this.origin = url.origin;
    this.pool = new Pool(this.origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
      connect: { ca: readFileSync(tls.caFile), cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile), rejectUnauthorized: true },
    });
  }

  async request(req: BenchRequest): Promise<BenchReply> {
    const res = await this.pool.request({
      method: req.method ?? 'GET',
      path: req.path,
      headers: {
        accept: 'application/json',
        'accept-encoding': 'identity',
        ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(req.body !== undefined ? { body: req.body } : {}),
    });
    let bytes = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (req.keepBody) chunks.push(chunk);
      req.onChunk?.(chunk);
    }
    return { status: res.statusCode, bytes, ...(req.keepBody ? { body: Buffer.concat(chunks) } : {}) };
  }

  /** Like `request`, but anything other than `expect` is an error naming the server's answer. */
  async expect(req: BenchRequest, expect: number): Promise<BenchReply> {
    const reply = await this.request({ ...req, keepBody: true });
    if (reply.status !== expect) {
      const text = reply.body?.toString('utf8').slice(0, 400) ?? '';
      throw new Error(`${req.method ?? 'GET'} ${this.origin}${req.path}: HTTP ${reply.status} (wanted ${expect}): ${text}`);
    }
    return reply;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
