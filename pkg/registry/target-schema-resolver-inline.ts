// Turns one kind's schema in an OpenAPI v3 document (references to `#/components/schemas/...`, the `allOf: [{$ref}]`
// wrappers kube-openapi uses to put a description beside a reference) into one inline, structural JSONSchemaProps,
// permissive enough that Herd never rejects a template the member cluster would accept.
import type { GroupVersionKind } from '../../api/meta/object-meta.js';
import type { JSONSchemaProps, JSONSchemaType } from '../../api/meta/resource-definition.js';

/** The part of an OpenAPI v3 document the inliner reads. */
export interface OpenAPIV3Document {
  components?: { schemas?: Record<string, unknown> };
}

const SCHEMA_PREFIX = '#/components/schemas/';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
/** References deeper than this are cut off (each cut node keeps any value). */
const MAX_REF_DEPTH = 40;
/** A bound on the inlined size, against documents whose references fan out without a cycle. */
const MAX_NODES = 100_000;

const TYPES = new Set<string>(['object', 'array', 'string', 'integer', 'number', 'boolean']);
const LIST_TYPES = new Set(['atomic', 'set', 'map']);
const MAP_TYPES = new Set(['atomic', 'granular']);
/** Value keywords copied as they are. `required`, `default`, `example`, `not` and CEL rules are left out on purpose. */
const COPIED = [
  'format',
  'title',
  'description',
  'nullable',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
] as const;

type Raw = Record<string, unknown>;
const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Any value at all, keeping the description. */
function anything(description: unknown, type?: 'object'): JSONSchemaProps {
  return {
    ...(type ? { type } : {}),
    ...(typeof description === 'string' ? { description } : {}),
    'x-kubernetes-preserve-unknown-fields': true,
  };
}

/** The name of the component schema that `x-kubernetes-group-version-kind` marks as the kind's, if any. */
export function findKindSchema(doc: OpenAPIV3Document, gvk: GroupVersionKind): string | undefined {
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    const gvks = isRaw(schema) ? schema['x-kubernetes-group-version-kind'] : undefined;
    if (!Array.isArray(gvks)) continue;
    const match = gvks.some((g) => isRaw(g) && (g.group ?? '') === gvk.group && g.version === gvk.version && g.kind === gvk.kind);
    if (match) return name;
  }
  return undefined;
}

/**
 * The component schema `name`, inlined. ObjectMeta becomes an object that keeps every field (metadata is checked by
 * its own rules, and a pod template's labels must survive pruning); a reference cycle or one nested too deep becomes
 * `type: object` with `x-kubernetes-preserve-unknown-fields`. `required` is dropped everywhere: a template may be
 * completed by overrides, and the member validates the result.
 */
export function inlineSchema(doc: OpenAPIV3Document, name: string): JSONSchemaProps {
  return new Inliner(doc.components?.schemas ?? {}).ref(SCHEMA_PREFIX + name);
}

class Inliner {
  private nodes = 0;
  private readonly stack: string[] = [];

  constructor(private readonly schemas: Record<string, unknown>) {}

  ref(ref: string): JSONSchemaProps {
    const name = ref.startsWith(SCHEMA_PREFIX) ? ref.slice(SCHEMA_PREFIX.length) : undefined;
    const target = name === undefined ? undefined : this.schemas[name];
    if (name === undefined || !isRaw(target)) return anything(undefined);
    if (name === OBJECT_META) return anything(target.description, 'object');
    if (this.stack.includes(name) || this.stack.length >= MAX_REF_DEPTH) {
      const objectLike = target.type === 'object' || (target.type === undefined && isRaw(target.properties));
      return anything(target.description, objectLike ? 'object' : undefined);
    }
    this.stack.push(name);
    try {
      return this.node(target);
    } finally {
      this.stack.pop();
    }
  }

  node(raw: unknown): JSONSchemaProps {
    if (++this.nodes > MAX_NODES || !isRaw(raw)) return anything(isRaw(raw) ? raw.description : undefined);
    return finish(this.collect(raw), unionOf(raw));
  }

  /** The node's own keywords over those of its reference and its `allOf` members (which may only add checks). */
  private collect(raw: Raw): JSONSchemaProps {
    let out: JSONSchemaProps = {};
    if (typeof raw.$ref === 'string') out = merge(out, this.ref(raw.$ref));
    if (Array.isArray(raw.allOf)) for (const member of raw.allOf) if (isRaw(member)) out = merge(out, this.collect(member));
    return merge(out, this.own(raw));
  }

  /** The keywords of this node itself, children inlined. */
  private own(raw: Raw): JSONSchemaProps {
    const out: Record<string, unknown> = {};
    for (const key of COPIED) if (raw[key] !== undefined) out[key] = raw[key];
    const s = out as JSONSchemaProps;
    if (typeof raw.type === 'string' && TYPES.has(raw.type)) s.type = raw.type as JSONSchemaType;
    if (Array.isArray(raw.enum) && raw.enum.length > 0) s.enum = [...raw.enum];
    if (typeof raw.pattern === 'string' && compiles(raw.pattern)) s.pattern = raw.pattern;
    const listType = raw['x-kubernetes-list-type'];
    if (typeof listType === 'string' && LIST_TYPES.has(listType)) s['x-kubernetes-list-type'] = listType as 'atomic' | 'set' | 'map';
    const keys = raw['x-kubernetes-list-map-keys'];
    if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) s['x-kubernetes-list-map-keys'] = [...(keys as string[])];
    const mapType = raw['x-kubernetes-map-type'];
    if (typeof mapType === 'string' && MAP_TYPES.has(mapType)) s['x-kubernetes-map-type'] = mapType as 'atomic' | 'granular';
    if (isRaw(raw.properties)) {
      s.properties = Object.fromEntries(Object.entries(raw.properties).map(([k, v]) => [k, this.node(v)]));
    }
    if (isRaw(raw.additionalProperties)) s.additionalProperties = this.node(raw.additionalProperties);
    else if (raw.additionalProperties === true) s['x-kubernetes-preserve-unknown-fields'] = true;
    if (isRaw(raw.items)) s.items = this.node(raw.items);
    return s;
  }
}

/** Layers `top` over `base`: properties are joined, every other keyword of `top` wins. */
function merge(base: JSONSchemaProps, top: JSONSchemaProps): JSONSchemaProps {
  const out: JSONSchemaProps = { ...base, ...top };
  if (base.properties && top.properties) out.properties = { ...base.properties, ...top.properties };
  return out;
}

/**
 * What an `anyOf`/`oneOf` of bare types says: `int-or-string` for integer|string (IntOrString), `any` for other unions
 * of types (Quantity is string|number), nothing for junctors that only add value checks (they are dropped).
 */
function unionOf(raw: Raw): 'int-or-string' | 'any' | undefined {
  if (raw.format === 'int-or-string') return 'int-or-string';
  const alternatives = [raw.anyOf, raw.oneOf].find(Array.isArray) as unknown[] | undefined;
  if (!alternatives || alternatives.length === 0) return undefined;
  const types = new Set<string>();
  for (const alt of alternatives) {
    if (!isRaw(alt) || typeof alt.type !== 'string') return undefined;
    if (Object.keys(alt).some((k) => k !== 'type' && k !== 'format' && k !== 'description')) return undefined;
    types.add(alt.type);
  }
  if (types.size === 2 && types.has('integer') && types.has('string')) return 'int-or-string';
  return types.size > 1 ? 'any' : undefined;
}

/** Makes the merged node structural: every node has a type or says it takes anything. */
function finish(s: JSONSchemaProps, union: 'int-or-string' | 'any' | undefined): JSONSchemaProps {
  if (s['x-kubernetes-int-or-string'] === true || union === 'int-or-string') {
    const out: JSONSchemaProps = {
      ...(s.description !== undefined ? { description: s.description } : {}),
      'x-kubernetes-int-or-string': true,
      anyOf: [{ type: 'integer' }, { type: 'string' }],
    };
    if (s.pattern !== undefined) out.pattern = s.pattern;
    if (s.maxLength !== undefined) out.maxLength = s.maxLength;
    return out;
  }
  if (union === 'any') return anything(s.description);
  if (s.type === undefined) {
    if (s.properties || s.additionalProperties) s.type = 'object';
    else if (s.items) s.type = 'array';
    else if (s['x-kubernetes-preserve-unknown-fields'] !== true) s['x-kubernetes-preserve-unknown-fields'] = true;
  }
  // An object with no declared fields is an arbitrary object (RawExtension, FieldsV1): keep what it holds.
  if (s.type === 'object' && !s.properties && !s.additionalProperties) s['x-kubernetes-preserve-unknown-fields'] = true;
  if (s.format === 'int-or-string') delete s.format;
  return s;
}

/** Go regular expressions that JavaScript cannot compile are dropped rather than failing every request. */
function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}
