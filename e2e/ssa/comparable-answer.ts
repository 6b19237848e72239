type Json = Record<string, unknown>;

/** JSON with every object's keys sorted, so equal values print equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

/**
 * What must be equal between two servers' answers: for an object, everything but uid, resourceVersion, creation
 * time and managed-field times, with managedFields as a set; for a Status, code, reason, message and the set of
 * causes.
 */
export function comparableAnswer(status: number, json: Json): unknown {
  if (json.kind === 'Status') {
    const details = (json.details ?? {}) as { causes?: unknown[] };
    return { status, code: json.code, reason: json.reason, message: json.message, causes: (details.causes ?? []).map(canonicalJson).sort() };
  }
  const copy = structuredClone(json);
  const meta = (copy.metadata ?? {}) as Json;
  delete meta.uid;
  delete meta.resourceVersion;
  delete meta.creationTimestamp;
  meta.managedFields = ((meta.managedFields ?? []) as Json[]).map(({ time: _t, ...entry }) => canonicalJson(entry)).sort();
  return { status, object: JSON.parse(canonicalJson(copy)) as unknown };
}
