import { listItemElement } from './list-item-element.js';
import { isJsonObject, resolveType, type ListType, type MapType, type MergeType } from './merge-type.js';
import type { PathElement } from './path-element.js';

/**
 * Merges an applied configuration (`rhs`) into the live object (`lhs`), as structured-merge-diff does: leaves and
 * atomic nodes take the configuration's value; maps merge key by key; associative lists merge item by item,
 * keeping live items the configuration does not name and placing the configuration's items in its own order.
 * Returns undefined when nothing is left.
 */
export function mergeValues(lhs: unknown, rhs: unknown, type: MergeType): unknown {
  const tl = resolveType(type, lhs);
  const tr = resolveType(type, rhs);
  if (rhs === undefined) return visit(lhs, rhs, tl);
  return visit(lhs, rhs, lhs === undefined || tl === tr ? tr : tr);
}

function leaf(lhs: unknown, rhs: unknown): unknown {
  return rhs !== undefined ? rhs : lhs;
}

function visit(lhs: unknown, rhs: unknown, t: ReturnType<typeof resolveType>): unknown {
  if (t.kind === 'scalar') return leaf(lhs, rhs);
  if (t.kind === 'list') {
    const l = Array.isArray(lhs) ? lhs : undefined;
    const r = Array.isArray(rhs) ? rhs : undefined;
    if (t.relationship === 'atomic' || ((!l || l.length === 0) && (!r || r.length === 0))) return leaf(lhs, rhs);
    const out = mergeList(t, l ?? [], r ?? []);
    return out.length > 0 ? out : undefined;
  }
  const l = isJsonObject(lhs) ? lhs : undefined;
  const r = isJsonObject(rhs) ? rhs : undefined;
  const lEmpty = !l || Object.keys(l).length === 0;
  const rEmpty = !r || Object.keys(r).length === 0;
  if (t.atomic || (lEmpty && rEmpty)) return leaf(lhs, rhs);
  const out = mergeMap(t, l ?? {}, r ?? {});
  return Object.keys(out).length > 0 ? out : undefined;
}

function mergeMap(t: MapType, l: Record<string, unknown>, r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(l), ...Object.keys(r)])) {
    const childType = t.fields.get(key) ?? t.element;
    const lv = key in l ? l[key] : undefined;
    const rv = key in r ? r[key] : undefined;
    const merged = childType ? mergeValues(lv, rv, childType) : leaf(lv, rv);
    if (merged !== undefined) out[key] = merged;
  }
  return out;
}

/**
 * Item order: live items keep their places, except that items both sides have follow the configuration's order;
 * items only the configuration has go where the configuration puts them relative to the shared ones.
 */
function mergeList(t: ListType, l: readonly unknown[], r: readonly unknown[]): unknown[] {
  const rPEs: PathElement[] = [];
  const rObserved = new Map<PathElement, unknown>();
  r.forEach((item) => {
    const pe = listItemElement(t, item);
    if (rObserved.has(pe)) throw new Error(`duplicate entries for key ${pe}`);
    rObserved.set(pe, item);
    rPEs.push(pe);
  });
  const lPEs: PathElement[] = [];
  const lObserved = new Map<PathElement, unknown>();
  l.forEach((item) => {
    const pe = listItemElement(t, item);
    // A duplicated live item merges as if absent (null), as upstream does.
    lObserved.set(pe, lObserved.has(pe) ? null : item);
    lPEs.push(pe);
  });
  const shared = rPEs.filter((pe) => lObserved.has(pe));
  let next = 0;
  const nextShared = (): PathElement | undefined => shared[next];
  const mergedR = new Set<PathElement>();
  const out: unknown[] = [];
  const push = (v: unknown): void => {
    if (v !== undefined) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < lPEs.length || ri < rPEs.length) {
    if (li < lPEs.length && ri < rPEs.length) {
      const pe = lPEs[li]!;
      if (pe === rPEs[ri]) {
        mergedR.add(pe);
        push(mergeValues(lObserved.get(pe), rObserved.get(pe), t.element));
        li++;
        ri++;
        next++;
        continue;
      }
      if (rObserved.has(pe) && nextShared() !== undefined && nextShared() !== pe) {
        li++;
        continue;
      }
    }
    if (li < lPEs.length) {
      const pe = lPEs[li]!;
      if (!rObserved.has(pe)) {
        push(mergeValues(l[li], undefined, t.element));
        li++;
        continue;
      } else if (mergedR.has(pe)) {
        li++;
      }
    }
    if (ri < rPEs.length) {
      const pe = rPEs[ri]!;
      mergedR.add(pe);
      push(mergeValues(lObserved.get(pe), rObserved.get(pe), t.element));
      ri++;
      if (nextShared() === pe) next++;
    }
  }
  return out;
}
