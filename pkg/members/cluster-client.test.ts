import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { ClusterClient, connectionFromKubeconfig } from './cluster-client.js';

function kubeconfig(user: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'herd-kc-'));
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
current-context: c
clusters: [{name: c, cluster: {server: "https://example.invalid:6443/", insecure-skip-tls-verify: true}}]
users: [{name: u, user: ${JSON.stringify(user)}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
`,
  );
  return path;
}

describe('connectionFromKubeconfig', () => {
  it('reads a static token and trims the server URL', () => {
    const c = connectionFromKubeconfig(kubeconfig({ token: 'abc' }));
    expect(c).toMatchObject({ server: 'https://example.invalid:6443', token: 'abc', insecureSkipTLSVerify: true });
  });

  it('reads the standard tokenFile field, and the client sends that token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herd-token-'));
    writeFileSync(join(dir, 'token'), 'from-file\n');
    const c = connectionFromKubeconfig(kubeconfig({ tokenFile: join(dir, 'token') }));
    expect(c.tokenFile).toBe(join(dir, 'token'));
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock
      .get('https://example.invalid:6443')
      .intercept({ path: '/api', method: 'GET', headers: { authorization: 'Bearer from-file' } })
      .reply(200, '{"kind":"APIVersions"}');
    const client = new ClusterClient(c, { dispatcher: mock });
    expect(await client.getJson('/api')).toEqual({ kind: 'APIVersions' });
  });
});

describe('ClusterClient.close', () => {
  it('ends a watch nobody stopped after its grace period, and closes at once when nothing is in flight', async () => {
    const { createServer } = await import('node:http');
    // A server that never answers /silent, and answers /events with one event and then nothing, as watches do.
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/events')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"type":"ADDED"}\n');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const client = new ClusterClient({ server: `http://127.0.0.1:${port}` });
      const watch = client.stream('/silent?watch=true', new AbortController().signal);
      watch.catch(() => {});
      const events = await client.stream('/events?watch=true', new AbortController().signal);
      const bodyEnded = new Promise<void>((resolve) => events.body.once('close', () => resolve()));
      events.body.on('error', () => {});
      events.body.resume();
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await client.close(300);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(250);
      expect(took).toBeLessThan(2000);
      await expect(watch).rejects.toThrow();
      await bodyEnded;

      const idle = new ClusterClient({ server: `http://127.0.0.1:${port}` });
      const t = Date.now();
      await idle.close(5000);
      expect(Date.now() - t).toBeLessThan(1000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
