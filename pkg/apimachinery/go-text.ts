// Go's text conventions that upstream Kubernetes messages depend on. Error texts built with `%q`, `%v` of a
// float64, `json.Marshal` or a byte-wise sort only match upstream if we print and order exactly as Go does.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
};

/** A JS string as Go sees it after UTF-8 decoding: lone surrogates become U+FFFD. */
function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrint(ch: string): boolean {
  return ch === ' ' || PRINTABLE.test(ch);
}

/** Go's `strconv.Quote` (what `%q` prints for a string). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of wellFormed(s)) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') {
      out += `\\${ch}`;
    } else if (isPrint(ch)) {
      out += ch;
    } else if (SHORT_ESCAPES[cp] !== undefined) {
      out += SHORT_ESCAPES[cp];
    } else if (cp < 0x20 || cp === 0x7f) {
      out += `\\x${cp.toString(16).padStart(2, '0')}`;
    } else if (cp < 0x10000) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else {
      out += `\\U${cp.toString(16).padStart(8, '0')}`;
    }
  }
  return `${out}"`;
}

/**
 * What `%v` prints for a float64: the shortest round-trip digits, in exponent form when the decimal exponent is
 * below -4 or at least 6 (`1e+06`, `1.5e-05`), otherwise in plain form (`0.5`, `123456`).
 */
export function goFormatFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  const [mantissa = '0', exponent = '0'] = n.toExponential().split('e');
  const exp = Number(exponent);
  if (exp < -4 || exp >= 6) {
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return Object.is(n, -0) ? '-0' : String(n);
}

function marshalString(s: string): string {
  return JSON.stringify(wellFormed(s))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function hasToJSON(v: object): v is { toJSON(): unknown } {
  return typeof (v as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * Go's `json.Marshal` of a decoded JSON value: object keys sorted (Go maps), `<`, `>`, `&`, U+2028 and U+2029
 * escaped, `undefined` as `null`. Typed Go structs keep declaration order instead; we only ever see maps.
 */
export function goJsonMarshal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return marshalString(v);
    case 'bigint':
      return v.toString();
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      break;
    default:
      return 'null';
  }
  if (hasToJSON(v)) return goJsonMarshal(v.toJSON());
  if (Array.isArray(v)) return `[${v.map((item: unknown) => goJsonMarshal(item)).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => goCompareStrings(a, b));
  return `{${entries.map(([key, value]) => `${marshalString(key)}:${goJsonMarshal(value)}`).join(',')}}`;
}

function codePointAt(s: string, i: number): number {
  const cp = s.codePointAt(i) ?? 0;
  return cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
}

/** Go's string order (byte-wise over UTF-8), which is code-point order, not JS's UTF-16 code-unit order. */
export function goCompareStrings(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = codePointAt(a, i);
    const cb = codePointAt(b, j);
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  const restA = a.length - i;
  const restB = b.length - j;
  return restA === restB ? 0 : restA < restB ? -1 : 1;
}

/** Length in bytes of the UTF-8 encoding, which is what Go's `len(s)` counts. */
export function goByteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
