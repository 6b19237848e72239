import { randomUUID } from 'node:crypto';
import type { ObjectMeta as ApiObjectMeta } from '../../api/meta/object-meta.js';
import { FieldPath, forbidden, invalid, required, tooLong, type FieldError } from '../apimachinery/field-errors.js';
import { dns1123SubdomainErrors, labelKeyErrors, labelValueErrors } from '../apimachinery/label-validation.js';

/**
 * ObjectMeta as a request body may carry it: the API's ObjectMeta, plus `selfLink` (cleared on create) and any
 * field a client sent that pruning has not removed yet.
 */
export type ObjectMeta = ApiObjectMeta & { selfLink?: string; [key: string]: unknown };

/** An object as decoded from a request, before the store has checked its type meta. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
}

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `base` plus five random characters from the alphabet upstream uses (no vowels, no confusable digits). */
export function generateName(base: string): string {
  const maxBase = 63 - 5;
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += GENERATE_NAME_ALPHABET[Math.floor(Math.random() * GENERATE_NAME_ALPHABET.length)];
  return (base.length > maxBase ? base.slice(0, maxBase) : base) + suffix;
}

/** RFC 3339 at second precision, as metav1.Time serialises. */
export function nowTimestamp(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Fills what the server owns on create: uid, creationTimestamp, generation 1; clears deletion and RV fields. */
export function fillCreateSystemFields(meta: ObjectMeta, now: Date = new Date()): void {
  meta.uid = randomUUID();
  meta.creationTimestamp = nowTimestamp(now);
  meta.generation = 1;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  delete meta.resourceVersion;
}

function validateStringMap(map: Record<string, string> | undefined, path: FieldPath, valueCheck: boolean): FieldError[] {
  const errors: FieldError[] = [];
  if (!map) return errors;
  let total = 0;
  for (const [k, v] of Object.entries(map)) {
    for (const msg of labelKeyErrors(k)) errors.push(invalid(path, k, msg));
    if (valueCheck) for (const msg of labelValueErrors(v)) errors.push(invalid(path.key(k), v, msg));
    total += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (!valueCheck && total > TOTAL_ANNOTATION_SIZE_LIMIT) errors.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errors;
}

/** ObjectMeta rules common to every resource (apimachinery's ValidateObjectMeta, as CRDs get it). */
export function validateObjectMeta(meta: ObjectMeta, namespaced: boolean): FieldError[] {
  const path = FieldPath.of('metadata');
  const errors: FieldError[] = [];
  if (!meta.name) {
    errors.push(required(path.child('name'), 'name or generateName is required'));
  } else {
    for (const msg of dns1123SubdomainErrors(meta.name)) errors.push(invalid(path.child('name'), meta.name, msg));
  }
  if (namespaced && !meta.namespace) errors.push(required(path.child('namespace'), ''));
  if (!namespaced && meta.namespace) errors.push(forbidden(path.child('namespace'), 'not allowed on this type'));
  errors.push(...validateStringMap(meta.labels, path.child('labels'), true));
  errors.push(...validateStringMap(meta.annotations, path.child('annotations'), false));
  const finalizers = meta.finalizers ?? [];
  const seen = new Set<string>();
  finalizers.forEach((f, i) => {
    for (const msg of labelKeyErrors(f)) errors.push(invalid(path.child('finalizers').index(i), f, msg));
    seen.add(f);
  });
  if (seen.has('orphan') && seen.has('foregroundDeletion')) {
    errors.push(invalid(path.child('finalizers'), finalizers, "finalizers 'orphan' and 'foregroundDeletion' cannot be both set"));
  }
  return errors;
}

/** Fields a client may not change on update (apimachinery's ValidateObjectMetaUpdate). */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const path = FieldPath.of('metadata');
  const errors: FieldError[] = [];
  const immutable = (field: 'name' | 'namespace' | 'uid' | 'creationTimestamp', value: unknown) => {
    if (value !== old[field]) errors.push(invalid(path.child(field), value ?? '', 'field is immutable'));
  };
  immutable('name', meta.name);
  immutable('namespace', meta.namespace ?? (old.namespace === undefined ? undefined : ''));
  immutable('uid', meta.uid);
  immutable('creationTimestamp', meta.creationTimestamp);
  if (old.deletionTimestamp === undefined && meta.deletionTimestamp !== undefined) {
    errors.push(invalid(path.child('deletionTimestamp'), meta.deletionTimestamp, 'field is immutable; may only be changed via deletion'));
  }
  return errors;
}
