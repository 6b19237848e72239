// Checks that a schema is structural in the sense CRDs require (apiextensions' structural schema rules), plus
// the house rule that every field is described so `kubectl explain` has something to say.
import type { JSONSchemaProps } from './resource-definition.js';

export interface StructureOptions {
  /** Also report fields (properties and additionalProperties values) without a description. */
  requireDescriptions?: boolean;
}

const SCALAR_TYPES = new Set(['string', 'integer', 'number', 'boolean']);

/** Problems found, each as `<path>: <what is wrong>`; empty when the schema is structural. */
export function structuralSchemaErrors(schema: JSONSchemaProps, options: StructureOptions = {}): string[] {
  const errors: string[] = [];
  if (schema.type !== 'object') errors.push('<root>: type must be object');
  const meta = schema.properties?.metadata;
  if (meta) {
    const extra = Object.keys(meta).filter((k) => k !== 'type' && k !== 'description');
    if (meta.type !== 'object' || extra.length > 0) errors.push('metadata: may only say type: object');
  }
  walk(schema, '', true, options, errors);
  return errors;
}

function walk(s: JSONSchemaProps, path: string, isField: boolean, options: StructureOptions, errors: string[]): void {
  const at = path === '' ? '<root>' : path;
  const fail = (what: string): void => {
    errors.push(`${at}: ${what}`);
  };
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;

  if (s.type === undefined && !intOrString && !preserve) fail('has no type');
  if (isField && options.requireDescriptions && !s.description) fail('has no description');
  if (intOrString) checkIntOrString(s, fail);
  else if (s.anyOf || s.oneOf || s.allOf || s.not) checkJunctors(s, fail);

  if (s.properties && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    fail('must not set both properties and additionalProperties');
  }
  if ((s.properties || s.additionalProperties !== undefined) && s.type !== undefined && s.type !== 'object') {
    fail(`declares fields but has type ${s.type}`);
  }
  if (s.items && s.type !== 'array') fail('declares items but is not an array');
  if (s.type === 'array' && !s.items) fail('is an array without items');
  for (const name of s.required ?? []) {
    if (!s.properties?.[name]) fail(`requires ${name}, which is not a property`);
  }
  checkEnum(s, fail);
  checkListType(s, fail);
  if (s['x-kubernetes-map-type'] !== undefined && s.type !== 'object') fail('x-kubernetes-map-type on a non-object');

  for (const [name, child] of Object.entries(s.properties ?? {})) {
    walk(child, path === '' ? name : `${path}.${name}`, true, options, errors);
  }
  if (typeof s.additionalProperties === 'object') {
    walk(s.additionalProperties, `${path}[*]`, true, { requireDescriptions: false }, errors);
  }
  if (s.items) walk(s.items, `${path}[]`, false, options, errors);
}

function checkIntOrString(s: JSONSchemaProps, fail: (what: string) => void): void {
  if (s.type !== undefined) fail('x-kubernetes-int-or-string must not set a type');
  const anyOf = s.anyOf;
  if (anyOf === undefined) return;
  const types = anyOf.map((a) => a.type).sort();
  if (anyOf.length !== 2 || types[0] !== 'integer' || types[1] !== 'string') {
    fail('x-kubernetes-int-or-string allows only anyOf: [{type: integer}, {type: string}]');
  }
}

function checkJunctors(s: JSONSchemaProps, fail: (what: string) => void): void {
  const branches = [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? []), ...(s.not ? [s.not] : [])];
  for (const b of branches) {
    if (b.type !== undefined || b.description !== undefined || b.default !== undefined || b.additionalProperties !== undefined) {
      fail('allOf/anyOf/oneOf/not may not set type, description, default or additionalProperties');
    }
  }
}

function checkEnum(s: JSONSchemaProps, fail: (what: string) => void): void {
  for (const value of s.enum ?? []) {
    const ok =
      (s.type === 'string' && typeof value === 'string') ||
      (s.type === 'boolean' && typeof value === 'boolean') ||
      (s.type === 'integer' && Number.isInteger(value)) ||
      (s.type === 'number' && typeof value === 'number');
    if (!ok) fail(`enum value ${JSON.stringify(value)} does not match type ${String(s.type)}`);
  }
}

function checkListType(s: JSONSchemaProps, fail: (what: string) => void): void {
  const listType = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'];
  if (listType !== undefined && s.type !== 'array') fail('x-kubernetes-list-type on a non-array');
  if (keys !== undefined && listType !== 'map') fail('x-kubernetes-list-map-keys without x-kubernetes-list-type: map');
  if (listType === 'set' && s.items && !SCALAR_TYPES.has(s.items.type ?? '') && s.items['x-kubernetes-map-type'] !== 'atomic') {
    fail('x-kubernetes-list-type: set needs scalar or atomic items');
  }
  if (listType !== 'map') return;
  if (s.items?.type !== 'object') {
    fail('x-kubernetes-list-type: map needs object items');
    return;
  }
  if (!keys || keys.length === 0) {
    fail('x-kubernetes-list-type: map needs x-kubernetes-list-map-keys');
    return;
  }
  for (const key of keys) {
    const keySchema = s.items.properties?.[key];
    if (!keySchema || !SCALAR_TYPES.has(keySchema.type ?? '')) fail(`list map key ${key} is not a scalar field of the items`);
    else if (!s.items.required?.includes(key) && keySchema.default === undefined) {
      fail(`list map key ${key} must be required or defaulted`);
    }
  }
}

/**
 * Paths of the fields in `value` that `schema` does not declare, which pruning would drop and strict field
 * validation would report (`spec.placement.cluster`, `spec.overrides[0].patch`). The root `metadata` is skipped:
 * the server checks ObjectMeta itself.
 */
export function undeclaredFields(schema: JSONSchemaProps, value: unknown, path = ''): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) {
    return schema.items ? value.flatMap((item, i) => undeclaredFields(schema.items as JSONSchemaProps, item, `${path}[${i}]`)) : [];
  }
  const out: string[] = [];
  for (const [name, child] of Object.entries(value)) {
    if (path === '' && name === 'metadata') continue;
    const childPath = path === '' ? name : `${path}.${name}`;
    const declared = schema.properties?.[name] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (declared) out.push(...undeclaredFields(declared, child, childPath));
    else if (schema.additionalProperties !== true) out.push(childPath);
  }
  return out;
}
