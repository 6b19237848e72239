import { connect } from 'node:net';
import { Agent, request } from 'undici';
import { describeFailure } from '../members/describe-failure.js';

export interface ProbeTarget {
  readonly type: 'HTTP' | 'TCP';
  readonly address: string;
  readonly port: number;
  readonly path?: string;
  readonly scheme?: 'HTTP' | 'HTTPS';
  readonly timeoutMs: number;
}

export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

// Probes reach application endpoints, not Herd's members: their certificates are not ours to judge, as kubelet's
// HTTPS probes do not verify them either. One short-lived connection per probe, never pooled.
const insecure = new Agent({ connect: { rejectUnauthorized: false }, pipelining: 0 });

function hostOf(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** One HTTP (2xx/3xx passes) or TCP (a connection passes) probe with a deadline. Never throws. */
export async function probe(t: ProbeTarget): Promise<ProbeResult> {
  return t.type === 'TCP' ? probeTcp(t) : probeHttp(t);
}

async function probeHttp(t: ProbeTarget): Promise<ProbeResult> {
  const url = `${(t.scheme ?? 'HTTP').toLowerCase()}://${hostOf(t.address)}:${t.port}${t.path ?? '/'}`;
  try {
    const res = await request(url, {
      method: 'GET',
      dispatcher: insecure,
      headers: { 'user-agent': 'herd-gslb-probe', connection: 'close' },
      headersTimeout: t.timeoutMs,
      bodyTimeout: t.timeoutMs,
      signal: AbortSignal.timeout(t.timeoutMs),
    });
    await res.body.dump();
    if (res.statusCode >= 200 && res.statusCode < 400) return { ok: true };
    return { ok: false, message: `GET ${url} answered ${res.statusCode}` };
  } catch (err) {
    return { ok: false, message: `GET ${url}: ${describeFailure(err)}` };
  }
}

function probeTcp(t: ProbeTarget): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: t.address, port: t.port });
    const done = (r: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, message: `connect ${hostOf(t.address)}:${t.port}: timed out after ${t.timeoutMs} ms` }), t.timeoutMs);
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (err) => done({ ok: false, message: `connect ${hostOf(t.address)}:${t.port}: ${describeFailure(err)}` }));
  });
}
