// Field selectors (`?fieldSelector=metadata.name=x,status.phase!=Done`), mirroring apimachinery
// pkg/fields/selector.go: terms split on unescaped commas and evaluated in sorted order, `=`/`==`/`!=` operators,
// `\\`, `\,` and `\=` escapes in values, and a missing field compared as the empty string.
import { goCompareStrings, goQuote } from './go-text.js';
import { newBadRequest, type StatusError } from './status-error.js';

export interface FieldRequirement {
  readonly field: string;
  /** `==` is folded into `=`, as upstream does. */
  readonly operator: '=' | '!=';
  /** Unescaped. */
  readonly value: string;
}

export interface FieldSelector {
  /** In upstream's evaluation order (terms sorted as written). Empty for a selector that matches everything. */
  readonly requirements: readonly FieldRequirement[];
  matches(fields: Readonly<Record<string, string>>): boolean;
  empty(): boolean;
  /** Distinct field names used, in requirement order; check them against what the resource supports. */
  fieldNames(): string[];
  /** The value demanded by the first `field=value` term on field (`kubectl get -w <name>` sends metadata.name). */
  requiresExactMatch(field: string): string | undefined;
  /** Upstream's form: `a=b,c!=d`, values re-escaped. */
  toString(): string;
}

/** Upstream `EscapeValue`: backslash, comma and equals sign get a backslash. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (ch) => `\\${ch}`);
}

/** Thrown for a malformed selector; `parseFieldSelector` turns it into a 400 BadRequest. */
class FieldSelectorSyntaxError extends Error {}

/** Upstream `UnescapeValue`; an unescaped `,`/`=` is reported by code point, as Go's `%v` of a rune prints it. */
function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const ch of s) {
    if (inSlash) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') {
        throw new FieldSelectorSyntaxError(`invalid field selector: invalid escape sequence: \\${ch}`);
      }
      out += ch;
      inSlash = false;
    } else if (ch === '\\') {
      inSlash = true;
    } else if (ch === ',' || ch === '=') {
      throw new FieldSelectorSyntaxError(`invalid field selector: unescaped character in value: ${ch.codePointAt(0) ?? 0}`);
    } else {
      out += ch;
    }
  }
  if (inSlash) throw new FieldSelectorSyntaxError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas that are not escaped; a backslash escapes whatever follows it. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (inSlash) inSlash = false;
    else if (ch === '\\') inSlash = true;
    else if (ch === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator from the left wins; at one position `!=` and `==` are tried before `=`. */
function splitTerm(term: string): [string, '=' | '!=', string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op === '!=' ? '!=' : '=', term.slice(i + op.length)];
    }
  }
  return undefined;
}

function makeSelector(requirements: readonly FieldRequirement[]): FieldSelector {
  return {
    requirements,
    matches: (fields) =>
      requirements.every((r) => {
        const actual = Object.hasOwn(fields, r.field) ? fields[r.field] : '';
        return r.operator === '=' ? actual === r.value : actual !== r.value;
      }),
    empty: () => requirements.length === 0,
    fieldNames: () => [...new Set(requirements.map((r) => r.field))],
    requiresExactMatch: (field) => requirements.find((r) => r.field === field && r.operator === '=')?.value,
    toString: () => requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(','),
  };
}

/** Matches everything. */
export const everythingFieldSelector: FieldSelector = makeSelector([]);

/**
 * Parses `?fieldSelector=` (upstream `fields.ParseSelector`). Throws a 400 BadRequest with upstream's text, e.g.
 * `invalid selector: 'a'; can't understand 'a'`. A term with neither field nor value (`=`) matches everything
 * and is dropped, as upstream's transform step drops it.
 */
export function parseFieldSelector(input: string): FieldSelector {
  const parts = splitTerms(input).sort(goCompareStrings);
  const requirements: FieldRequirement[] = [];
  try {
    for (const part of parts) {
      if (part === '') continue;
      const split = splitTerm(part);
      if (split === undefined) throw new FieldSelectorSyntaxError(`invalid selector: '${input}'; can't understand '${part}'`);
      const [field, operator, rawValue] = split;
      const value = unescapeFieldValue(rawValue);
      if (field !== '' || value !== '') requirements.push({ field, operator, value });
    }
  } catch (e) {
    if (e instanceof FieldSelectorSyntaxError) throw newBadRequest(e.message);
    throw e;
  }
  return makeSelector(requirements);
}

/** 400 `field label not supported: <field>`: what CRDs and built-in types answer for an unknown field. */
export function newFieldLabelNotSupported(field: string): StatusError {
  return newBadRequest(`field label not supported: ${field}`);
}

/**
 * 400 for a type without its own field-label conversion (apimachinery pkg/runtime/conversion.go
 * DefaultMetaV1FieldSelectorConversion): `"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"`.
 */
export function newUnknownFieldSelector(field: string): StatusError {
  return newBadRequest(`${goQuote(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
}

/**
 * Rejects the first field (in upstream's evaluation order) that is not in `supported`, with
 * `newFieldLabelNotSupported` unless another error builder is given. A cluster-scoped CRD does not support
 * `metadata.namespace`; leave it out of `supported` for such resources.
 */
export function requireSupportedFields(
  selector: FieldSelector,
  supported: readonly string[],
  reject: (field: string) => StatusError = newFieldLabelNotSupported,
): void {
  const unsupported = selector.requirements.find((r) => !supported.includes(r.field));
  if (unsupported !== undefined) throw reject(unsupported.field);
}
