import type { JSONSchemaProps, ResourceDefinition } from '../../api/meta/resource-definition.js';
import { CRD_VERBS } from '../../api/meta/resource-definition.js';

const str: JSONSchemaProps = { type: 'string' };
const set = (items: JSONSchemaProps): JSONSchemaProps => ({ type: 'array', items, 'x-kubernetes-list-type': 'set' });

/**
 * A test-only kind whose schema holds every merge shape server-side apply knows: scalars, nested structs, a string
 * map, an atomic struct, atomic and set lists, lists keyed by one and by two fields (one key defaulted), a
 * free-form object, an int-or-string, a defaulted field, and a status with keyed conditions. The same schema is
 * served by Herd and installed as a CRD on a kube-apiserver, and the two are compared.
 */
export const APPLY_PROBE: ResourceDefinition = {
  group: 'conformance.herd.io',
  version: 'v1',
  kind: 'ApplyProbe',
  listKind: 'ApplyProbeList',
  plural: 'applyprobes',
  singular: 'applyprobe',
  shortNames: [],
  categories: [],
  namespaced: true,
  description: 'A probe of server-side apply semantics.',
  printerColumns: [],
  subresources: { status: true },
  verbs: CRD_VERBS,
  schema: {
    type: 'object',
    properties: {
      apiVersion: str,
      kind: str,
      metadata: { type: 'object' },
      spec: {
        type: 'object',
        properties: {
          replicas: { type: 'integer' },
          image: str,
          paused: { type: 'boolean' },
          args: { type: 'array', items: str },
          tags: set(str),
          ids: set({ type: 'integer' }),
          env: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: { type: 'object', required: ['name'], properties: { name: str, value: str, opts: set(str), cmd: { type: 'array', items: str } } },
          },
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['port', 'protocol'],
            items: { type: 'object', required: ['port'], properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' }, name: str } },
          },
          volumes: { type: 'array', items: { type: 'object', properties: { name: str, size: { type: 'integer' } } } },
          selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { a: str, b: str } },
          labels: { type: 'object', additionalProperties: str },
          nested: { type: 'object', properties: { inner: { type: 'object', properties: { x: str, y: { type: 'integer' } } } } },
          free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          port: { 'x-kubernetes-int-or-string': true },
          mode: { type: 'string', default: 'auto' },
        },
      },
      status: {
        type: 'object',
        properties: {
          phase: str,
          observed: { type: 'integer' },
          conditions: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['type'],
            items: { type: 'object', required: ['type'], properties: { type: str, status: str } },
          },
        },
      },
    },
  },
};

/** The CustomResourceDefinition that serves a definition's kind with the same schema, names and status subresource. */
export function customResourceDefinition(def: ResourceDefinition): Record<string, unknown> {
  // A CRD's schema may only say that metadata is an object.
  const schema = { ...def.schema, properties: { ...def.schema.properties, metadata: { type: 'object' as const } } };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${def.group}` },
    spec: {
      group: def.group,
      names: { kind: def.kind, listKind: def.listKind, plural: def.plural, singular: def.singular, shortNames: def.shortNames, categories: def.categories },
      scope: def.namespaced ? 'Namespaced' : 'Cluster',
      versions: [{ name: def.version, served: true, storage: true, schema: { openAPIV3Schema: schema }, ...(def.subresources.status ? { subresources: { status: {} } } : {}) }],
    },
  };
}
