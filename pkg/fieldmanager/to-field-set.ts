import { FieldSet } from './field-set.js';
import { listItemElement } from './list-item-element.js';
import { isJsonObject, resolveType, type MergeType } from './merge-type.js';
import { fieldElement, type PathElement } from './path-element.js';

/**
 * The fields a value sets, as structured-merge-diff counts them: every leaf; every item of an associative list;
 * every key of a map that is not a declared struct field; a struct field only when it is null or an empty object
 * (a struct with content is implied by its fields). Atomic lists and maps are one leaf. A duplicated list item is
 * one leaf with nothing below it.
 */
export function toFieldSet(value: unknown, type: MergeType): FieldSet {
  const set = new FieldSet();
  walk(value, type, [], set);
  return set;
}

function walk(value: unknown, type: MergeType, path: PathElement[], set: FieldSet): void {
  const t = resolveType(type, value);
  if (t.kind === 'scalar') {
    set.insert(path);
    return;
  }
  if (t.kind === 'list') {
    if (t.relationship === 'atomic') {
      set.insert(path);
      return;
    }
    if (!Array.isArray(value)) return;
    const seen = new Set<PathElement>();
    const duplicates = new Set<PathElement>();
    const elements = value.map((item) => listItemElement(t, item));
    for (const pe of elements) {
      if (seen.has(pe) && !duplicates.has(pe)) {
        set.insert([...path, pe]);
        duplicates.add(pe);
      }
      seen.add(pe);
    }
    value.forEach((item, i) => {
      const pe = elements[i]!;
      if (duplicates.has(pe)) return;
      const child = [...path, pe];
      walk(item, t.element, child, set);
      set.insert(child);
    });
    return;
  }
  if (t.atomic) {
    set.insert(path);
    return;
  }
  if (!isJsonObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const declared = t.fields.get(key);
    const childType = declared ?? t.element;
    if (!childType) throw new Error(`${printable(path)}.${key}: field not declared in schema`);
    const child = [...path, fieldElement(key)];
    walk(v, childType, child, set);
    if (v === null || (isJsonObject(v) && Object.keys(v).length === 0) || !declared) set.insert(child);
  }
}

function printable(path: readonly PathElement[]): string {
  return path.map((pe) => (pe.startsWith('f:') ? `.${pe.slice(2)}` : `[${pe.slice(2)}]`)).join('');
}
