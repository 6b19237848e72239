import type { JSONSchemaProps } from '../../api/meta/resource-definition.js';

/**
 * How structured-merge-diff sees a node of a structural schema: a scalar (a leaf), a map (struct fields and/or
 * free keys, granular or atomic), a list (atomic, or associative by key fields or by value), or untyped (the
 * value decides: maps granular, lists atomic, anything else a leaf).
 */
export type MergeType = ScalarType | UntypedType | MapType | ListType;

export interface ScalarType {
  readonly kind: 'scalar';
}

export interface UntypedType {
  readonly kind: 'untyped';
}

export interface MapType {
  readonly kind: 'map';
  readonly atomic: boolean;
  /** Declared fields; a key that is not one of them is typed by `element`. */
  readonly fields: ReadonlyMap<string, MergeType>;
  /** Schema defaults of declared fields: a list-map key left out of an item takes its default. */
  readonly defaults: ReadonlyMap<string, unknown>;
  readonly element?: MergeType;
}

export interface ListType {
  readonly kind: 'list';
  /** `atomic`: the whole list is one value; `associative`: items are identified by `keys`, or by value when empty. */
  readonly relationship: 'atomic' | 'associative';
  readonly keys: readonly string[];
  readonly element: MergeType;
}

export const SCALAR: ScalarType = { kind: 'scalar' };
export const UNTYPED: UntypedType = { kind: 'untyped' };
const DEDUCED_MAP: MapType = { kind: 'map', atomic: false, fields: new Map(), defaults: new Map(), element: UNTYPED };
const DEDUCED_LIST: ListType = { kind: 'list', relationship: 'atomic', keys: [], element: UNTYPED };

export const isJsonObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The concrete type of a value at a node: untyped nodes take the shape of their value. */
export function resolveType(t: MergeType, value: unknown): ScalarType | MapType | ListType {
  if (t.kind !== 'untyped') return t;
  if (isJsonObject(value)) return DEDUCED_MAP;
  if (Array.isArray(value)) return DEDUCED_LIST;
  return SCALAR;
}

function mapOf(fields: Record<string, MergeType>, extra: Partial<Pick<MapType, 'atomic' | 'element'>> = {}, defaults: Record<string, unknown> = {}): MapType {
  return { kind: 'map', atomic: extra.atomic ?? false, fields: new Map(Object.entries(fields)), defaults: new Map(Object.entries(defaults)), ...(extra.element ? { element: extra.element } : {}) };
}

const STRING_MAP = mapOf({}, { element: SCALAR });

/** ObjectMeta as every Kubernetes type has it: label and annotation maps, finalizers a set, owners keyed by uid. */
export const OBJECT_META: MapType = mapOf({
  name: SCALAR,
  generateName: SCALAR,
  namespace: SCALAR,
  selfLink: SCALAR,
  uid: SCALAR,
  resourceVersion: SCALAR,
  generation: SCALAR,
  creationTimestamp: SCALAR,
  deletionTimestamp: SCALAR,
  deletionGracePeriodSeconds: SCALAR,
  labels: STRING_MAP,
  annotations: STRING_MAP,
  finalizers: { kind: 'list', relationship: 'associative', keys: [], element: SCALAR },
  ownerReferences: {
    kind: 'list',
    relationship: 'associative',
    keys: ['uid'],
    element: mapOf({ apiVersion: SCALAR, kind: SCALAR, name: SCALAR, uid: SCALAR, controller: SCALAR, blockOwnerDeletion: SCALAR }),
  },
  managedFields: { kind: 'list', relationship: 'atomic', keys: [], element: UNTYPED },
});

/** The merge type of one schema node, following the `x-kubernetes-*` extensions (lists atomic unless typed). */
export function mergeTypeOf(s: JSONSchemaProps | undefined): MergeType {
  if (!s) return UNTYPED;
  if (s['x-kubernetes-int-or-string']) return SCALAR;
  if (s.type === 'array') {
    const element = mergeTypeOf(s.items);
    const listType = s['x-kubernetes-list-type'];
    if (listType === 'map') return { kind: 'list', relationship: 'associative', keys: [...(s['x-kubernetes-list-map-keys'] ?? [])], element };
    if (listType === 'set') return { kind: 'list', relationship: 'associative', keys: [], element };
    return { kind: 'list', relationship: 'atomic', keys: [], element };
  }
  if (s.type === 'object' || s.properties || s.additionalProperties !== undefined) {
    const atomic = s['x-kubernetes-map-type'] === 'atomic';
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true || s.additionalProperties === true;
    if (s.properties) {
      const fields: Record<string, MergeType> = {};
      const defaults: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(s.properties)) {
        fields[name] = mergeTypeOf(sub);
        if (sub.default !== undefined) defaults[name] = sub.default;
      }
      if (s['x-kubernetes-embedded-resource']) {
        fields.apiVersion ??= SCALAR;
        fields.kind ??= SCALAR;
        fields.metadata = OBJECT_META;
      }
      return mapOf(fields, { atomic, ...(preserve ? { element: UNTYPED } : {}) }, defaults);
    }
    if (typeof s.additionalProperties === 'object') return mapOf({}, { atomic, element: mergeTypeOf(s.additionalProperties) });
    return atomic ? mapOf({}, { atomic, element: UNTYPED }) : UNTYPED;
  }
  if (s.type === undefined) return UNTYPED;
  return SCALAR;
}

/** The merge type of a whole resource: its schema, with the standard ObjectMeta in place of `metadata`. */
export function resourceMergeType(schema: JSONSchemaProps): MapType {
  const root = mergeTypeOf(schema);
  const base = root.kind === 'map' ? root : mapOf({});
  const fields = new Map(base.fields);
  fields.set('apiVersion', SCALAR);
  fields.set('kind', SCALAR);
  fields.set('metadata', OBJECT_META);
  return { ...base, fields };
}
