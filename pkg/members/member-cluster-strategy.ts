import type { MemberClusterSpec } from '../../api/federation/v1alpha1/member-cluster.js';
import { CLUSTER_NAME_LABEL, MEMBER_CLEANUP_FINALIZER, REGION_LABEL, ZONE_LABEL } from '../../api/federation/v1alpha1/well-known.js';
import { FieldPath, invalid, type FieldError } from '../apimachinery/field-errors.js';
import { dns1123SubdomainErrors, labelValueErrors } from '../apimachinery/label-validation.js';
import type { KubeObject } from '../registry/object-meta.js';
import type { Strategy } from '../registry/resource-store.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const specOf = (object: KubeObject): Partial<MemberClusterSpec> => (object.spec ?? {}) as Partial<MemberClusterSpec>;
const validLabelValue = (v: unknown): v is string => typeof v === 'string' && v !== '' && labelValueErrors(v).length === 0;

/** The labels Herd owns on a MemberCluster: its name, and its region and zone from the spec (gone when unset). */
function setOwnedLabels(object: KubeObject): void {
  const meta = (object.metadata ??= {});
  const labels = { ...(meta.labels ?? {}) };
  const spec = specOf(object);
  const own: [string, unknown][] = [
    [CLUSTER_NAME_LABEL, meta.name],
    [REGION_LABEL, spec.region],
    [ZONE_LABEL, spec.zone],
  ];
  // An invalid value is left out here; validate() reports it on the field it came from.
  for (const [key, value] of own) {
    if (validLabelValue(value)) labels[key] = value;
    else delete labels[key];
  }
  meta.labels = labels;
}

function validateEndpoint(endpoint: unknown, path: FieldPath): FieldError[] {
  if (typeof endpoint !== 'string') return [];
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return [invalid(path, endpoint, 'must be a URL such as https://10.0.0.1:6443')];
  }
  const errors: FieldError[] = [];
  if (url.protocol !== 'https:' && url.protocol !== 'http:') errors.push(invalid(path, endpoint, 'must be an https:// (or http://) URL'));
  if (!url.hostname) errors.push(invalid(path, endpoint, 'must name a host'));
  // Never echo a URL that carries credentials back in the error.
  if (url.username || url.password) return [invalid(path, '<redacted>', 'must not carry credentials; put them in the Secret spec.secretRef names')];
  if (url.search || url.hash) errors.push(invalid(path, endpoint, 'must not have a query or a fragment'));
  return errors;
}

function validate(object: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = specOf(object);
  const name = object.metadata?.name;
  if (typeof name === 'string' && name !== '' && labelValueErrors(name).length > 0) {
    errors.push(invalid(FieldPath.of('metadata', 'name'), name, `must be no more than 63 characters: it is copied to the label ${CLUSTER_NAME_LABEL}`));
  }
  const specPath = FieldPath.of('spec');
  errors.push(...validateEndpoint(spec.apiEndpoint, specPath.child('apiEndpoint')));
  const ref = spec.secretRef;
  if (ref && typeof ref.namespace === 'string' && (!DNS1123_LABEL.test(ref.namespace) || ref.namespace.length > 63)) {
    errors.push(invalid(specPath.child('secretRef', 'namespace'), ref.namespace, 'must be a namespace name (a DNS-1123 label)'));
  }
  if (ref && typeof ref.name === 'string') {
    for (const msg of dns1123SubdomainErrors(ref.name)) errors.push(invalid(specPath.child('secretRef', 'name'), ref.name, msg));
  }
  for (const field of ['region', 'zone'] as const) {
    const value = spec[field];
    if (typeof value === 'string' && value !== '') {
      const label = field === 'region' ? REGION_LABEL : ZONE_LABEL;
      for (const msg of labelValueErrors(value)) errors.push(invalid(specPath.child(field), value, `${msg} (it is copied to the label ${label})`));
    }
  }
  return errors;
}

/**
 * MemberCluster policy: Herd keeps the labels `federation.herd.io/cluster-name` (the name) and
 * `topology.kubernetes.io/region`/`zone` (from spec.region/zone) so placement can select and spread by them; a new
 * MemberCluster gets the finalizer `federation.herd.io/member-cleanup`, which the propagation controller removes
 * once Herd's objects are gone from the member. The endpoint must be an http(s) URL without credentials, and the
 * Secret reference must name a namespace and a Secret validly.
 */
export const memberClusterStrategy: Strategy = {
  prepareForCreate(object) {
    setOwnedLabels(object);
    const meta = object.metadata!;
    const finalizers = meta.finalizers ?? [];
    if (!finalizers.includes(MEMBER_CLEANUP_FINALIZER)) meta.finalizers = [...finalizers, MEMBER_CLEANUP_FINALIZER];
  },
  prepareForUpdate(object) {
    setOwnedLabels(object);
  },
  validate,
  validateUpdate: (object) => validate(object),
};
