// The JSONPath subset printer columns use (as CRDs do): field steps (`.spec.replicas`, with `\.` escaping a dot
// in a key), bracketed keys (`['app.kubernetes.io/name']`), indexes (`[0]`, `[-1]`), wildcards (`[*]`, `.*`) and
// filters comparing a field with a literal (`[?(@.type=="Ready")]`, `[?(@.ready)]`). Recursive descent, slices
// and unions are refused when compiled.

type Literal = string | number | boolean;
type FilterOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; path: string[]; op?: FilterOp; value?: Literal };

/** A compiled path: every value it reaches in `root`, in document order. */
export type JSONPathQuery = (root: unknown) => unknown[];

export class JSONPathError extends Error {
  readonly isJSONPathError = true;
}

function readName(src: string, from: number): { name: string; end: number } {
  let name = '';
  let i = from;
  while (i < src.length && src[i] !== '.' && src[i] !== '[') {
    if (src[i] === '\\' && i + 1 < src.length) i++;
    name += src[i];
    i++;
  }
  return { name, end: i };
}

function parseLiteral(text: string, expr: string): Literal {
  const t = text.trim();
  const quoted = /^"(.*)"$|^'(.*)'$/.exec(t);
  if (quoted) return quoted[1] ?? quoted[2] ?? '';
  if (t === 'true' || t === 'false') return t === 'true';
  if (t !== '' && !Number.isNaN(Number(t))) return Number(t);
  throw new JSONPathError(`unsupported filter literal ${t} in ${expr}`);
}

function parseFilter(body: string, expr: string): Step {
  const m = /^@((?:\.[^.=!<>\s]+)+)\s*(?:(==|!=|<=|>=|<|>)\s*(.+))?$/.exec(body.trim());
  if (!m?.[1]) throw new JSONPathError(`unsupported filter ${body} in ${expr}`);
  const path = m[1].split('.').slice(1);
  if (m[2] === undefined) return { kind: 'filter', path };
  return { kind: 'filter', path, op: m[2] as FilterOp, value: parseLiteral(m[3] ?? '', expr) };
}

function parseBracket(src: string, from: number, expr: string): { step: Step; end: number } {
  if (src.startsWith('[?(', from)) {
    const close = src.indexOf(')]', from);
    if (close < 0) throw new JSONPathError(`unterminated filter in ${expr}`);
    return { step: parseFilter(src.slice(from + 3, close), expr), end: close + 2 };
  }
  const close = src.indexOf(']', from);
  if (close < 0) throw new JSONPathError(`unterminated [ in ${expr}`);
  const inner = src.slice(from + 1, close).trim();
  if (inner === '*') return { step: { kind: 'wildcard' }, end: close + 1 };
  const quoted = /^'(.*)'$|^"(.*)"$/.exec(inner);
  if (quoted) return { step: { kind: 'field', name: quoted[1] ?? quoted[2] ?? '' }, end: close + 1 };
  if (/^-?\d+$/.test(inner)) return { step: { kind: 'index', index: Number(inner) }, end: close + 1 };
  throw new JSONPathError(`unsupported subscript [${inner}] in ${expr}`);
}

function parse(expr: string): Step[] {
  let src = expr.trim();
  if (src.startsWith('{') && src.endsWith('}')) src = src.slice(1, -1).trim();
  if (src.startsWith('$')) src = src.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < src.length) {
    if (src[i] === '[') {
      const { step, end } = parseBracket(src, i, expr);
      steps.push(step);
      i = end;
    } else if (src[i] === '.') {
      if (src[i + 1] === '.') throw new JSONPathError(`recursive descent is not supported in ${expr}`);
      if (src[i + 1] === '*') {
        steps.push({ kind: 'wildcard' });
        i += 2;
        continue;
      }
      const { name, end } = readName(src, i + 1);
      if (name === '') throw new JSONPathError(`empty field name in ${expr}`);
      steps.push({ kind: 'field', name });
      i = end;
    } else {
      throw new JSONPathError(`unexpected ${src[i]} at ${i} in ${expr}`);
    }
  }
  return steps;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isObject(v)) return Object.keys(v).sort().map((k) => v[k]);
  return [];
}

function fieldOf(v: unknown, path: readonly string[]): unknown {
  let at = v;
  for (const name of path) at = isObject(at) ? at[name] : undefined;
  return at;
}

function matches(item: unknown, step: Extract<Step, { kind: 'filter' }>): boolean {
  const actual = fieldOf(item, step.path);
  if (step.op === undefined) return actual !== undefined && actual !== null && actual !== false;
  const expected = step.value;
  if (actual === undefined || actual === null) return step.op === '!=';
  if (typeof actual === 'number' && typeof expected === 'number') {
    switch (step.op) {
      case '==': return actual === expected;
      case '!=': return actual !== expected;
      case '<': return actual < expected;
      case '<=': return actual <= expected;
      case '>': return actual > expected;
      case '>=': return actual >= expected;
    }
  }
  const same = String(actual) === String(expected) && typeof actual !== 'object';
  if (step.op === '==') return same;
  if (step.op === '!=') return !same;
  return false;
}

function apply(values: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (step.kind) {
      case 'field':
        if (isObject(v) && step.name in v) out.push(v[step.name]);
        break;
      case 'index':
        if (Array.isArray(v)) {
          const i = step.index < 0 ? v.length + step.index : step.index;
          if (i >= 0 && i < v.length) out.push(v[i]);
        }
        break;
      case 'wildcard':
        out.push(...children(v));
        break;
      case 'filter':
        out.push(...children(v).filter((item) => matches(item, step)));
        break;
    }
  }
  return out;
}

/** Compiles `expr` once; throws a JSONPathError for syntax outside the subset. */
export function compileJSONPath(expr: string): JSONPathQuery {
  const steps = parse(expr);
  return (root) => steps.reduce<unknown[]>((values, step) => apply(values, step), [root]);
}
