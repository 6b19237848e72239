import { goQuote } from '../apimachinery/go-text.js';

/**
 * One step of a field path, as structured-merge-diff names it in FieldsV1: `f:<field>` (a struct field or map
 * key), `k:<json object>` (an item of a list keyed by fields), `v:<json value>` (an item of a set), `i:<index>`
 * (an item of a list by position). Sets of paths store these encoded strings; this module builds, orders and prints
 * them.
 */
export type PathElement = string;

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** A keyed list item: the key fields sorted by name, as JSON without spaces. */
export function keyElement(key: Readonly<Record<string, unknown>>): PathElement {
  const sorted: Record<string, unknown> = {};
  for (const name of Object.keys(key).sort()) sorted[name] = key[name];
  return `k:${JSON.stringify(sorted)}`;
}

export function valueElement(value: unknown): PathElement {
  return `v:${JSON.stringify(value)}`;
}

export function indexElement(index: number): PathElement {
  return `i:${index}`;
}

/** True when `text` is a well-formed element (used when decoding FieldsV1 from a client). */
export function isPathElement(text: string): boolean {
  const kind = text.slice(0, 2);
  const rest = text.slice(2);
  if (kind === 'f:') return true;
  if (kind === 'i:') return /^(0|[1-9][0-9]*)$/.test(rest);
  if (kind === 'k:' || kind === 'v:') {
    try {
      const v: unknown = JSON.parse(rest);
      return kind === 'v:' || (typeof v === 'object' && v !== null && !Array.isArray(v));
    } catch {
      return false;
    }
  }
  return false;
}

const RANK: Record<string, number> = { 'f:': 0, 'k:': 1, 'v:': 2, 'i:': 3 };

function valueRank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === 'object') return 4;
  return 5;
}

function compareValues(a: unknown, b: unknown): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}

/** The order structured-merge-diff sorts elements in: fields, then keys, then values, then indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const ra = RANK[a.slice(0, 2)] ?? 4;
  const rb = RANK[b.slice(0, 2)] ?? 4;
  if (ra !== rb) return ra - rb;
  const x = a.slice(2);
  const y = b.slice(2);
  if (ra === 3) return Number(x) - Number(y);
  if (ra === 0) return x < y ? -1 : x > y ? 1 : 0;
  const vx: unknown = JSON.parse(x);
  const vy: unknown = JSON.parse(y);
  if (ra === 2) return compareValues(vx, vy);
  const kx = Object.entries(vx as Record<string, unknown>);
  const ky = Object.entries(vy as Record<string, unknown>);
  for (let i = 0; ; i++) {
    if (i >= kx.length && i >= ky.length) return 0;
    if (i >= kx.length) return -1;
    if (i >= ky.length) return 1;
    const [nx, vvx] = kx[i]!;
    const [ny, vvy] = ky[i]!;
    if (nx !== ny) return nx < ny ? -1 : 1;
    const c = compareValues(vvx, vvy);
    if (c !== 0) return c;
  }
}

/** A value as structured-merge-diff prints it inside a path: strings quoted, numbers and booleans bare. */
function printValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (Array.isArray(v)) return `[${v.map(printValue).join(',')}]`;
  if (typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${k}=${printValue((v as Record<string, unknown>)[k])}`)
      .join(';')}}`;
  }
  return String(v);
}

/** `.spec`, `[name="a"]`, `[="x"]`, `[0]`: how a conflict names a path. */
export function printPathElement(pe: PathElement): string {
  const kind = pe.slice(0, 2);
  const rest = pe.slice(2);
  if (kind === 'f:') return `.${rest}`;
  if (kind === 'i:') return `[${rest}]`;
  const v: unknown = JSON.parse(rest);
  if (kind === 'v:') return `[=${printValue(v)}]`;
  return `[${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}=${printValue(x)}`)
    .join(',')}]`;
}

export function printPath(path: readonly PathElement[]): string {
  return path.map(printPathElement).join('');
}
