import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from './active-probe.js';

const http = createHttpServer((req, res) => {
  if (req.url === '/slow') return; // never answers
  res.writeHead(req.url === '/healthz' ? 200 : req.url === '/moved' ? 302 : 500, req.url === '/moved' ? { location: '/' } : {}).end();
});
const tcp = createTcpServer((s) => s.end());
let httpPort = 0;
let tcpPort = 0;
let closedPort = 0;

beforeAll(async () => {
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  httpPort = (http.address() as AddressInfo).port;
  tcpPort = (tcp.address() as AddressInfo).port;
  const spare = createTcpServer();
  await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
  closedPort = (spare.address() as AddressInfo).port;
  await new Promise((r) => spare.close(r));
});
afterAll(() => {
  http.closeAllConnections();
  http.close();
  tcp.close();
});

describe('probe', () => {
  it('passes HTTP 2xx and 3xx, fails other codes with the code in the message', async () => {
    expect(await probe({ type: 'HTTP', address: '127.0.0.1', port: httpPort, path: '/healthz', timeoutMs: 1000 })).toEqual({ ok: true });
    expect(await probe({ type: 'HTTP', address: '127.0.0.1', port: httpPort, path: '/moved', timeoutMs: 1000 })).toEqual({ ok: true });
    expect(await probe({ type: 'HTTP', address: '127.0.0.1', port: httpPort, path: '/broken', timeoutMs: 1000 })).toEqual({ ok: false, message: expect.stringContaining('answered 500') });
  });

  it('fails an HTTP probe that does not answer in time', async () => {
    const started = Date.now();
    expect(await probe({ type: 'HTTP', address: '127.0.0.1', port: httpPort, path: '/slow', timeoutMs: 300 })).toEqual({ ok: false, message: expect.stringContaining('timed out') });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('passes TCP on a connection and fails it when refused', async () => {
    expect(await probe({ type: 'TCP', address: '127.0.0.1', port: tcpPort, timeoutMs: 1000 })).toEqual({ ok: true });
    expect(await probe({ type: 'TCP', address: '127.0.0.1', port: closedPort, timeoutMs: 1000 })).toEqual({ ok: false, message: expect.stringContaining('ECONNREFUSED') });
    expect(await probe({ type: 'HTTP', address: '127.0.0.1', port: closedPort, timeoutMs: 1000 })).toMatchObject({ ok: false });
  });
});
