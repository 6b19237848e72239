import { invalidObject } from './storage-error.js';

/**
 * Reads the few metadata fields storage needs straight from an object's JSON text and stamps
 * `metadata.resourceVersion` into it, without `JSON.parse` + `JSON.stringify` of the whole object.
 *
 * The scanner walks the top-level members only until it reaches `metadata` (the registry writes `apiVersion`,
 * `kind`, `metadata` first, so `spec` and `status` are never read), then the members of `metadata`, skipping values
 * by matching brackets and strings. It assumes well-formed JSON, as `JSON.stringify` produces; it checks the
 * structure it walks and reports InvalidObject when that is not an object with a `metadata` object and a string
 * `metadata.name`. Stamping changes only the `resourceVersion` value (or inserts the member at the end of
 * `metadata`); every other byte of the text is kept.
 */
export interface ScannedObject {
  readonly name: string;
  /** "" when absent or null. */
  readonly namespace: string;
  /** The `metadata.labels` value as JSON text; "{}" when absent or null. */
  readonly labels: string;
  /** The text before and after the resourceVersion digits; `before + rv + after` is the stamped object. */
  readonly before: string;
  readonly after: string;
}

const QUOTE = 34; // "
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

/** Scans `json` (the object to be stored under `key`, used in error messages). */
export function scanObjectJson(key: string, json: string): ScannedObject {
  try {
    return scan(key, json);
  } catch (err) {
    if (err instanceof SyntaxError) throw invalidObject(key, `malformed JSON string: ${err.message}`);
    throw err;
  }
}

function scan(key: string, json: string): ScannedObject {
  const fail = (why: string): never => {
    throw invalidObject(key, why);
  };
  let metadata: { start: number; end: number } | undefined;
  const top = skipWhitespace(json, 0);
  if (json.charCodeAt(top) !== OPEN_BRACE) fail('not a JSON object');
  walkMembers(json, top, fail, (name, start, end) => {
    if (name !== 'metadata') return true;
    metadata = { start, end };
    return false;
  });
  if (metadata === undefined) return fail('no metadata');
  if (json.charCodeAt(metadata.start) !== OPEN_BRACE) fail('metadata is not an object');

  let name: string | undefined;
  let namespace = '';
  let labels = '{}';
  let rv: { start: number; end: number } | undefined;
  let members = 0;
  walkMembers(json, metadata.start, fail, (member, start, end) => {
    members++;
    switch (member) {
      case 'name':
        name = stringValue(json, start, end);
        break;
      case 'namespace':
        namespace = stringValue(json, start, end) ?? (isNull(json, start) ? '' : fail('metadata.namespace is not a string'));
        break;
      case 'labels':
        if (json.charCodeAt(start) === OPEN_BRACE) labels = json.slice(start, end);
        else if (!isNull(json, start)) fail('metadata.labels is not an object');
        break;
      case 'resourceVersion':
        rv = { start, end };
        break;
    }
    return true;
  });
  if (name === undefined || name === '') return fail('metadata.name is not a non-empty string');

  if (rv !== undefined) {
    return { name, namespace, labels, before: json.slice(0, rv.start) + '"', after: '"' + json.slice(rv.end) };
  }
  // Insert as the last member of metadata: just before its closing brace.
  const close = metadata.end - 1;
  const member = members === 0 ? '"resourceVersion":"' : ',"resourceVersion":"';
  return { name, namespace, labels, before: json.slice(0, close) + member, after: '"' + json.slice(close) };
}

/** The object text with `metadata.resourceVersion` set to `resourceVersion`. */
export function stampResourceVersion(scanned: ScannedObject, resourceVersion: string): string {
  return scanned.before + resourceVersion + scanned.after;
}

/**
 * Calls `visit(name, valueStart, valueEnd)` for each member of the object starting at `open` until it returns
 * false. Returns the index just past the object's closing brace, or -1 when the walk was stopped early.
 */
function walkMembers(
  s: string,
  open: number,
  fail: (why: string) => never,
  visit: (name: string, start: number, end: number) => boolean,
): number {
  let i = skipWhitespace(s, open + 1);
  if (s.charCodeAt(i) === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (s.charCodeAt(i) !== QUOTE) fail(`expected a member name at offset ${i}`);
    const nameEnd = endOfString(s, i);
    if (nameEnd < 0) fail('unterminated string');
    const name = decodeString(s, i, nameEnd);
    i = skipWhitespace(s, nameEnd);
    if (s.charCodeAt(i) !== COLON) fail(`expected ':' at offset ${i}`);
    const start = skipWhitespace(s, i + 1);
    const end = endOfValue(s, start);
    if (end < 0) fail(`malformed value at offset ${start}`);
    if (!visit(name, start, end)) return -1;
    i = skipWhitespace(s, end);
    const c = s.charCodeAt(i);
    if (c === CLOSE_BRACE) return i + 1;
    if (c !== COMMA) fail(`expected ',' or '}' at offset ${i}`);
    i = skipWhitespace(s, i + 1);
  }
}

function skipWhitespace(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
}

/** `i` is at an opening quote; returns the index after the closing one, or -1. */
function endOfString(s: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = s.indexOf('"', from);
    if (q < 0) return -1;
    let backslashes = 0;
    while (s.charCodeAt(q - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** `i` is at the first character of a value; returns the index after it, or -1. */
function endOfValue(s: string, i: number): number {
  const first = s.charCodeAt(i);
  if (first === QUOTE) return endOfString(s, i);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c === QUOTE) {
        const end = endOfString(s, j);
        if (end < 0) return -1;
        j = end - 1;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === 32 || c === 10 || c === 13 || c === 9) break;
  }
  return j > i ? j : -1;
}

function decodeString(s: string, start: number, end: number): string {
  const raw = s.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(s.slice(start, end)) as string) : raw;
}

function stringValue(s: string, start: number, end: number): string | undefined {
  return s.charCodeAt(start) === QUOTE ? decodeString(s, start, end) : undefined;
}

function isNull(s: string, start: number): boolean {
  return s.startsWith('null', start);
}
