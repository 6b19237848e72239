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
