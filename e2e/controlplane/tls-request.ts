import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Client TLS material by file path; `insecure` skips server verification (components with self-signed certs). */
export interface TlsFiles {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly insecure?: boolean;
}

export interface TlsResponse {
  readonly status: number;
  readonly body: string;
}

/** One HTTP(S) request with a deadline (TLS material applies to https URLs). Rejects on network errors and on timeout; any HTTP status resolves. */
export function tlsRequest(
  url: string,
  tls: TlsFiles,
  opts: { method?: string; body?: string; timeoutMs?: number; contentType?: string; headers?: Record<string, string> } = {},
): Promise<TlsResponse> {
  return new Promise((resolve, reject) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
        ...(tls.certFile ? { cert: readFileSync(tls.certFile) } : {}),
        ...(tls.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
        rejectUnauthorized: !tls.insecure,
        headers: { ...(opts.body ? { 'content-type': opts.contentType ?? 'application/json' } : {}), ...opts.headers },
        timeout: opts.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${opts.timeoutMs ?? 5000} ms: ${url}`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** True when `url` answers 200 within the deadline. */
export async function isHealthy(url: string, tls: TlsFiles, timeoutMs = 3000): Promise<boolean> {
  try {
    return (await tlsRequest(url, tls, { timeoutMs })).status === 200;
  } catch {
    return false;
  }
}
