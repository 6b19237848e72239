/**
 * The part of `source` that has the shape of `shape`: for each field `shape` sets, the value `source` has there
 * (objects recurse; arrays recurse element-wise when both have the same length). Herd keeps the projection of its
 * rendered object onto the member's answer to an apply: the values as the member normalised them (quantities,
 * defaults inside the fields Herd sets), which later reads must still show unless someone changed them.
 */
export function appliedProjection(shape: unknown, source: unknown): unknown {
  if (Array.isArray(shape)) {
    if (!Array.isArray(source) || source.length !== shape.length) return source;
    return shape.map((item, i) => appliedProjection(item, source[i]));
  }
  if (shape !== null && typeof shape === 'object') {
    if (source === null || typeof source !== 'object' || Array.isArray(source)) return source;
    const out: Record<string, unknown> = {};
    const from = source as Record<string, unknown>;
    for (const [key, value] of Object.entries(shape)) {
      if (key in from) out[key] = appliedProjection(value, from[key]);
    }
    return out;
  }
  return source;
}
