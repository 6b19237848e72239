import { compareValues } from './compare-values.js';
import type { FieldSet } from './field-set.js';
import { isJsonObject, type MergeType } from './merge-type.js';
import { toFieldSet } from './to-field-set.js';

/** The annotation client-side `kubectl apply` keeps its last configuration in. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Annotations may take 256 KiB in all (keys and values), as ObjectMeta validation allows. */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

type Json = Record<string, unknown>;

function annotationsOf(object: Json): Record<string, string> | undefined {
  const meta = object.metadata;
  if (!isJsonObject(meta) || !isJsonObject(meta.annotations)) return undefined;
  return meta.annotations as Record<string, string>;
}

export function hasLastApplied(object: Json): boolean {
  const v = annotationsOf(object)?.[LAST_APPLIED_ANNOTATION];
  return typeof v === 'string' && v.length > 0;
}

/** JSON as Go's encoder writes a map: keys sorted, HTML characters escaped, a newline at the end. */
function goJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (isJsonObject(v)) {
      const out: Json = {};
      for (const k of Object.keys(v).sort()) out[k] = sorted(v[k]);
      return out;
    }
    return v;
  };
  return `${JSON.stringify(sorted(value)).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}\n`;
}

/**
 * After a server-side apply by `kubectl` on an object that still carries the client-side annotation, the
 * annotation is rewritten to the applied configuration (without the annotation itself), so a later client-side
 * apply computes its patch from what was really applied. Dropped when it would push annotations past their limit.
 */
export function updateLastApplied(object: Json, config: Json): void {
  const copy = structuredClone(config);
  const meta = isJsonObject(copy.metadata) ? copy.metadata : undefined;
  if (meta && isJsonObject(meta.annotations)) delete meta.annotations[LAST_APPLIED_ANNOTATION];
  const annotations = annotationsOf(object)!;
  annotations[LAST_APPLIED_ANNOTATION] = goJson(copy);
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) size += k.length + v.length;
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete annotations[LAST_APPLIED_ANNOTATION];
}

/**
 * Fields `kubectl` may take over from client-side apply without force: those in the last-applied configuration
 * whose live value still equals it. Undefined when there is no usable annotation.
 */
export function allowedConflictsFromLastApplied(live: Json, type: MergeType, apiVersion: string): FieldSet | undefined {
  const text = annotationsOf(live)?.[LAST_APPLIED_ANNOTATION];
  if (!text) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isJsonObject(last) || last.apiVersion !== apiVersion) return undefined;
  try {
    const set = toFieldSet(last, type);
    const c = compareValues(last, live, type);
    return set.difference(c.modified).difference(c.added).difference(c.removed);
  } catch {
    return undefined;
  }
}

