import type { FieldSet } from './field-set.js';
import { listItemElement } from './list-item-element.js';
import { isJsonObject, resolveType, type MergeType } from './merge-type.js';
import { fieldElement } from './path-element.js';

/**
 * A copy of `value` without the fields in `toRemove` (and everything below them). As upstream, a map or list
 * left with nothing becomes null rather than disappearing; the schema's null pruning removes those later.
 */
export function removeItems(value: unknown, toRemove: FieldSet, type: MergeType): unknown {
  const t = resolveType(type, value);
  if (t.kind === 'scalar') return value;
  if (t.kind === 'list') {
    if (!Array.isArray(value) || value.length === 0 || t.relationship === 'atomic') return null;
    const out: unknown[] = [];
    for (const item of value) {
      const pe = listItemElement(t, item);
      if (toRemove.members.has(pe)) continue;
      const below = toRemove.withPrefix(pe);
      out.push(below.empty() ? item : removeItems(item, below, t.element));
    }
    return out.length > 0 ? out : null;
  }
  if (!isJsonObject(value) || Object.keys(value).length === 0 || t.atomic) return null;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const pe = fieldElement(key);
    if (toRemove.members.has(pe)) continue;
    const below = toRemove.withPrefix(pe);
    const childType = t.fields.get(key) ?? t.element;
    out[key] = below.empty() || !childType ? v : removeItems(v, below, childType);
  }
  return Object.keys(out).length > 0 ? out : null;
}
