// The REST operations of one resource, in a form both OpenAPI versions render: the routes the apiextensions server
// publishes for a CRD (list, create, deletecollection, get, replace, patch, delete; the status subresource; list
// across namespaces), with watch offered through the `watch` query parameter rather than /watch/ paths.
import type { GroupVersionKind } from '../../api/meta/object-meta.js';
import type { ResourceDefinition } from '../../api/meta/resource-definition.js';
import { DELETE_OPTIONS, PATCH, STATUS } from './openapi-meta.js';
import { definitionName } from './openapi-schema.js';

export type PatchType =
  | 'application/json-patch+json'
  | 'application/merge-patch+json'
  | 'application/strategic-merge-patch+json'
  | 'application/apply-patch+yaml';

/** What CRDs advertise. Strategic merge patch is left out: only types with patch strategies support it. */
export const CRD_PATCH_TYPES: readonly PatchType[] = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

export const OBJECT_MEDIA_TYPES = ['application/json', 'application/yaml'];
export const WATCH_MEDIA_TYPE = 'application/json;stream=watch';

export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ParameterSpec {
  name: string;
  in: 'path' | 'query';
  description: string;
  type: 'string' | 'boolean' | 'integer';
  required?: boolean;
}

export interface ResponseSpec {
  code: string;
  description: string;
  /** Definition name of the body; absent for 401. */
  definition?: string;
}

export interface OperationSpec {
  method: Method;
  action: Action;
  operationId: string;
  description: string;
  tag: string;
  gvk: GroupVersionKind;
  parameters: ParameterSpec[];
  body?: { definition: string; required: boolean; mediaTypes: readonly string[] };
  produces: string[];
  responses: ResponseSpec[];
}

export interface PathSpec {
  path: string;
  parameters: ParameterSpec[];
  operations: OperationSpec[];
}

const q = (name: string, type: ParameterSpec['type'], description: string): ParameterSpec => ({ name, in: 'query', type, description });

export const PARAMETERS = {
  pretty: q('pretty', 'string', "If 'true', the response is indented for reading."),
  dryRun: q('dryRun', 'string', 'When present, the request is checked and processed but nothing is stored. Valid value: All.'),
  fieldManager: q(
    'fieldManager',
    'string',
    'Name of the actor making the change, recorded in managedFields; at most 128 printable characters.',
  ),
  fieldValidation: q(
    'fieldValidation',
    'string',
    'What to do with unknown or duplicated fields in the body: Ignore drops them, Warn drops them with a warning ' +
      'for each (the default), Strict rejects the request.',
  ),
  force: q('force', 'boolean', 'Apply requests only: take over fields other managers own instead of failing with a conflict.'),
  labelSelector: q('labelSelector', 'string', 'Only objects whose labels match this selector. Defaults to everything.'),
  fieldSelector: q('fieldSelector', 'string', 'Only objects whose fields match this selector. Defaults to everything.'),
  limit: q('limit', 'integer', 'Largest number of items to return; the response carries a continue token when more remain.'),
  continue: q('continue', 'string', 'Token from a previous page, to read the next page of the same list.'),
  resourceVersion: q('resourceVersion', 'string', 'Which version of the data to serve; see resourceVersionMatch.'),
  resourceVersionMatch: q('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: Exact or NotOlderThan.'),
  watch: q('watch', 'boolean', 'Stream changes (ADDED, MODIFIED, DELETED) instead of returning a list.'),
  allowWatchBookmarks: q('allowWatchBookmarks', 'boolean', 'Watch only: the server may send BOOKMARK events.'),
  sendInitialEvents: q('sendInitialEvents', 'boolean', 'Watch only: start with synthetic ADDED events for the current state.'),
  timeoutSeconds: q('timeoutSeconds', 'integer', 'Longest a list or watch call may last.'),
  gracePeriodSeconds: q('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; 0 deletes at once.'),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy=Orphan.'),
  propagationPolicy: q('propagationPolicy', 'string', 'Orphan, Background or Foreground: what happens to dependents.'),
} satisfies Record<string, ParameterSpec>;

const P = PARAMETERS;
const LIST_PARAMETERS = [
  P.allowWatchBookmarks,
  P.continue,
  P.fieldSelector,
  P.labelSelector,
  P.limit,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
  P.watch,
];
const WRITE_PARAMETERS = [P.dryRun, P.fieldManager, P.fieldValidation];
const DELETE_PARAMETERS = [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy];

const pathParam = (name: string, description: string): ParameterSpec => ({ name, in: 'path', type: 'string', required: true, description });

/** kube-openapi's operation-ID form of a group or version: `federation.herd.io` → `FederationHerdIo`. */
export function toOperationIdPart(s: string, capitalizeFirst: boolean): string {
  let out = '';
  let upper = capitalizeFirst;
  for (const ch of s) {
    if (ch === '.' || ch === '-' || ch === '/') {
      upper = true;
      continue;
    }
    out += upper ? ch.toUpperCase() : ch;
    upper = false;
  }
  return out;
}

export function operationTag(group: string, version: string): string {
  return `${toOperationIdPart(group, false)}_${toOperationIdPart(version, false)}`;
}

const article = (kind: string): string => (/^[AEIOU]/.test(kind) ? 'an' : 'a');

/** Every path of one resource, with its operations. */
export function resourcePaths(def: ResourceDefinition, patchTypes: readonly PatchType[]): PathSpec[] {
  const gvk: GroupVersionKind = { group: def.group, version: def.version, kind: def.kind };
  const object = definitionName(gvk);
  const list = definitionName({ ...gvk, kind: def.listKind });
  const gv = toOperationIdPart(def.group, true) + toOperationIdPart(def.version, true);
  const scope = def.namespaced ? 'Namespaced' : '';
  const tag = operationTag(def.group, def.version);
  const base = `/apis/${def.group}/${def.version}`;
  const collection = def.namespaced ? `${base}/namespaces/{namespace}/${def.plural}` : `${base}/${def.plural}`;
  const scopeParams = def.namespaced ? [pathParam('namespace', 'Namespace of the objects.')] : [];
  const nameParam = pathParam('name', `Name of the ${def.kind}.`);
  const ok = (definition: string): ResponseSpec => ({ code: '200', description: 'OK', definition });
  const created = (definition: string): ResponseSpec => ({ code: '201', description: 'Created', definition });
  const accepted = (definition: string): ResponseSpec => ({ code: '202', description: 'Accepted', definition });
  const op = (o: Omit<OperationSpec, 'gvk' | 'tag' | 'produces'> & { produces?: string[] }): OperationSpec => ({
    gvk,
    tag,
    produces: OBJECT_MEDIA_TYPES,
    ...o,
    responses: [...o.responses, { code: '401', description: 'Unauthorized' }],
  });
  const listOp = (operationId: string): OperationSpec =>
    op({
      method: 'get',
      action: 'list',
      operationId,
      description: `list or watch objects of kind ${def.kind}`,
      parameters: LIST_PARAMETERS,
      produces: [...OBJECT_MEDIA_TYPES, WATCH_MEDIA_TYPE],
      responses: [ok(list)],
    });
  const body = (definition: string, mediaTypes: readonly string[] = OBJECT_MEDIA_TYPES) => ({ definition, required: true, mediaTypes });
  const objectOps = (suffix: string, what: string): [OperationSpec, OperationSpec, OperationSpec] => [
    op({
      method: 'get',
      action: 'get',
      operationId: `read${gv}${scope}${def.kind}${suffix}`,
      description: `read ${what}the specified ${def.kind}`,
      parameters: [P.resourceVersion],
      responses: [ok(object)],
    }),
    op({
      method: 'put',
      action: 'put',
      operationId: `replace${gv}${scope}${def.kind}${suffix}`,
      description: `replace ${what}the specified ${def.kind}`,
      parameters: WRITE_PARAMETERS,
      body: body(object),
      responses: [ok(object), created(object)],
    }),
    op({
      method: 'patch',
      action: 'patch',
      operationId: `patch${gv}${scope}${def.kind}${suffix}`,
      description: `partially update ${what}the specified ${def.kind}`,
      parameters: [...WRITE_PARAMETERS, P.force],
      body: body(PATCH, patchTypes),
      responses: [ok(object), created(object)],
    }),
  ];

  const paths: PathSpec[] = [];
  if (def.namespaced) {
    paths.push({ path: `${base}/${def.plural}`, parameters: [P.pretty], operations: [listOp(`list${gv}${def.kind}ForAllNamespaces`)] });
  }
  paths.push({
    path: collection,
    parameters: [...scopeParams, P.pretty],
    operations: [
      listOp(`list${gv}${scope}${def.kind}`),
      op({
        method: 'post',
        action: 'post',
        operationId: `create${gv}${scope}${def.kind}`,
        description: `create ${article(def.kind)} ${def.kind}`,
        parameters: WRITE_PARAMETERS,
        body: body(object),
        responses: [ok(object), created(object), accepted(object)],
      }),
      op({
        method: 'delete',
        action: 'deletecollection',
        operationId: `delete${gv}Collection${scope}${def.kind}`,
        description: `delete collection of ${def.kind}`,
        parameters: [...DELETE_PARAMETERS, ...LIST_PARAMETERS.filter((p) => p !== P.watch && p !== P.allowWatchBookmarks)],
        body: { definition: DELETE_OPTIONS, required: false, mediaTypes: OBJECT_MEDIA_TYPES },
        responses: [ok(STATUS)],
      }),
    ],
  });
  const [read, replace, patch] = objectOps('', '');
  paths.push({
    path: `${collection}/{name}`,
    parameters: [nameParam, ...scopeParams, P.pretty],
    operations: [
      read,
      replace,
      op({
        method: 'delete',
        action: 'delete',
        operationId: `delete${gv}${scope}${def.kind}`,
        description: `delete ${article(def.kind)} ${def.kind}`,
        parameters: DELETE_PARAMETERS,
        body: { definition: DELETE_OPTIONS, required: false, mediaTypes: OBJECT_MEDIA_TYPES },
        responses: [ok(STATUS), accepted(STATUS)],
      }),
      patch,
    ],
  });
  if (def.subresources.status) {
    paths.push({ path: `${collection}/{name}/status`, parameters: [nameParam, ...scopeParams, P.pretty], operations: objectOps('Status', 'status of ') });
  }
  return paths;
}
