// Schema vocabulary shared by the OpenAPI v2 and v3 builders: the published schema type, definition names as
// kube-openapi gives them to CRD kinds, and the rewrites between the v3-style source and each published form.
import type { GroupVersionKind } from '../../api/meta/object-meta.js';
import type { JSONSchemaProps } from '../../api/meta/resource-definition.js';

type Nested = 'properties' | 'items' | 'additionalProperties' | 'allOf' | 'anyOf' | 'oneOf' | 'not' | 'type';

/** A published schema: the CRD subset plus references and the GVK extension. */
export interface OpenAPISchema extends Omit<JSONSchemaProps, Nested> {
  type?: string;
  $ref?: string;
  properties?: Record<string, OpenAPISchema>;
  items?: OpenAPISchema;
  additionalProperties?: OpenAPISchema | boolean;
  allOf?: OpenAPISchema[];
  anyOf?: OpenAPISchema[];
  oneOf?: OpenAPISchema[];
  not?: OpenAPISchema;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
}

export const V2_PREFIX = '#/definitions/';
export const V3_PREFIX = '#/components/schemas/';

/** Definitions are written with v2 references; `toV3` moves them. */
export function ref(name: string, description?: string): OpenAPISchema {
  return description === undefined ? { $ref: V2_PREFIX + name } : { $ref: V2_PREFIX + name, description };
}

/** `federation.herd.io`, `v1alpha1`, `FederatedDeployment` → `io.herd.federation.v1alpha1.FederatedDeployment`. */
export function definitionName(gvk: GroupVersionKind): string {
  const group = gvk.group.split('.').reverse().join('.');
  return `${group}.${gvk.version}.${gvk.kind}`;
}

function mapChildren(s: OpenAPISchema, f: (child: OpenAPISchema) => OpenAPISchema): OpenAPISchema {
  const out: OpenAPISchema = { ...s };
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, f(v)]));
  if (s.items) out.items = f(s.items);
  if (typeof s.additionalProperties === 'object') out.additionalProperties = f(s.additionalProperties);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = s[key];
    if (list) out[key] = list.map(f);
  }
  if (s.not) out.not = f(s.not);
  return out;
}

/** A CRD-style schema as a published schema (same content, wider type). */
export function fromJSONSchemaProps(s: JSONSchemaProps): OpenAPISchema {
  return s as OpenAPISchema;
}

/**
 * The OpenAPI v2 form kubectl can use for validation and `explain`, as the apiextensions server derives it: no
 * junctors, and nodes that accept unknown fields or null lose the type and fields that would make kubectl reject
 * what the server accepts.
 */
export function toV2(s: OpenAPISchema): OpenAPISchema {
  const out = mapChildren(s, toV2);
  delete out.allOf;
  delete out.anyOf;
  delete out.oneOf;
  delete out.not;
  if (out.nullable) {
    delete out.type;
    delete out.items;
    delete out.properties;
    delete out.nullable;
  }
  if (out['x-kubernetes-preserve-unknown-fields'] === true) {
    delete out.items;
    delete out.properties;
    if (out.type === 'object') delete out.type;
  }
  if (out.type === 'array' && !out.items) delete out.type;
  const nullable = Object.entries(s.properties ?? {}).filter(([, v]) => v.nullable === true).map(([k]) => k);
  if (out.required && nullable.length > 0) {
    out.required = out.required.filter((name) => !nullable.includes(name));
    if (out.required.length === 0) delete out.required;
  }
  return out;
}

/** The OpenAPI v3 form: references under components, and a reference with siblings wrapped in allOf. */
export function toV3(s: OpenAPISchema): OpenAPISchema {
  const out = mapChildren(s, toV3);
  if (out.$ref === undefined) return out;
  const target = out.$ref.startsWith(V2_PREFIX) ? V3_PREFIX + out.$ref.slice(V2_PREFIX.length) : out.$ref;
  const { $ref: _ref, ...siblings } = out;
  if (Object.keys(siblings).length === 0) return { $ref: target };
  return { ...siblings, allOf: [{ $ref: target }] };
}
