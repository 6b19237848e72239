// Which of the fields Herd applied to a member object someone changed there since.

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** One RFC 6901 reference token: `~` becomes `~0`, `/` becomes `~1`. */
const escapeToken = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1');

/** Top-level metadata fields that are Herd's to manage; the rest (uid, resourceVersion, managedFields…) are the member's. */
const MANAGED_METADATA = new Set(['labels', 'annotations']);

/**
 * JSON pointers of every leaf of `applied` whose value `live` does not have (a missing field counts). Objects
 * recurse; arrays recurse element-wise when both are arrays of the same length, otherwise the array is one drifted
 * field. Fields only `live` has (server defaults) are not drift; nor are a `null`, an empty object or an empty array
 * in `applied` that `live` leaves out (the member drops empty values). At the top level only metadata.labels and
 * metadata.annotations of metadata are compared, and status never. Numbers compare by value, everything else
 * exactly: quantities are strings, and `500m` differs from `0.5`.
 */
export function driftedFields(applied: unknown, live: unknown): string[] {
  const out: string[] = [];
  if (!isObject(applied)) {
    compare(applied, live, '', out);
    return out;
  }
  const liveObject = isObject(live) ? live : {};
  for (const [key, value] of Object.entries(applied)) {
    if (key === 'status') continue;
    const path = `/${escapeToken(key)}`;
    if (key === 'metadata' && isObject(value)) {
      const liveMeta = isObject(liveObject.metadata) ? liveObject.metadata : {};
      for (const [field, fieldValue] of Object.entries(value)) {
        if (MANAGED_METADATA.has(field)) compare(fieldValue, liveMeta[field], `${path}/${escapeToken(field)}`, out);
      }
      continue;
    }
    compare(value, liveObject[key], path, out);
  }
  return out;
}

function compare(applied: unknown, live: unknown, path: string, out: string[]): void {
  if (applied === undefined) return;
  if (applied === null) {
    if (live !== undefined && live !== null) out.push(path);
    return;
  }
  if (Array.isArray(applied)) {
    if (applied.length === 0 && (live === undefined || live === null)) return;
    if (!Array.isArray(live) || live.length !== applied.length) {
      out.push(path);
      return;
    }
    applied.forEach((item, i) => compare(item, live[i], `${path}/${i}`, out));
    return;
  }
  if (isObject(applied)) {
    const entries = Object.entries(applied);
    if (entries.length === 0) {
      if (live !== undefined && live !== null && !isObject(live)) out.push(path);
      return;
    }
    const liveObject = isObject(live) ? live : {};
    for (const [key, value] of entries) compare(value, liveObject[key], `${path}/${escapeToken(key)}`, out);
    return;
  }
  if (applied !== live) out.push(path);
}
