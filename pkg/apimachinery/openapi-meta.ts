// Minimal definitions of the meta.k8s.io/v1 types Herd's OpenAPI documents refer to, so each document stands on
// its own. Names and shapes are the standard ones; descriptions are Herd's.
import type { GroupVersionKind } from '../../api/meta/object-meta.js';
import { ref, type OpenAPISchema } from './openapi-schema.js';

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const OBJECT_META = `${META}.ObjectMeta`;
export const LIST_META = `${META}.ListMeta`;
export const STATUS = `${META}.Status`;
export const DELETE_OPTIONS = `${META}.DeleteOptions`;
export const PATCH = `${META}.Patch`;
export const WATCH_EVENT = `${META}.WatchEvent`;
const TIME = `${META}.Time`;
const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

const s = (description: string, extra: OpenAPISchema = {}): OpenAPISchema => ({ type: 'string', description, ...extra });
const i64 = (description: string): OpenAPISchema => ({ type: 'integer', format: 'int64', description });
const stringMap = (description: string): OpenAPISchema => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string', default: '' },
});
const apiVersion = s('The versioned schema of this representation of the object.');
const kind = s('The REST resource this object represents, in CamelCase.');

function objectMeta(): OpenAPISchema {
  return {
    type: 'object',
    description: 'Metadata every persisted object has: identity, labels, annotations, ownership and bookkeeping.',
    properties: {
      annotations: stringMap('Unstructured key/value data attached to the object; not used for selection.'),
      creationTimestamp: ref(TIME, 'When the server created the object. Set by the server; read-only.'),
      deletionGracePeriodSeconds: i64('Seconds the object has to terminate gracefully; set with deletionTimestamp.'),
      deletionTimestamp: ref(TIME, 'When the object will be deleted; set by the server when deletion is requested.'),
      finalizers: {
        type: 'array',
        description: 'Names of the controllers that must act before the object is removed from storage.',
        items: { type: 'string', default: '' },
        'x-kubernetes-list-type': 'set',
        'x-kubernetes-patch-strategy': 'merge',
      },
      generateName: s('Prefix the server uses to generate a unique name when name is not given.'),
      generation: i64('Sequence number of the desired state; the server increments it when the spec changes.'),
      labels: stringMap('Key/value pairs used to organize and select objects.'),
      managedFields: {
        type: 'array',
        description: 'Which field manager owns which fields, for server-side apply. Maintained by the server.',
        items: ref(`${META}.ManagedFieldsEntry`),
        'x-kubernetes-list-type': 'atomic',
      },
      name: s('Name of the object, unique within its namespace (or the cluster for cluster-scoped kinds). Immutable.'),
      namespace: s('Namespace of the object; empty for cluster-scoped kinds. Immutable.'),
      ownerReferences: {
        type: 'array',
        description: 'Objects this object depends on; garbage collection removes it when all owners are gone.',
        items: ref(`${META}.OwnerReference`),
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['uid'],
        'x-kubernetes-patch-merge-key': 'uid',
        'x-kubernetes-patch-strategy': 'merge',
      },
      resourceVersion: s('Opaque version of the object, for optimistic concurrency and watches. Set by the server.'),
      selfLink: s('Deprecated and never set.'),
      uid: s('Unique identifier of this object over time. Set by the server; read-only.'),
    },
  };
}

function definitionsWithoutGVK(): Record<string, OpenAPISchema> {
  return {
    [OBJECT_META]: objectMeta(),
    [LIST_META]: {
      type: 'object',
      description: 'Metadata of a list response.',
      properties: {
        continue: s('Token for the next page of a paginated list; empty on the last page.'),
        remainingItemCount: i64('Number of items after this page, when the server knows it.'),
        resourceVersion: s('Version of the storage the list was read at, for a watch that follows it.'),
        selfLink: s('Deprecated and never set.'),
      },
    },
    [`${META}.ManagedFieldsEntry`]: {
      type: 'object',
      description: 'The fields one manager owns through one kind of operation.',
      properties: {
        apiVersion: s('Version of the object the fields were recorded against.'),
        fieldsType: s('Format of fieldsV1; always FieldsV1.'),
        fieldsV1: ref(`${META}.FieldsV1`, 'The set of owned fields.'),
        manager: s('Name of the manager.'),
        operation: s('Apply or Update.'),
        subresource: s('Subresource the fields were written through, if any.'),
        time: ref(TIME, 'When the fields last changed.'),
      },
    },
    [`${META}.FieldsV1`]: { type: 'object', description: 'A set of fields in the FieldsV1 trie format.' },
    [`${META}.OwnerReference`]: {
      type: 'object',
      description: 'Identifies an object that owns this one.',
      required: ['apiVersion', 'kind', 'name', 'uid'],
      properties: {
        apiVersion: s('API version of the owner.', { default: '' }),
        blockOwnerDeletion: { type: 'boolean', description: 'Foreground deletion of the owner waits for this object.' },
        controller: { type: 'boolean', description: 'Whether the owner is the managing controller.' },
        kind: s('Kind of the owner.', { default: '' }),
        name: s('Name of the owner.', { default: '' }),
        uid: s('UID of the owner.', { default: '' }),
      },
      'x-kubernetes-map-type': 'atomic',
    },
    [TIME]: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form, seconds precision.' },
    [`${META}.StatusDetails`]: {
      type: 'object',
      description: 'Machine-readable details of a failure.',
      properties: {
        causes: {
          type: 'array',
          description: 'The individual problems behind the failure.',
          items: ref(`${META}.StatusCause`),
          'x-kubernetes-list-type': 'atomic',
        },
        group: s('Group of the resource involved.'),
        kind: s('Resource (or kind) involved.'),
        name: s('Name of the object involved.'),
        retryAfterSeconds: { type: 'integer', format: 'int32', description: 'Seconds to wait before retrying.' },
        uid: s('UID of the object involved.'),
      },
    },
    [`${META}.StatusCause`]: {
      type: 'object',
      description: 'One problem behind a failure.',
      properties: {
        field: s('Path of the field at fault, such as spec.placement.maxClusters.'),
        message: s('Human-readable description of the problem.'),
        reason: s('Machine-readable reason, such as FieldValueInvalid.'),
      },
    },
    [`${META}.Preconditions`]: {
      type: 'object',
      description: 'Conditions the object must meet for the operation to go ahead.',
      properties: { resourceVersion: s('Required resourceVersion.'), uid: s('Required UID.') },
    },
    [PATCH]: { type: 'object', description: 'A patch body in the format the request Content-Type names.' },
    [RAW_EXTENSION]: { type: 'object', description: 'An embedded object of any kind.' },
  };
}

/** Every meta definition; the GVK lists name each group version whose operations use the type. */
export function metaDefinitions(groupVersions: readonly { group: string; version: string }[]): Record<string, OpenAPISchema> {
  const gvks = (k: string): GroupVersionKind[] => [
    { group: '', version: 'v1', kind: k },
    ...groupVersions.map((gv) => ({ group: gv.group, version: gv.version, kind: k })),
  ];
  return {
    ...definitionsWithoutGVK(),
    [STATUS]: {
      type: 'object',
      description: 'The result of an operation that returns no object, or of a failure.',
      properties: {
        apiVersion,
        code: { type: 'integer', format: 'int32', description: 'HTTP status code.' },
        details: ref(`${META}.StatusDetails`, 'Extended data about the result.'),
        kind,
        message: s('Human-readable description of the result.'),
        metadata: ref(LIST_META, 'Standard list metadata.'),
        reason: s('Machine-readable reason; empty when unknown.'),
        status: s('Success or Failure.'),
      },
      'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Status' }],
    },
    [DELETE_OPTIONS]: {
      type: 'object',
      description: 'Options of a delete request.',
      properties: {
        apiVersion,
        dryRun: {
          type: 'array',
          description: 'All: process the request without persisting it.',
          items: { type: 'string', default: '' },
          'x-kubernetes-list-type': 'atomic',
        },
        gracePeriodSeconds: i64('Seconds before the object is deleted; 0 deletes at once.'),
        kind,
        orphanDependents: { type: 'boolean', description: 'Deprecated: use propagationPolicy Orphan.' },
        preconditions: ref(`${META}.Preconditions`, 'Must hold for the deletion to go ahead.'),
        propagationPolicy: s('Orphan, Background or Foreground: what happens to dependents.'),
      },
      'x-kubernetes-group-version-kind': gvks('DeleteOptions'),
    },
    [WATCH_EVENT]: {
      type: 'object',
      description: 'One event of a watch stream.',
      required: ['type', 'object'],
      properties: {
        object: ref(RAW_EXTENSION, 'The object (or a Status for ERROR) the event is about.'),
        type: s('ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.', { default: '' }),
      },
      'x-kubernetes-group-version-kind': gvks('WatchEvent'),
    },
  };
}
