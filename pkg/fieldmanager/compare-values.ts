import { FieldSet } from './field-set.js';
import { listItemElement } from './list-item-element.js';
import { isJsonObject, resolveType, type ListType, type MapType, type MergeType } from './merge-type.js';
import { fieldElement, type PathElement } from './path-element.js';
import { deepEqual } from './deep-equal.js';

/** What changed from one value to another, field by field (structured-merge-diff's Comparison). */
export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

/**
 * Compares two values of one type. Leaves (scalars, atomic lists and maps, lists and maps empty on both sides) are
 * added, removed or modified; a map or list that appears or disappears is itself added or removed too, besides its
 * contents. `undefined` means absent.
 */
export function compareValues(lhs: unknown, rhs: unknown, type: MergeType): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compare(lhs, rhs, type, [], c);
  return c;
}

function compare(lhs: unknown, rhs: unknown, type: MergeType, path: PathElement[], c: Comparison): void {
  const tl = resolveType(type, lhs);
  const tr = resolveType(type, rhs);
  let leaf: boolean;
  if (rhs === undefined) leaf = visit(lhs, rhs, tl, path, c);
  else if (lhs === undefined || tl === tr) leaf = visit(lhs, rhs, tr, path, c);
  else {
    // An untyped value changed shape: both shapes judge the node (a scalar side records it modified, a map or
    // list side records its items added or removed); only the new shape decides whether it was a leaf.
    visit(lhs, rhs, tl, path, c);
    leaf = visit(lhs, rhs, tr, path, c);
  }
  if (!leaf) {
    if (lhs === undefined) c.added.insert(path);
    else if (rhs === undefined) c.removed.insert(path);
  }
}

function doLeaf(lhs: unknown, rhs: unknown, path: PathElement[], c: Comparison): true {
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
  else if (!deepEqual(lhs, rhs)) c.modified.insert(path);
  return true;
}

/** Returns true when the node was handled as a leaf. */
function visit(lhs: unknown, rhs: unknown, t: ReturnType<typeof resolveType>, path: PathElement[], c: Comparison): boolean {
  if (t.kind === 'scalar') return doLeaf(lhs, rhs, path, c);
  if (t.kind === 'list') {
    const l = Array.isArray(lhs) ? lhs : undefined;
    const r = Array.isArray(rhs) ? rhs : undefined;
    if (t.relationship === 'atomic' || ((!l || l.length === 0) && (!r || r.length === 0))) return doLeaf(lhs, rhs, path, c);
    visitList(t, l ?? [], r ?? [], path, c);
    return false;
  }
  const l = isJsonObject(lhs) ? lhs : undefined;
  const r = isJsonObject(rhs) ? rhs : undefined;
  const lEmpty = !l || Object.keys(l).length === 0;
  const rEmpty = !r || Object.keys(r).length === 0;
  if (t.atomic || (lEmpty && rEmpty)) return doLeaf(lhs, rhs, path, c);
  visitMap(t, l ?? {}, r ?? {}, path, c);
  return false;
}

function visitMap(t: MapType, l: Record<string, unknown>, r: Record<string, unknown>, path: PathElement[], c: Comparison): void {
  const keys = new Set([...Object.keys(l), ...Object.keys(r)]);
  for (const key of keys) {
    const childType = t.fields.get(key) ?? t.element;
    if (!childType) continue;
    compare(key in l ? l[key] : undefined, key in r ? r[key] : undefined, childType, [...path, fieldElement(key)], c);
  }
}

function visitList(t: ListType, l: readonly unknown[], r: readonly unknown[], path: PathElement[], c: Comparison): void {
  const order: PathElement[] = [];
  const lValues = new Map<PathElement, unknown[]>();
  for (const item of l) {
    const pe = listItemElement(t, item);
    const seen = lValues.get(pe);
    if (seen) seen.push(item);
    else {
      lValues.set(pe, [item]);
      order.push(pe);
    }
  }
  const rValues = new Map<PathElement, unknown[]>();
  for (const item of r) {
    const pe = listItemElement(t, item);
    const seen = rValues.get(pe);
    if (seen) seen.push(item);
    else {
      rValues.set(pe, [item]);
      if (!lValues.has(pe)) order.push(pe);
    }
  }
  for (const pe of order) {
    const ll = lValues.get(pe) ?? [];
    const rl = rValues.get(pe) ?? [];
    const child = [...path, pe];
    if (ll.length <= 1 && rl.length <= 1) compare(ll[0], rl[0], t.element, child, c);
    else if (ll.length >= 2 && rl.length >= 2) {
      if (ll.length !== rl.length || ll.some((v, i) => !deepEqual(v, rl[i]))) c.modified.insert(child);
    } else if (ll.length >= 2) {
      if (rl.length !== 0) compare(undefined, rl[0], t.element, child, c);
      c.removed.insert(child);
    } else {
      if (ll.length !== 0) compare(ll[0], undefined, t.element, child, c);
      c.added.insert(child);
    }
  }
}
