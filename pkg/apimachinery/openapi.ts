// OpenAPI v2 (/openapi/v2) and v3 (/openapi/v3 and one document per group version) from the resource table,
// both from the same schemas. Kinds are named as kube-openapi names CRD kinds and carry the GVK extension that
// `kubectl explain` and kubectl's field-validation probe look for.
import { createHash } from 'node:crypto';
import type { GroupVersionKind } from '../../api/meta/object-meta.js';
import type { ResourceDefinition } from '../../api/meta/resource-definition.js';
import { LIST_META, OBJECT_META, metaDefinitions } from './openapi-meta.js';
import {
  CRD_PATCH_TYPES,
  resourcePaths,
  type Action,
  type Method,
  type OperationSpec,
  type ParameterSpec,
  type PatchType,
  type PathSpec,
} from './openapi-operations.js';
import { definitionName, fromJSONSchemaProps, ref, toV2, toV3, type OpenAPISchema } from './openapi-schema.js';

export { definitionName, type OpenAPISchema } from './openapi-schema.js';
export { CRD_PATCH_TYPES, type PatchType } from './openapi-operations.js';

export interface OpenAPIOptions {
  info?: { title: string; version: string };
  /** Media types PATCH operations accept; CRD_PATCH_TYPES unless given. */
  patchTypes?: readonly PatchType[];
}

interface OperationExtensions {
  'x-kubernetes-action': Action;
  'x-kubernetes-group-version-kind': GroupVersionKind;
}

export interface V2Parameter {
  name: string;
  in: 'path' | 'query' | 'body';
  description: string;
  required?: boolean;
  type?: string;
  schema?: OpenAPISchema;
}

export interface V2Operation extends OperationExtensions {
  description: string;
  operationId: string;
  tags: string[];
  consumes?: string[];
  produces: string[];
  schemes: string[];
  parameters?: V2Parameter[];
  responses: Record<string, { description: string; schema?: OpenAPISchema }>;
}

export type V2PathItem = { parameters?: V2Parameter[] } & Partial<Record<Method, V2Operation>>;

export interface OpenAPIV2Document {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, V2PathItem>;
  definitions: Record<string, OpenAPISchema>;
  securityDefinitions: Record<string, { type: string; name: string; in: string; description: string }>;
  security: Record<string, string[]>[];
}

export interface V3Parameter {
  name: string;
  in: 'path' | 'query';
  description: string;
  required?: boolean;
  schema: OpenAPISchema;
}

type V3Content = Record<string, { schema: OpenAPISchema }>;

export interface V3Operation extends OperationExtensions {
  description: string;
  operationId: string;
  tags: string[];
  parameters?: V3Parameter[];
  requestBody?: { content: V3Content; required: boolean };
  responses: Record<string, { description: string; content?: V3Content }>;
}

export type V3PathItem = { parameters?: V3Parameter[] } & Partial<Record<Method, V3Operation>>;

export interface OpenAPIV3Document {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, V3PathItem>;
  components: {
    schemas: Record<string, OpenAPISchema>;
    securitySchemes: Record<string, { type: string; name: string; in: string; description: string }>;
  };
  security: Record<string, string[]>[];
}

/** `/openapi/v3`: one entry per group version, keyed without the leading slash. */
export interface OpenAPIV3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

const DEFAULT_INFO = { title: 'Herd', version: 'v0.1.0' };
const BEARER = { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer token authentication' };

/** The kind's schema as published: metadata refers to ObjectMeta, and the GVK extension names the kind. */
function kindSchema(def: ResourceDefinition): OpenAPISchema {
  const source = fromJSONSchemaProps(def.schema);
  const schema: OpenAPISchema = {
    ...source,
    properties: { ...source.properties, metadata: ref(OBJECT_META, "Standard object's metadata.") },
    'x-kubernetes-group-version-kind': [{ group: def.group, version: def.version, kind: def.kind }],
  };
  return schema;
}

function listSchema(def: ResourceDefinition): OpenAPISchema {
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const properties = kindSchema(def).properties ?? {};
  const typeMeta = { apiVersion: properties.apiVersion ?? {}, kind: properties.kind ?? {} };
  return {
    type: 'object',
    description: `${def.listKind} is a list of ${def.kind}`,
    required: ['items'],
    properties: {
      apiVersion: typeMeta.apiVersion,
      items: { type: 'array', description: `List of ${def.plural}.`, items: ref(definitionName(gvk)) },
      kind: typeMeta.kind,
      metadata: ref(LIST_META, 'Standard list metadata.'),
    },
    'x-kubernetes-group-version-kind': [{ ...gvk, kind: def.listKind }],
  };
}

function groupVersions(defs: readonly ResourceDefinition[]): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const d of defs) seen.set(`${d.group}/${d.version}`, { group: d.group, version: d.version });
  return [...seen.values()];
}

/** Definitions of the kinds, their lists and the meta types, in the v3-style source form with v2 references. */
function definitions(defs: readonly ResourceDefinition[], v2: boolean): Record<string, OpenAPISchema> {
  const out: Record<string, OpenAPISchema> = {};
  for (const def of defs) {
    const gvk = { group: def.group, version: def.version, kind: def.kind };
    out[definitionName(gvk)] = v2 ? toV2(kindSchema(def)) : kindSchema(def);
    out[definitionName({ ...gvk, kind: def.listKind })] = listSchema(def);
  }
  return { ...out, ...metaDefinitions(groupVersions(defs)) };
}

const extensions = (o: OperationSpec): OperationExtensions => ({
  'x-kubernetes-action': o.action,
  'x-kubernetes-group-version-kind': o.gvk,
});

function v2Parameter(p: ParameterSpec): V2Parameter {
  return { name: p.name, in: p.in, description: p.description, type: p.type, ...(p.required ? { required: true } : {}) };
}

function v2Operation(o: OperationSpec): V2Operation {
  const parameters = o.parameters.map(v2Parameter);
  if (o.body) parameters.unshift({ name: 'body', in: 'body', required: o.body.required, description: 'The request body.', schema: ref(o.body.definition) });
  const responses: V2Operation['responses'] = {};
  for (const r of o.responses) responses[r.code] = r.definition ? { description: r.description, schema: ref(r.definition) } : { description: r.description };
  const op: V2Operation = {
    description: o.description,
    operationId: o.operationId,
    tags: [o.tag],
    produces: o.produces,
    schemes: ['https'],
    responses,
    ...extensions(o),
  };
  if (o.body) op.consumes = [...o.body.mediaTypes];
  if (parameters.length > 0) op.parameters = parameters;
  return op;
}

function v3Content(definition: string, mediaTypes: readonly string[]): V3Content {
  return Object.fromEntries(mediaTypes.map((t) => [t, { schema: toV3(ref(definition)) }]));
}

function v3Parameter(p: ParameterSpec): V3Parameter {
  return { name: p.name, in: p.in, description: p.description, ...(p.required ? { required: true } : {}), schema: { type: p.type } };
}

function v3Operation(o: OperationSpec): V3Operation {
  const responses: V3Operation['responses'] = {};
  for (const r of o.responses) {
    responses[r.code] = r.definition ? { description: r.description, content: v3Content(r.definition, o.produces) } : { description: r.description };
  }
  const op: V3Operation = { description: o.description, operationId: o.operationId, tags: [o.tag], responses, ...extensions(o) };
  if (o.parameters.length > 0) op.parameters = o.parameters.map(v3Parameter);
  if (o.body) op.requestBody = { content: v3Content(o.body.definition, o.body.mediaTypes), required: o.body.required };
  return op;
}

function allPaths(defs: readonly ResourceDefinition[], options: OpenAPIOptions): PathSpec[] {
  return defs.flatMap((d) => resourcePaths(d, options.patchTypes ?? CRD_PATCH_TYPES));
}

/** `GET /openapi/v2`. */
export function buildOpenAPIV2(defs: readonly ResourceDefinition[], options: OpenAPIOptions = {}): OpenAPIV2Document {
  const paths: Record<string, V2PathItem> = {};
  for (const p of allPaths(defs, options)) {
    const item: V2PathItem = { parameters: p.parameters.map(v2Parameter) };
    for (const o of p.operations) item[o.method] = v2Operation(o);
    paths[p.path] = item;
  }
  return {
    swagger: '2.0',
    info: options.info ?? DEFAULT_INFO,
    paths,
    definitions: definitions(defs, true),
    securityDefinitions: { BearerToken: BEARER },
    security: [{ BearerToken: [] }],
  };
}

/** `GET /openapi/v3/apis/<group>/<version>`: the resources of one group version. */
export function buildOpenAPIV3(
  defs: readonly ResourceDefinition[],
  group: string,
  version: string,
  options: OpenAPIOptions = {},
): OpenAPIV3Document {
  const mine = defs.filter((d) => d.group === group && d.version === version);
  const paths: Record<string, V3PathItem> = {};
  for (const p of allPaths(mine, options)) {
    const item: V3PathItem = { parameters: p.parameters.map(v3Parameter) };
    for (const o of p.operations) item[o.method] = v3Operation(o);
    paths[p.path] = item;
  }
  const schemas = Object.fromEntries(Object.entries(definitions(mine, false)).map(([name, s]) => [name, toV3(s)]));
  return {
    openapi: '3.0.0',
    info: options.info ?? DEFAULT_INFO,
    paths,
    components: { schemas, securitySchemes: { BearerToken: BEARER } },
    security: [{ BearerToken: [] }],
  };
}

/** The upper-case hex SHA-512 kube-openapi uses in `?hash=` and (quoted) in `ETag`. */
export function openAPIHash(body: string | Uint8Array): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

export interface EncodedDocument {
  body: string;
  hash: string;
}

export interface EncodedOpenAPIV3 {
  index: OpenAPIV3Index;
  /** Keyed like the index: `apis/<group>/<version>`. */
  documents: Map<string, EncodedDocument>;
}

/** Every v3 document encoded once, with the index that points at them by hash. */
export function encodeOpenAPIV3(defs: readonly ResourceDefinition[], options: OpenAPIOptions = {}): EncodedOpenAPIV3 {
  const index: OpenAPIV3Index = { paths: {} };
  const documents = new Map<string, EncodedDocument>();
  for (const { group, version } of groupVersions(defs)) {
    const key = `apis/${group}/${version}`;
    const body = JSON.stringify(buildOpenAPIV3(defs, group, version, options));
    const hash = openAPIHash(body);
    documents.set(key, { body, hash });
    index.paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { index, documents };
}

/** `GET /openapi/v2`, encoded once with its hash. */
export function encodeOpenAPIV2(defs: readonly ResourceDefinition[], options: OpenAPIOptions = {}): EncodedDocument {
  const body = JSON.stringify(buildOpenAPIV2(defs, options));
  return { body, hash: openAPIHash(body) };
}

