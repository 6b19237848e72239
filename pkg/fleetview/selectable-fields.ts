import type { KubeObject } from '../../api/meta/object-meta.js';

/**
 * The field selectors a kube-apiserver supports per built-in resource beyond `metadata.name` and
 * `metadata.namespace` (each type's GetAttrs / field-label conversion upstream), with where the value lives.
 * The fleet view evaluates them on its cache, so it stores these values, not the objects parsed.
 */
const EXTRA_FIELDS: Readonly<Record<string, readonly string[]>> = {
  '/pods': ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  '/events': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  '/secrets': ['type'],
  '/namespaces': ['status.phase'],
  '/nodes': ['spec.unschedulable'],
  '/replicationcontrollers': ['status.replicas'],
  'apps/replicasets': ['status.replicas'],
  'batch/jobs': ['status.successful'],
  '/services': ['spec.clusterIP', 'spec.type'],
  'certificates.k8s.io/certificatesigningrequests': ['spec.signerName'],
};

/** The fields a field selector may use on the resource, in a fixed order (the stored values follow it). */
export function selectableFields(group: string, resource: string, namespaced: boolean): readonly string[] {
  return [...(namespaced ? ['metadata.namespace'] : []), 'metadata.name', ...(EXTRA_FIELDS[`${group}/${resource}`] ?? [])];
}

/** Fields whose value is not at their own path: an event's `source` is source.component, a job's `status.successful` is status.succeeded. */
const FIELD_PATHS: Readonly<Record<string, readonly string[]>> = {
  source: ['source', 'component'],
  'status.successful': ['status', 'succeeded'],
};

/** What upstream compares for a field the object leaves out: Go's zero value of its type, printed. */
const ABSENT_VALUES: Readonly<Record<string, string>> = {
  'spec.hostNetwork': 'false',
  'spec.unschedulable': 'false',
  'status.replicas': '0',
  'status.successful': '0',
};

function valueAt(object: KubeObject, field: string): string {
  const path = FIELD_PATHS[field] ?? field.split('.');
  let v: unknown = object;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  if (v === undefined || v === null) return ABSENT_VALUES[field] ?? '';
  return typeof v === 'string' ? v : String(v);
}

/**
 * The values of the fields beyond metadata (the names are stored apart): undefined when the resource has none, so
 * a cached object costs nothing for them.
 */
export function extraFieldValues(object: KubeObject, fields: readonly string[]): readonly string[] | undefined {
  const extra = fields.filter((f) => !f.startsWith('metadata.'));
  return extra.length === 0 ? undefined : extra.map((f) => valueAt(object, f));
}
