import { describe, expect, it } from 'vitest';
import { defaultFederatedTypeConfigs } from '../../api/federation/v1alpha1/default-federated-types.js';
import { resourceDefinitions } from '../../api/federation/v1alpha1/static-resources.js';
import type { GroupVersionKind } from '../../api/meta/object-meta.js';
import {
  buildOpenAPIV2,
  buildOpenAPIV3,
  definitionName,
  encodeOpenAPIV3,
  openAPIHash,
  type OpenAPISchema,
  type OpenAPIV3Document,
  type V3Operation,
} from './openapi.js';

const GROUP = 'federation.herd.io';
const VERSION = 'v1alpha1';
const defs = resourceDefinitions(defaultFederatedTypeConfigs());
const v2 = buildOpenAPIV2(defs);
const v3 = buildOpenAPIV3(defs, GROUP, VERSION);

/** Every `$ref` anywhere in a value. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

/** What kubectl explain does with a v3 document: path → operation GVK → the schema that lists that GVK. */
function explainLookup(doc: OpenAPIV3Document, resource: string, namespaced: boolean): OpenAPISchema | undefined {
  const base = `/apis/${GROUP}/${VERSION}`;
  const path = namespaced ? `${base}/namespaces/{namespace}/${resource}/{name}` : `${base}/${resource}/{name}`;
  const gvk = doc.paths[path]?.get?.['x-kubernetes-group-version-kind'];
  if (!gvk) return undefined;
  const same = (g: GroupVersionKind) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind;
  return Object.values(doc.components.schemas).find((s) => s['x-kubernetes-group-version-kind']?.some(same));
}

/** Follows field names through a schema, looking through allOf references as kubectl does. */
function field(doc: OpenAPIV3Document, schema: OpenAPISchema | undefined, ...names: string[]): OpenAPISchema | undefined {
  let at = schema;
  for (const name of names) {
    const inner: OpenAPISchema | undefined = at?.allOf?.[0]?.$ref ? doc.components.schemas[at.allOf[0].$ref.split('/').pop() ?? ''] : at;
    at = inner?.properties?.[name];
  }
  return at;
}

describe('definitionName', () => {
  it.each([
    [{ group: GROUP, version: VERSION, kind: 'FederatedDeployment' }, 'io.herd.federation.v1alpha1.FederatedDeployment'],
    [{ group: 'stable.example.com', version: 'v1', kind: 'CronTab' }, 'com.example.stable.v1.CronTab'],
  ])('names %j %s', (gvk, name) => {
    expect(definitionName(gvk)).toBe(name);
  });
});

describe('buildOpenAPIV3', () => {
  it('lets kubectl explain find the description of federateddeployment.spec.placement', () => {
    const kind = explainLookup(v3, 'federateddeployments', true);
    expect(kind?.description).toMatch(/^FederatedDeployment propagates a Deployment/);
    expect(field(v3, kind, 'spec', 'placement')?.description).toMatch(/^Where the object goes/);
    expect(field(v3, kind, 'spec', 'placement', 'replicaScheduling', 'type')?.enum).toEqual(['Duplicate', 'Divide']);
  });

  it('lets kubectl explain find a cluster-scoped kind and its ObjectMeta through allOf', () => {
    const kind = explainLookup(v3, 'memberclusters', false);
    expect(kind?.['x-kubernetes-group-version-kind']).toEqual([{ group: GROUP, version: VERSION, kind: 'MemberCluster' }]);
    expect(kind?.properties?.metadata?.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
    expect(field(v3, kind, 'metadata', 'labels')?.type).toBe('object');
  });

  it('is self-contained: every reference names a schema of the document', () => {
    const missing = refs(v3).filter((r) => !(r.replace('#/components/schemas/', '') in v3.components.schemas));
    expect(missing).toEqual([]);
    expect(refs(v3).every((r) => r.startsWith('#/components/schemas/'))).toBe(true);
  });

  it('offers fieldValidation on every PATCH operation, which makes kubectl validate on the server', () => {
    const patches = Object.values(v3.paths).flatMap((p) => (p.patch ? [p.patch] : []));
    expect(patches).toHaveLength(40);
    for (const op of patches) expect(op.parameters?.map((p) => p.name)).toContain('fieldValidation');
  });

  it('accepts the patch types CRDs accept, without strategic merge patch', () => {
    const patch = v3.paths[`/apis/${GROUP}/${VERSION}/namespaces/{namespace}/federatedsecrets/{name}`]?.patch;
    expect(Object.keys(patch?.requestBody?.content ?? {})).toEqual([
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
    ]);
  });

  it.each<[string, string, string, string, V3Operation['x-kubernetes-action']]>([
    ['lists across namespaces', `/apis/${GROUP}/${VERSION}/federateddeployments`, 'get', 'listFederationHerdIoV1alpha1FederatedDeploymentForAllNamespaces', 'list'],
    ['lists in a namespace', `/apis/${GROUP}/${VERSION}/namespaces/{namespace}/federateddeployments`, 'get', 'listFederationHerdIoV1alpha1NamespacedFederatedDeployment', 'list'],
    ['creates', `/apis/${GROUP}/${VERSION}/namespaces/{namespace}/federateddeployments`, 'post', 'createFederationHerdIoV1alpha1NamespacedFederatedDeployment', 'post'],
    ['deletes a collection', `/apis/${GROUP}/${VERSION}/namespaces/{namespace}/federateddeployments`, 'delete', 'deleteFederationHerdIoV1alpha1CollectionNamespacedFederatedDeployment', 'deletecollection'],
    ['reads', `/apis/${GROUP}/${VERSION}/namespaces/{namespace}/federateddeployments/{name}`, 'get', 'readFederationHerdIoV1alpha1NamespacedFederatedDeployment', 'get'],
    ['replaces', `/apis/${GROUP}/${VERSION}/namespaces/{namespace}/federateddeployments/{name}`, 'put', 'replaceFederationHerdIoV1alpha1NamespacedFederatedDeployment', 'put'],
    ['deletes', `/apis/${GROUP}/${VERSION}/namespaces/{namespace}/federateddeployments/{name}`, 'delete', 'deleteFederationHerdIoV1alpha1NamespacedFederatedDeployment', 'delete'],
    ['patches status', `/apis/${GROUP}/${VERSION}/namespaces/{namespace}/federateddeployments/{name}/status`, 'patch', 'patchFederationHerdIoV1alpha1NamespacedFederatedDeploymentStatus', 'patch'],
    ['reads a cluster-scoped object', `/apis/${GROUP}/${VERSION}/memberclusters/{name}`, 'get', 'readFederationHerdIoV1alpha1MemberCluster', 'get'],
  ])('%s', (_name, path, method, operationId, action) => {
    const op = v3.paths[path]?.[method as 'get'];
    expect(op?.operationId).toBe(operationId);
    expect(op?.['x-kubernetes-action']).toBe(action);
    expect(op?.tags).toEqual(['federationHerdIo_v1alpha1']);
  });

  it('offers watch as a parameter of list, with the watch stream media type', () => {
    const list = v3.paths[`/apis/${GROUP}/${VERSION}/memberclusters`]?.get;
    expect(list?.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['watch', 'labelSelector', 'limit', 'continue', 'resourceVersionMatch']));
    expect(Object.keys(list?.responses['200']?.content ?? {})).toContain('application/json;stream=watch');
    expect(Object.keys(v3.paths).some((p) => p.includes('/watch/'))).toBe(false);
  });

  it('keeps the list-type extensions and the int-or-string quantities', () => {
    const kind = explainLookup(v3, 'memberclusters', false);
    const taints = field(v3, kind, 'spec', 'taints');
    expect(taints?.['x-kubernetes-list-map-keys']).toEqual(['key', 'effect']);
    const allocatable = field(v3, kind, 'status', 'resourceSummary', 'allocatable');
    expect(typeof allocatable?.additionalProperties === 'object' && allocatable.additionalProperties.anyOf).toHaveLength(2);
  });

  it('documents only the group version asked for', () => {
    expect(Object.keys(buildOpenAPIV3(defs, 'other.io', 'v1').paths)).toEqual([]);
  });
});

describe('buildOpenAPIV2', () => {
  it('is a self-contained swagger 2.0 document', () => {
    expect(v2.swagger).toBe('2.0');
    const missing = refs(v2).filter((r) => !(r.replace('#/definitions/', '') in v2.definitions));
    expect(missing).toEqual([]);
  });

  it('describes each kind and its list with the GVK extension kubectl explain falls back to', () => {
    const kind = v2.definitions['io.herd.federation.v1alpha1.FederatedDeployment'];
    const list = v2.definitions['io.herd.federation.v1alpha1.FederatedDeploymentList'];
    expect(kind?.['x-kubernetes-group-version-kind']).toEqual([{ group: GROUP, version: VERSION, kind: 'FederatedDeployment' }]);
    expect(list?.['x-kubernetes-group-version-kind']).toEqual([{ group: GROUP, version: VERSION, kind: 'FederatedDeploymentList' }]);
    expect(kind?.properties?.spec?.properties?.placement?.description).toMatch(/^Where the object goes/);
    expect(list?.properties?.items?.items).toEqual({ $ref: '#/definitions/io.herd.federation.v1alpha1.FederatedDeployment' });
  });

  it('strips what kubectl cannot validate: untyped preserved objects and int-or-string junctors', () => {
    const template = v2.definitions['io.herd.federation.v1alpha1.FederatedConfigMap']?.properties?.spec?.properties?.template;
    expect(template?.type).toBeUndefined();
    expect(template?.['x-kubernetes-preserve-unknown-fields']).toBe(true);
    const allocatable = v2.definitions['io.herd.federation.v1alpha1.MemberCluster']?.properties?.status?.properties?.resourceSummary?.properties?.allocatable;
    expect(typeof allocatable?.additionalProperties === 'object' && allocatable.additionalProperties.anyOf).toBeUndefined();
  });

  it('puts the body, fieldValidation and patch media types on PATCH operations', () => {
    const patch = v2.paths[`/apis/${GROUP}/${VERSION}/namespaces/{namespace}/overridepolicies/{name}`]?.patch;
    expect(patch?.consumes).toEqual(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
    expect(patch?.parameters?.[0]).toMatchObject({ name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } });
    expect(patch?.parameters?.map((p) => p.name)).toEqual(['body', 'dryRun', 'fieldManager', 'fieldValidation', 'force']);
    expect(patch?.['x-kubernetes-group-version-kind']).toEqual({ group: GROUP, version: VERSION, kind: 'OverridePolicy' });
  });

  it('answers delete with a Status and accepts DeleteOptions', () => {
    const del = v2.paths[`/apis/${GROUP}/${VERSION}/memberclusters/{name}`]?.delete;
    expect(del?.responses['200']?.schema).toEqual({ $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Status' });
    expect(del?.parameters?.[0]).toMatchObject({ name: 'body', required: false });
  });

  it('can advertise strategic merge patch when asked to', () => {
    const doc = buildOpenAPIV2(defs, { patchTypes: ['application/merge-patch+json', 'application/strategic-merge-patch+json'] });
    expect(doc.paths[`/apis/${GROUP}/${VERSION}/memberclusters/{name}`]?.patch?.consumes).toContain('application/strategic-merge-patch+json');
  });
});

describe('encodeOpenAPIV3', () => {
  const encoded = encodeOpenAPIV3(defs);

  it('indexes each group version without a leading slash, pointing at the document by hash', () => {
    const doc = encoded.documents.get(`apis/${GROUP}/${VERSION}`);
    expect(doc?.hash).toBe(openAPIHash(doc?.body ?? ''));
    expect(encoded.index).toEqual({
      paths: { [`apis/${GROUP}/${VERSION}`]: { serverRelativeURL: `/openapi/v3/apis/${GROUP}/${VERSION}?hash=${doc?.hash}` } },
    });
    expect(doc?.hash).toMatch(/^[0-9A-F]{128}$/);
  });

  it('changes the hash when the resource table changes, and only then', () => {
    const same = encodeOpenAPIV3(resourceDefinitions(defaultFederatedTypeConfigs()));
    const fewer = encodeOpenAPIV3(resourceDefinitions(defaultFederatedTypeConfigs().slice(2)));
    const key = `apis/${GROUP}/${VERSION}`;
    expect(same.documents.get(key)?.hash).toBe(encoded.documents.get(key)?.hash);
    expect(fewer.documents.get(key)?.hash).not.toBe(encoded.documents.get(key)?.hash);
  });
});
