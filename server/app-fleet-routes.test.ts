import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GROUP, VERSION, defaultFederatedTypeConfigs, resourceDefinitions } from '../api/federation/v1alpha1/index.js';
import type { UserInfo } from '../pkg/auth/user-info.js';
import { ApiGroupRegistry } from '../pkg/registry/api-group-registry.js';
import { SqliteStorage } from '../pkg/storage/sqlite-storage.js';
import { buildApp, type AppDeps } from './app.js';
import { createApiMetrics } from './metrics.js';
import { apiDocuments } from './routes/api-documents.js';
import { storedPresenter } from './routes/presenter.js';
import { storedTableConverter } from './routes/table-converter.js';

const admin: UserInfo = { name: 'admin', groups: ['system:masters'], extra: {} };
const VIEW = '/apis/fleet.herd.io/v1alpha1/views/global/proxy';
const CLUSTERS = '/apis/fleet.herd.io/v1alpha1/clusters';

let storage: SqliteStorage;
function app(overrides: Partial<AppDeps>) {
  const registry = new ApiGroupRegistry(GROUP, VERSION, storage);
  for (const def of resourceDefinitions(defaultFederatedTypeConfigs())) registry.add(def);
  return buildApp({
    registry,
    presenter: storedPresenter(storedTableConverter()),
    documents: apiDocuments(registry),
    metrics: createApiMetrics(),
    authenticate: async (input) => {
      const who = input.headers['x-test-user']?.[0];
      return who === 'nobody' ? undefined : who ? { name: who, groups: [], extra: {} } : admin;
    },
    authorize: async (user) => ({ allowed: user.name !== 'eve', reason: user.name === 'eve' ? 'no RBAC' : '' }),
    ...overrides,
  });
}

/** Sends one raw HTTP/1.1 upgrade request and returns what the server wrote before closing (or within 1 s). */
function rawUpgrade(port: number, path: string, user?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const done = () => (clearTimeout(timer), socket.destroy(), resolve(got));
    const timer = setTimeout(done, 1_000);
    socket.on('data', (d: Buffer) => (got += d.toString('utf8')));
    socket.on('end', done);
    socket.on('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n${user ? `X-Test-User: ${user}\r\n` : ''}\r\n`);
  });
}

beforeEach(() => {
  storage = new SqliteStorage({ path: ':memory:' });
});
afterEach(async () => storage.close());

describe('fleet routes of the API app', () => {
  it('hands the view the path after its prefix, and the cluster proxy the member and its path', async () => {
    const seen: string[] = [];
    const a = app({
      fleetView: async (_req, reply, inner, query, user) => reply.send(`view ${inner} ${query.toString()} ${user.name}`),
      clusterProxy: async (_req, reply, cluster, inner, _query, user) => reply.send(`proxy ${cluster} ${inner} ${user.name}`),
    });
    for (const url of [`${VIEW}/api/v1/pods?limit=2`, VIEW, `${CLUSTERS}/member-2/proxy/apis/apps/v1/deployments`, `${CLUSTERS}/member-2/proxy`]) {
      const res = await a.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      seen.push(res.body);
    }
    expect(seen).toEqual(['view /api/v1/pods limit=2 admin', 'view /  admin', 'proxy member-2 /apis/apps/v1/deployments admin', 'proxy member-2 / admin']);
    // The host-level check still applies: a user the host refuses never reaches the view.
    const eve = await a.inject({ method: 'GET', url: `${VIEW}/api/v1/pods`, headers: { 'x-test-user': 'eve' } });
    expect(eve.statusCode).toBe(403);
    expect(eve.json().message).toContain('cannot get resource "views/proxy" in API group "fleet.herd.io"');
  });

  it('authenticates and authorizes an upgrade itself before handing the connection to the cluster proxy', async () => {
    const calls: { cluster: string; innerPath: string; user: string }[] = [];
    const a = app({
      clusterUpgrade: async ({ socket, cluster, innerPath, user }) => {
        calls.push({ cluster, innerPath, user: user.name });
        socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
      },
    });
    await a.listen({ host: '127.0.0.1', port: 0 });
    try {
      const port = (a.server.address() as { port: number }).port;
      const exec = `${CLUSTERS}/member-1/proxy/api/v1/namespaces/x/pods/p/exec?command=sh`;
      expect(await rawUpgrade(port, exec, 'nobody')).toMatch(/^HTTP\/1\.1 401 /);
      const eve = await rawUpgrade(port, exec, 'eve');
      expect(eve).toMatch(/^HTTP\/1\.1 403 /);
      expect(eve).toContain('cannot get resource \\"clusters/proxy\\"');
      expect(await rawUpgrade(port, '/apis/federation.herd.io/v1alpha1/namespaces/x/federateddeployments/y', 'alice')).toMatch(/^HTTP\/1\.1 404 /);
      expect(calls).toEqual([]);
      expect(await rawUpgrade(port, exec, 'alice')).toMatch(/^HTTP\/1\.1 101 /);
      expect(calls).toEqual([{ cluster: 'member-1', innerPath: '/api/v1/namespaces/x/pods/p/exec', user: 'alice' }]);
    } finally {
      await a.close();
    }
  });
});
