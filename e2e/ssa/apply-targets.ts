import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import type { ResourceDefinition } from '../../api/meta/resource-definition.js';
import { ApiGroupRegistry } from '../../pkg/registry/api-group-registry.js';
import { SqliteStorage } from '../../pkg/storage/sqlite-storage.js';
import { buildApp } from '../../server/app.js';
import { createApiMetrics } from '../../server/metrics.js';
import { apiDocuments } from '../../server/routes/api-documents.js';
import { storedPresenter } from '../../server/routes/presenter.js';
import { storedTableConverter } from '../../server/routes/table-converter.js';
import type { E2eFleet } from '../fleet/fleet-provider.js';

export interface TargetAnswer {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

/** Something that answers Kubernetes API requests: a kube-apiserver over HTTPS, or Herd in this process. */
export interface ApplyTarget {
  request(method: string, path: string, contentType?: string, body?: string, userAgent?: string): Promise<TargetAnswer>;
  close(): Promise<void>;
}

interface KubeconfigJson {
  contexts: { name: string; context: { cluster: string; user: string } }[];
  clusters: { name: string; cluster: { server: string; 'certificate-authority'?: string; 'certificate-authority-data'?: string } }[];
  users: { name: string; user: { 'client-certificate'?: string; 'client-certificate-data'?: string; 'client-key'?: string; 'client-key-data'?: string; token?: string } }[];
}

const material = (path?: string, data?: string): Buffer | undefined => (data ? Buffer.from(data, 'base64') : path ? readFileSync(path) : undefined);

/** The kube-apiserver of one kubeconfig context, with that context's credentials. */
export function apiserverTarget(fleet: E2eFleet, context: string): ApplyTarget {
  const config = JSON.parse(execFileSync(fleet.kubectl, ['--kubeconfig', fleet.kubeconfig, 'config', 'view', '--raw', '-o', 'json'], { encoding: 'utf8' })) as KubeconfigJson;
  const ctx = config.contexts.find((c) => c.name === context)!.context;
  const cluster = config.clusters.find((c) => c.name === ctx.cluster)!.cluster;
  const user = config.users.find((u) => u.name === ctx.user)!.user;
  const ca = material(cluster['certificate-authority'], cluster['certificate-authority-data']);
  const cert = material(user['client-certificate'], user['client-certificate-data']);
  const key = material(user['client-key'], user['client-key-data']);
  const agent = new Agent({ connect: { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) } });
  return {
    async request(method, path, contentType, body, userAgent) {
      const res = await request(`${cluster.server}${path}`, {
        method: method as 'GET',
        dispatcher: agent,
        headers: { accept: 'application/json', 'user-agent': userAgent ?? 'conformance/1.0', ...(contentType ? { 'content-type': contentType } : {}), ...(user.token ? { authorization: `Bearer ${user.token}` } : {}) },
        ...(body !== undefined ? { body } : {}),
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      });
      return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
    },
    close: () => agent.close(),
  };
}

/** Herd's API app serving only `def`, on in-memory storage, as an administrator; no network in between. */
export function inProcessHerdTarget(def: ResourceDefinition): ApplyTarget {
  const storage = new SqliteStorage({ path: ':memory:' });
  const registry = new ApiGroupRegistry(def.group, def.version, storage);
  registry.add(def);
  const app = buildApp({
    registry,
    presenter: storedPresenter(storedTableConverter()),
    documents: apiDocuments(registry),
    metrics: createApiMetrics(),
    authenticate: async () => ({ name: 'admin', groups: ['system:masters', 'system:authenticated'], extra: {} }),
    authorize: async () => ({ allowed: true, reason: '' }),
  });
  return {
    async request(method, path, contentType, body, userAgent) {
      const res = await app.inject({
        method: method as 'GET',
        url: path,
        headers: { accept: 'application/json', 'user-agent': userAgent ?? 'conformance/1.0', ...(contentType ? { 'content-type': contentType } : {}) },
        ...(body !== undefined ? { payload: body } : {}),
      });
      return { status: res.statusCode, json: JSON.parse(res.body) as Record<string, unknown> };
    },
    async close() {
      await app.close();
      storage.close();
    },
  };
}
