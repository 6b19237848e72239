import { describe, expect, it } from 'vitest';
import { federatedResourceDefinition, type FederatedTypeConfig } from '../../api/federation/v1alpha1/index.js';
import type { JSONSchemaProps } from '../../api/meta/resource-definition.js';
import { pruneAndDefault } from './schema-pruning.js';
import { SchemaValidator } from './schema-validator.js';
import { appsV1, coreV1, exampleV1, index } from './target-schema-resolver.fixture.js';
import { TargetSchemaResolver } from './target-schema-resolver.js';

const deployment = { group: 'apps', version: 'v1', kind: 'Deployment' };
const widget = { group: 'example.com', version: 'v1', kind: 'Widget' };

/** A resolver over the fixture documents that counts every GET. */
function fake(hashes: Parameters<typeof index>[0] = {}, clock = { t: 0 }) {
  const calls: string[] = [];
  const state = { hashes };
  const resolver = new TargetSchemaResolver({
    cluster: 'host',
    now: () => clock.t,
    getJson: async (path) => {
      calls.push(path);
      await Promise.resolve();
      if (path === '/openapi/v3') return index(state.hashes);
      const docs: Record<string, unknown> = { 'api/v1': coreV1, 'apis/apps/v1': appsV1, 'apis/example.com/v1': exampleV1 };
      const doc = docs[new URL(path, 'https://x').pathname.replace('/openapi/v3/', '')];
      if (!doc) throw new Error(`GET ${path}: 404`);
      return doc;
    },
  });
  return { resolver, calls, state, clock };
}

/** Every node of a schema, with its path. */
function* nodes(s: JSONSchemaProps, path = ''): Generator<[string, JSONSchemaProps]> {
  yield [path, s];
  for (const [k, v] of Object.entries(s.properties ?? {})) yield* nodes(v, `${path}.${k}`);
  if (s.items) yield* nodes(s.items, `${path}[]`);
  if (typeof s.additionalProperties === 'object') yield* nodes(s.additionalProperties, `${path}{}`);
}

describe('TargetSchemaResolver', () => {
  it('inlines references and allOf wrappers, keeping descriptions, formats, enums and list/map extensions', async () => {
    const s = (await fake().resolver.resolve(deployment))!;
    expect(s.description).toBe('Deployment enables declarative updates for Pods and ReplicaSets.');
    const spec = s.properties!.spec!;
    expect(spec.description).toBe('Specification of the desired behavior of the Deployment.');
    expect(spec.properties!.replicas).toEqual({ type: 'integer', format: 'int32', description: 'Number of desired pods.' });
    expect(spec.properties!.strategy!.properties!.type!.enum).toEqual(['Recreate', 'RollingUpdate']);
    expect(spec.properties!.selector).toMatchObject({ type: 'object', description: 'Label selector for pods.', 'x-kubernetes-map-type': 'atomic' });
    expect(spec.properties!.selector!.properties!.matchExpressions).toMatchObject({ type: 'array', 'x-kubernetes-list-type': 'atomic' });
    const containers = spec.properties!.template!.properties!.spec!.properties!.containers!;
    expect(containers).toMatchObject({ type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] });
    expect(containers.items!.properties!.name).toEqual({ type: 'string', description: 'Name of the container.' });
    for (const [path, node] of nodes(s)) {
      for (const key of ['$ref', 'allOf', 'required', 'default', 'x-kubernetes-patch-strategy', 'x-kubernetes-group-version-kind']) {
        expect(node, `${path} has ${key}`).not.toHaveProperty(key);
      }
      if (node['x-kubernetes-int-or-string'] !== true && node['x-kubernetes-preserve-unknown-fields'] !== true) {
        expect(node.type, `${path} has a type`).toBeDefined();
      }
    }
  });

  it('maps IntOrString to int-or-string, Quantity to any value, and ObjectMeta to an object that keeps its fields', async () => {
    const s = (await fake().resolver.resolve(deployment))!;
    const spec = s.properties!.spec!;
    expect(spec.properties!.strategy!.properties!.rollingUpdate!.properties!.maxSurge).toEqual({
      description: 'The maximum number of pods that can be scheduled above the desired number.',
      'x-kubernetes-int-or-string': true,
      anyOf: [{ type: 'integer' }, { type: 'string' }],
    });
    const podSpec = spec.properties!.template!.properties!.spec!;
    const limits = podSpec.properties!.containers!.items!.properties!.resources!.properties!.limits!;
    expect(limits.additionalProperties).toEqual({
      description: 'Quantity is a fixed-point representation of a number.',
      'x-kubernetes-preserve-unknown-fields': true,
    });
    const meta = { type: 'object', description: "Standard object's metadata.", 'x-kubernetes-preserve-unknown-fields': true };
    expect(s.properties!.metadata).toEqual(meta);
    expect(spec.properties!.template!.properties!.metadata).toEqual(meta);
  });

  it('breaks reference cycles, keeps CRD extensions and drops required, junctors, CEL rules and Go-only patterns', async () => {
    const s = (await fake().resolver.resolve(widget))!;
    const spec = s.properties!.spec!;
    expect(spec).not.toHaveProperty('oneOf');
    expect(spec).not.toHaveProperty('x-kubernetes-validations');
    expect(spec.type).toBe('object');
    expect(spec.properties!.size).toMatchObject({ 'x-kubernetes-int-or-string': true, description: 'How big.' });
    expect(spec.properties!.color).toEqual({ type: 'string', pattern: '^[a-z]+$', nullable: true });
    expect(spec.properties!.shade).toEqual({ type: 'string' });
    expect(spec.properties!.config).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(spec.properties!.inner).toMatchObject({ 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true });
    expect(spec.properties!.raw).toEqual({ type: 'object', description: 'RawExtension holds any object.', 'x-kubernetes-preserve-unknown-fields': true });
    const tree = spec.properties!.tree!;
    expect(tree).toMatchObject({ type: 'object', description: 'A tree of nodes.' });
    expect(tree.properties!.children!.items).toEqual({ type: 'object', description: 'One node.', 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('reads the core group from api/v1 and answers undefined for unknown group versions and kinds', async () => {
    const { resolver } = fake();
    expect((await resolver.resolve({ version: 'v1', kind: 'ConfigMap' }))?.properties?.data).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(await resolver.resolve({ group: 'nothing.io', version: 'v1', kind: 'Thing' })).toBeUndefined();
    expect(await resolver.resolve({ group: 'apps', version: 'v1', kind: 'Nothing' })).toBeUndefined();
  });

  it('reads a document once per hash, shares concurrent reads, and reads it again when the hash changes', async () => {
    const { resolver, calls, state, clock } = fake();
    const [a, b] = await Promise.all([resolver.resolve(deployment), resolver.resolve({ ...deployment, kind: 'Nothing' })]);
    expect(a).toBeDefined();
    expect(b).toBeUndefined();
    expect(calls).toEqual(['/openapi/v3', '/openapi/v3/apis/apps/v1?hash=A1']);
    clock.t += 5000;
    expect(await resolver.resolve(deployment)).toBe(a);
    expect(calls).toEqual(['/openapi/v3', '/openapi/v3/apis/apps/v1?hash=A1', '/openapi/v3']);
    state.hashes = { apps: 'A2' };
    clock.t += 5000;
    await resolver.resolve(deployment);
    expect(calls.at(-1)).toBe('/openapi/v3/apis/apps/v1?hash=A2');
  });

  it('rejects when the cluster cannot be read, and tries the index again next time', async () => {
    let fail = true;
    const resolver = new TargetSchemaResolver({
      cluster: 'host',
      getJson: async (path) => {
        if (fail) throw new Error('connect ECONNREFUSED');
        return path === '/openapi/v3' ? index() : appsV1;
      },
    });
    await expect(resolver.resolve(deployment)).rejects.toThrow('ECONNREFUSED');
    fail = false;
    expect(await resolver.resolve(deployment)).toBeDefined();
  });
});

describe('a Federated<Kind> with a resolved template schema', () => {
  const ftc: Pick<FederatedTypeConfig, 'spec'> = {
    spec: { targetType: { group: 'apps', version: 'v1', kind: 'Deployment', pluralName: 'deployments', scope: 'Namespaced' } },
  };
  const object = (template: Record<string, unknown>) => ({
    apiVersion: 'federation.herd.io/v1alpha1',
    kind: 'FederatedDeployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { template },
  });

  it('accepts incomplete but well-typed templates, keeps pod template labels, and rejects wrong types', async () => {
    const def = federatedResourceDefinition(ftc, await fake().resolver.resolve(deployment));
    const validator = new SchemaValidator(def.schema);
    const ok = object({
      spec: {
        replicas: 2,
        strategy: { rollingUpdate: { maxSurge: '25%' } },
        template: {
          metadata: { labels: { app: 'web' }, creationTimestamp: null },
          spec: { containers: [{ image: 'nginx', resources: { limits: { cpu: 0.5, memory: '1Gi' } } }] },
        },
      },
    });
    expect(pruneAndDefault(ok, def.schema)).toEqual([]);
    expect(ok.spec.template).toMatchObject({ spec: { template: { metadata: { labels: { app: 'web' }, creationTimestamp: null } } } });
    expect(validator.validate(ok)).toEqual([]);
    const bad = object({ spec: { replicas: 'three', strategy: { rollingUpdate: { maxSurge: true } } } });
    const fields = validator.validate(bad).map((e) => e.field);
    expect(fields).toContain('spec.template.spec.replicas');
    expect(fields.some((f) => f.startsWith('spec.template.spec.strategy.rollingUpdate.maxSurge'))).toBe(true);
  });
});
