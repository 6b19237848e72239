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

const admin: UserInfo = { name: 'admin', groups: ['system:masters', 'system:authenticated'], extra: {} };
const base = `/apis/${GROUP}/${VERSION}/namespaces/default/federatedconfigmaps`;
const fcm = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: `${GROUP}/${VERSION}`, kind: 'FederatedConfigMap', metadata: { name }, spec: { template: { data: { a: 'b' } } }, ...extra });

let storage: SqliteStorage;
function app(overrides: Partial<AppDeps> = {}) {
  const registry = new ApiGroupRegistry(GROUP, VERSION, storage);
  for (const def of resourceDefinitions(defaultFederatedTypeConfigs())) registry.add(def);
  return buildApp({
    registry,
    presenter: storedPresenter(storedTableConverter()),
    documents: apiDocuments(registry),
    metrics: createApiMetrics(),
    authenticate: async (input) => (input.headers['x-test-user']?.[0] === 'nobody' ? undefined : input.headers['x-test-user'] ? { name: input.headers['x-test-user'][0]!, groups: [], extra: {} } : admin),
    authorize: async (user) => ({ allowed: user.name !== 'eve', reason: user.name === 'eve' ? 'no RBAC' : '' }),
    ...overrides,
  });
}

beforeEach(() => {
  storage = new SqliteStorage({ path: ':memory:' });
});
afterEach(async () => storage.close());

describe('the API app', () => {
  it('echoes the Audit-Id and answers health checks without credentials', async () => {
    const a = app({ authenticate: async () => undefined });
    const res = await a.inject({ method: 'GET', url: '/healthz', headers: { 'audit-id': 'abc' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('ok');
    expect(res.headers['audit-id']).toBe('abc');
  });

  it('answers 401 without credentials and 403 in the upstream words without permission', async () => {
    const a = app();
    const anon = await a.inject({ method: 'GET', url: base, headers: { 'x-test-user': 'nobody' } });
    expect(anon.statusCode).toBe(401);
    expect(anon.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', message: 'Unauthorized' });
    const eve = await a.inject({ method: 'GET', url: base, headers: { 'x-test-user': 'eve' } });
    expect(eve.statusCode).toBe(403);
    expect(eve.json().message).toBe(
      'federatedconfigmaps.federation.herd.io is forbidden: User "eve" cannot list resource "federatedconfigmaps" in API group "federation.herd.io" in the namespace "default": no RBAC',
    );
  });

  it('creates from JSON, reports unknown fields as Warning headers, and lists as JSON, Table and metadata', async () => {
    const a = app();
    const created = await a.inject({ method: 'POST', url: base, payload: fcm('one', { bogus: 1 }), headers: { 'content-type': 'application/json' } });
    expect(created.statusCode).toBe(201);
    expect([created.headers.warning].flat()).toEqual(['299 - "unknown field \\"bogus\\""']);
    const list = await a.inject({ method: 'GET', url: base });
    expect(list.json()).toMatchObject({ kind: 'FederatedConfigMapList', apiVersion: `${GROUP}/${VERSION}`, items: [{ metadata: { name: 'one' } }] });
    const table = await a.inject({ method: 'GET', url: base, headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
    expect(table.json()).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(table.json().rows.map((r: { cells: unknown[] }) => r.cells[0])).toEqual(['one']);
    const meta = await a.inject({ method: 'GET', url: base, headers: { accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' } });
    expect(meta.json()).toMatchObject({ kind: 'PartialObjectMetadataList', items: [{ kind: 'PartialObjectMetadata', metadata: { name: 'one' } }] });
    expect(meta.json().items[0]).not.toHaveProperty('spec');
  });

  it('refuses protobuf the upstream way and validates list options', async () => {
    const a = app();
    const proto = await a.inject({ method: 'GET', url: base, headers: { accept: 'application/vnd.kubernetes.protobuf' } });
    expect(proto.statusCode).toBe(406);
    const body = await a.inject({ method: 'POST', url: base, payload: 'x', headers: { 'content-type': 'application/vnd.kubernetes.protobuf' } });
    expect(body.statusCode).toBe(415);
    const match = await a.inject({ method: 'GET', url: `${base}?resourceVersionMatch=Exact` });
    expect(match.statusCode).toBe(422);
    expect(match.json().message).toBe('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
  });

  it('answers 429 with Retry-After when too many requests are in flight', async () => {
    const a = app({ maxInFlight: { readonly: 0, mutating: 0 } });
    const res = await a.inject({ method: 'GET', url: base });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ reason: 'TooManyRequests', message: 'Too many requests, please try again later.' });
  });

  it('answers 413 for a body over 3 MiB and 404 for unknown resources', async () => {
    const a = app();
    const big = await a.inject({ method: 'POST', url: base, payload: fcm('big', { pad: 'x'.repeat(3 * 1024 * 1024 + 10) }), headers: { 'content-type': 'application/json' } });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
    const unknown = await a.inject({ method: 'GET', url: `/apis/${GROUP}/${VERSION}/widgets` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toBe('the server could not find the requested resource');
  });

  it('serves discovery, aggregated discovery with an ETag, and OpenAPI v3', async () => {
    const a = app();
    const resources = await a.inject({ method: 'GET', url: `/apis/${GROUP}/${VERSION}` });
    expect(resources.json().resources.map((r: { name: string }) => r.name)).toContain('federateddeployments/status');
    const agg = await a.inject({ method: 'GET', url: '/apis', headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
    expect(String(agg.headers['content-type']).replace(/[" ]/g, '')).toContain('g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const again = await a.inject({ method: 'GET', url: '/apis', headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', 'if-none-match': String(agg.headers.etag) } });
    expect(again.statusCode).toBe(304);
    const index = (await a.inject({ method: 'GET', url: '/openapi/v3' })).json() as { paths: Record<string, { serverRelativeURL: string }> };
    const doc = await a.inject({ method: 'GET', url: index.paths[`apis/${GROUP}/${VERSION}`]!.serverRelativeURL });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().components.schemas).toHaveProperty(['io.herd.federation.v1alpha1.FederatedDeployment']);
  });

  it('server-side applies: dry run stores nothing, Strict refuses duplicate keys, the manager comes from the query or the User-Agent', async () => {
    const a = app();
    const url = `${base}/applied`;
    const body = fcm('applied');
    const apply = (query: string, payload: string) => a.inject({ method: 'PATCH', url: `${url}?${query}`, payload, headers: { 'content-type': 'application/apply-patch+yaml' } });
    const dry = await apply('fieldManager=ci&dryRun=All', body);
    expect(dry.statusCode).toBe(201);
    expect(dry.json().metadata.managedFields[0]).toMatchObject({ manager: 'ci', operation: 'Apply' });
    expect((await a.inject({ method: 'GET', url })).statusCode).toBe(404);
    const dup = await apply('fieldManager=ci&fieldValidation=Strict', 'apiVersion: federation.herd.io/v1alpha1\nkind: FederatedConfigMap\nmetadata: {name: applied}\nspec: {template: {data: {a: b}}}\nspec: {}\n');
    expect(dup.statusCode).toBe(400);
    expect((await apply('fieldManager=ci', body)).statusCode).toBe(201);
    expect((await apply('fieldManager=ci', body)).statusCode).toBe(200);
    const edit = await a.inject({ method: 'PATCH', url, payload: JSON.stringify({ spec: { template: { data: { a: 'c' } } } }), headers: { 'content-type': 'application/merge-patch+json', 'user-agent': 'kubectl-edit/v1.36.3 (linux/amd64)' } });
    expect(edit.json().metadata.managedFields.map((e: { manager: string; operation: string }) => `${e.manager}/${e.operation}`)).toEqual(['ci/Apply', 'kubectl-edit/Update']);
    const forced = await a.inject({ method: 'PATCH', url: `${url}?force=true`, payload: '{}', headers: { 'content-type': 'application/merge-patch+json' } });
    expect(forced.statusCode).toBe(422);
    expect(forced.json().message).toContain('force: Forbidden: may not be specified for non-apply patch');
  });
});
