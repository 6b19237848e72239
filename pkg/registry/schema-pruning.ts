/** The parts of a structural schema that pruning and defaulting read. Any richer schema type is assignable to it. */
export interface PruningSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, PruningSchema>>;
  readonly additionalProperties?: PruningSchema | boolean;
  readonly items?: PruningSchema;
  readonly default?: unknown;
  readonly nullable?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
}

/** Fields of ObjectMeta a client may send; anything else under `metadata` is unknown (as the Go decoder sees it). */
const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Prunes fields the schema does not know and applies schema defaults, in place, as kube-apiserver does for a
 * structural schema: unknown object fields are dropped unless `x-kubernetes-preserve-unknown-fields`; an embedded
 * resource keeps `apiVersion`, `kind` and `metadata`; a missing field with a `default` gets a copy of it (then is
 * walked, so defaults nest); a null in a field that is not `nullable` takes the default or is dropped. Returns the pruned field paths in sorted order (`spec.foo`, `spec.items[0].bar`), for
 * fieldValidation's `unknown field "…"` reports.
 */
export function pruneAndDefault(object: Json, schema: PruningSchema, options: PruneOptions = {}): string[] {
  const unknown: string[] = [];
  walkObject(object, schema, '', unknown, true, options.keepNulls === true);
  return unknown.sort();
}

export interface PruneOptions {
  /**
   * Leave nulls for validation to refuse. Request bodies lose them when decoded; the result of a server-side apply
   * is only defaulted, so a struct an apply emptied (null) is refused as kube-apiserver refuses it.
   */
  readonly keepNulls?: boolean;
}

function walk(value: unknown, schema: PruningSchema | undefined, path: string, unknown: string[], keepNulls: boolean): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((v, i) => walk(v, schema.items, `${path}[${i}]`, unknown, keepNulls));
    return;
  }
  if (isObject(value)) walkObject(value, schema, path, unknown, schema['x-kubernetes-embedded-resource'] === true, keepNulls);
}

function walkObject(object: Json, schema: PruningSchema, path: string, unknown: string[], resourceRoot: boolean, keepNulls: boolean): void {
  const props = schema.properties;
  const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties === true;
  if (props) {
    for (const [name, sub] of Object.entries(props)) {
      if (!(name in object) && sub.default !== undefined) object[name] = structuredClone(sub.default);
    }
  }
  for (const key of Object.keys(object)) {
    const child = path ? `${path}.${key}` : key;
    if (resourceRoot && (key === 'apiVersion' || key === 'kind')) continue;
    if (resourceRoot && key === 'metadata') {
      const meta = object[key];
      if (isObject(meta)) {
        for (const m of Object.keys(meta)) {
          if (!OBJECT_META_FIELDS.has(m)) {
            unknown.push(`${child}.${m}`);
            delete meta[m];
          }
        }
      }
      continue;
    }
    const sub = props?.[key] ?? additional;
    if (sub && object[key] === null && sub.nullable !== true && (!keepNulls || sub.default !== undefined)) {
      // A null the schema does not allow takes the default, or goes (as a server-side apply that empties a struct
      // leaves it).
      if (sub.default !== undefined) object[key] = structuredClone(sub.default);
      else {
        delete object[key];
        continue;
      }
    }
    if (sub) walk(object[key], sub, child, unknown, keepNulls);
    else if (!preserve && (props !== undefined || schema.additionalProperties === false || schema.type === 'object')) {
      unknown.push(child);
      delete object[key];
    }
  }
}
