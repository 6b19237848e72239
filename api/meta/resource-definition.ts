// One entry of the resource table: everything discovery, OpenAPI, Table printing and the generic store need to
// know about a resource, in the vocabulary of a CustomResourceDefinition (names, scope, schema, printer columns,
// subresources). Served resources are built from these entries and nothing else.

/** The OpenAPI types a structural schema may use. */
export type JSONSchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

/** One CEL rule (`x-kubernetes-validations`). */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

/**
 * The subset of OpenAPI v3 a CRD's `openAPIV3Schema` accepts, with the Kubernetes extensions. A structural
 * schema gives every field a `type`, except nodes marked `x-kubernetes-int-or-string` or
 * `x-kubernetes-preserve-unknown-fields`.
 */
export interface JSONSchemaProps {
  type?: JSONSchemaType;
  format?: string;
  title?: string;
  description?: string;
  default?: unknown;
  example?: unknown;
  nullable?: boolean;

  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  required?: string[];
  minProperties?: number;
  maxProperties?: number;

  items?: JSONSchemaProps;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;

  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;

  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;

  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: ValidationRule[];
}

/** An additional printer column, as a CRD declares it. `jsonPath` is evaluated against each object. */
export interface PrinterColumn {
  /** Column header as served; kubectl upper-cases it. */
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** A simple JSONPath such as `.spec.replicas` or `.status.conditions[?(@.type=="Ready")].status`. */
  jsonPath: string;
  /** 0 is always shown; greater values only with `kubectl get -o wide`. */
  priority: number;
}

export interface Subresources {
  /** Serves `<plural>/status`, and the main resource ignores changes to `.status`. */
  status: boolean;
  /** Further subresources by name (`decision`), answered by their own handlers. */
  extra?: string[];
  /** The kind each extra subresource answers with, when it is not the resource's own (`decision` → LoadBalancingDecision). */
  extraKinds?: Record<string, string>;
}

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

/** The verbs a CRD's resource offers, in the order the apiextensions server lists them. */
export const CRD_VERBS: readonly Verb[] = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

/** The verbs of a `/status` subresource. */
export const STATUS_VERBS: readonly Verb[] = ['get', 'patch', 'update'];

export interface ResourceDefinition {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** The resource name in URLs: lower-case plural. */
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  /** What the kind is for; the root description `kubectl explain <kind>` prints. */
  description: string;
  /** Structural schema of the whole object: apiVersion, kind, metadata (`type: object` only), spec, status. */
  schema: JSONSchemaProps;
  /** Columns between NAME (always first) and AGE (always last). */
  printerColumns: PrinterColumn[];
  subresources: Subresources;
  verbs: readonly Verb[];
}

/** `group/version`, or `version` alone for the core group. */
export function groupVersionOf(def: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}
