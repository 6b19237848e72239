/**
 * The half-open key range [prefix, end) holding every key that starts with `prefix`, for backends that scan
 * ordered keys (sqlite's B-tree, etcd's `WithRange`). `end` is the prefix with its last code point incremented, so
 * it is correct for byte-wise (UTF-8) ordering as well as for JavaScript's; an empty prefix spans every key.
 */
export interface KeyRange {
  readonly start: string;
  readonly end: string;
}

const MAX_CODE_POINT = 0x10ffff;

export function prefixRange(prefix: string): KeyRange {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop() as string;
    let next = (last.codePointAt(0) as number) + 1;
    if (next === 0xd800) next = 0xe000; // skip the surrogate block, which is not a character
    if (next <= MAX_CODE_POINT) return { start: prefix, end: points.join('') + String.fromCodePoint(next) };
  }
  return { start: prefix, end: String.fromCodePoint(MAX_CODE_POINT).repeat(2) };
}
