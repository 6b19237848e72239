import { FieldSet } from './field-set.js';
import type { MergeType } from './merge-type.js';

/**
 * The set plus every declared struct field that has something below it in the set. Sets leave such fields out
 * (their children imply them); removal needs them in, so that pruning a struct's last owned field prunes the struct.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, type: MergeType): FieldSet {
  const out = new FieldSet();
  for (const m of set.members) out.members.add(m);
  for (const [pe, child] of set.children) {
    let childType: MergeType | undefined;
    if (type.kind === 'map') {
      const name = pe.startsWith('f:') ? pe.slice(2) : undefined;
      const declared = name !== undefined ? type.fields.get(name) : undefined;
      if (declared) out.members.add(pe);
      childType = declared ?? type.element;
    } else if (type.kind === 'list') {
      childType = type.element;
    }
    const named = childType ? ensureNamedFieldsAreMembers(child, childType) : child.clone();
    if (!named.empty()) out.children.set(pe, named);
  }
  return out;
}
