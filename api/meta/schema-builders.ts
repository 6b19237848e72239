// A small vocabulary for writing structural schemas that read like the API they describe. Every builder takes
// the field's description first, so a field without one does not compile.
import type { JSONSchemaProps } from './resource-definition.js';

type Extra = Omit<JSONSchemaProps, 'type' | 'description'>;

export function str(description: string, extra: Extra = {}): JSONSchemaProps {
  return { type: 'string', description, ...extra };
}

/** A string restricted to `values`. */
export function oneOf(description: string, values: readonly string[], extra: Extra = {}): JSONSchemaProps {
  return { type: 'string', description, enum: [...values], ...extra };
}

export function int32(description: string, extra: Extra = {}): JSONSchemaProps {
  return { type: 'integer', format: 'int32', description, ...extra };
}

export function int64(description: string, extra: Extra = {}): JSONSchemaProps {
  return { type: 'integer', format: 'int64', description, ...extra };
}

export function bool(description: string, extra: Extra = {}): JSONSchemaProps {
  return { type: 'boolean', description, ...extra };
}

/** An RFC 3339 timestamp. */
export function dateTime(description: string): JSONSchemaProps {
  return { type: 'string', format: 'date-time', description };
}

export function obj(description: string, properties: Record<string, JSONSchemaProps>, extra: Extra = {}): JSONSchemaProps {
  return { type: 'object', description, properties, ...extra };
}

/** A list whose items are replaced as a whole on merge (order matters or the items have no identity). */
export function atomicList(description: string, items: JSONSchemaProps, extra: Extra = {}): JSONSchemaProps {
  return { type: 'array', description, items, 'x-kubernetes-list-type': 'atomic', ...extra };
}

/** A list of objects keyed by `keys`, merged item by item. The keys must be required scalar fields of the items. */
export function listMap(description: string, keys: readonly string[], items: JSONSchemaProps, extra: Extra = {}): JSONSchemaProps {
  return {
    type: 'array',
    description,
    items,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': [...keys],
    ...extra,
  };
}

/** A list of distinct strings. */
export function stringSet(description: string, item: Extra = {}, extra: Extra = {}): JSONSchemaProps {
  return { type: 'array', description, items: { type: 'string', ...item }, 'x-kubernetes-list-type': 'set', ...extra };
}

/** A string-to-string map such as labels. */
export function stringMap(description: string, extra: Extra = {}): JSONSchemaProps {
  return { type: 'object', description, additionalProperties: { type: 'string' }, ...extra };
}

/** A resource quantity (`500m`, `2Gi`, `3`): an integer or a string, like Kubernetes' own quantities. */
export function quantity(description: string): JSONSchemaProps {
  return {
    description,
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
    'x-kubernetes-int-or-string': true,
  };
}

/** A map of resource name to quantity (`cpu: 4`, `memory: 16Gi`). */
export function quantityMap(description: string): JSONSchemaProps {
  const value: JSONSchemaProps = { ...quantity('') };
  delete value.description;
  return { type: 'object', description, additionalProperties: value };
}

/** Any JSON value at all (a JSON-patch value, a member's raw status). */
export function anyValue(description: string): JSONSchemaProps {
  return { description, 'x-kubernetes-preserve-unknown-fields': true };
}

/** An object whose fields are not described here and are kept as sent. */
export function freeformObject(description: string, extra: Extra = {}): JSONSchemaProps {
  return { type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true, ...extra };
}
