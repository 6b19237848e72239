// Field paths and field-level validation errors, mirroring apimachinery pkg/util/validation/field (path.go,
// errors.go). Messages are built exactly as upstream builds them, because clients (kubectl above all) print them.
import { goFormatFloat, goJsonMarshal, goQuote } from './go-text.js';

/** A path from the object root to a field: `spec.template.containers[0].image`, `metadata.labels[app]`. */
export class FieldPath {
  private constructor(
    private readonly parent: FieldPath | null,
    private readonly name: string,
    private readonly subscript: string,
  ) {}

  /** A root path, optionally with more child names (`field.NewPath`). */
  static of(name: string, ...moreNames: string[]): FieldPath {
    return FieldPath.chain(null, name, moreNames);
  }

  private static chain(parent: FieldPath | null, name: string, moreNames: readonly string[]): FieldPath {
    let path = new FieldPath(parent, name, '');
    for (const next of moreNames) path = new FieldPath(path, next, '');
    return path;
  }

  child(name: string, ...moreNames: string[]): FieldPath {
    return FieldPath.chain(this, name, moreNames);
  }

  /** Subscripts the path with a list index: `containers[0]`. */
  index(i: number): FieldPath {
    return new FieldPath(this, '', String(Math.trunc(i)));
  }

  /** Subscripts the path with a map key, printed raw: `labels[app]`. */
  key(key: string): FieldPath {
    return new FieldPath(this, '', key);
  }

  toString(): string {
    const elems: FieldPath[] = [];
    for (let p: FieldPath | null = this; p !== null; p = p.parent) elems.unshift(p);
    let out = '';
    for (const p of elems) {
      if (p.parent !== null && p.name.length > 0) out += '.';
      out += p.name.length > 0 ? p.name : `[${p.subscript}]`;
    }
    return out;
  }
}

/** Shorthand for `FieldPath.of`, read like upstream's `field.NewPath("spec", "replicas")`. */
export function newPath(name: string, ...moreNames: string[]): FieldPath {
  return FieldPath.of(name, ...moreNames);
}

/** Upstream `field.ErrorType`; also the `reason` of the matching `details.causes[]` entry. */
export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTooFew'
  | 'InternalError'
  | 'FieldValueTypeInvalid'
  | 'FieldValueTooShort';

const TYPE_TEXT: Readonly<Record<FieldErrorType, string>> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTooFew: 'Too few',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueTooShort: 'Too short',
};

/** Types whose message never shows the bad value. */
const VALUE_HIDDEN: ReadonlySet<FieldErrorType> = new Set<FieldErrorType>([
  'FieldValueRequired',
  'FieldValueForbidden',
  'FieldValueTooLong',
  'FieldValueTooShort',
  'InternalError',
]);

/** Marks a bad value that must not be printed (upstream `omitValue`). */
export const OMITTED_VALUE: unique symbol = Symbol('omitted value');

/** How upstream prints a bad value: `%v` for numbers and booleans, `%q` for strings, JSON for anything else. */
function formatValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return goQuote(value);
    case 'number':
      return Number.isSafeInteger(value) ? String(value) : goFormatFloat(value);
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      return goJsonMarshal(value);
  }
}

/** One field-level validation error. Build it with the constructors below, never directly. */
export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    /** The rendered path; `<nil>` when the error was raised without a path, as upstream prints it. */
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  /** The message without the field (upstream `ErrorBody`); also `details.causes[].message`. */
  errorBody(): string {
    let body = TYPE_TEXT[this.type];
    if (!VALUE_HIDDEN.has(this.type) && this.badValue !== OMITTED_VALUE) {
      body += `: ${formatValue(this.badValue)}`;
    }
    return this.detail.length > 0 ? `${body}: ${this.detail}` : body;
  }

  /** `spec.replicas: Invalid value: -1: must be greater than or equal to 0`. */
  toString(): string {
    return `${this.field}: ${this.errorBody()}`;
  }
}

type PathArg = FieldPath | null;

function pathText(path: PathArg): string {
  return path === null ? '<nil>' : path.toString();
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

export function required(path: PathArg, detail = ''): FieldError {
  return new FieldError('FieldValueRequired', pathText(path), '', detail);
}

export function invalid(path: PathArg, value: unknown, detail: string): FieldError {
  return new FieldError('FieldValueInvalid', pathText(path), value, detail);
}

export function typeInvalid(path: PathArg, value: unknown, detail: string): FieldError {
  return new FieldError('FieldValueTypeInvalid', pathText(path), value, detail);
}

/** `Unsupported value: "x": supported values: "a", "b"`. */
export function notSupported(path: PathArg, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map((v) => goQuote(v)).join(', ')}` : '';
  return new FieldError('FieldValueNotSupported', pathText(path), value, detail);
}

export function duplicate(path: PathArg, value: unknown): FieldError {
  return new FieldError('FieldValueDuplicate', pathText(path), value, '');
}

export function notFound(path: PathArg, value: unknown): FieldError {
  return new FieldError('FieldValueNotFound', pathText(path), value, '');
}

export function forbidden(path: PathArg, detail: string): FieldError {
  return new FieldError('FieldValueForbidden', pathText(path), '', detail);
}

/** Too long in bytes; the value itself is never shown. A negative maximum gives the generic text. */
export function tooLong(path: PathArg, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} ${plural(maxLength, 'byte', 'bytes')}` : 'value is too long';
  return new FieldError('FieldValueTooLong', pathText(path), '<value omitted>', detail);
}

/** Too long in characters (upstream `TooLongCharacters`). */
export function tooLongCharacters(path: PathArg, maxLength: number): FieldError {
  const unit = plural(maxLength, 'character', 'characters');
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} ${unit}` : 'value is too long';
  return new FieldError('FieldValueTooLong', pathText(path), '<value omitted>', detail);
}

export function tooShort(path: PathArg, value: string, minLength: number): FieldError {
  const unit = plural(minLength, 'character', 'characters');
  const detail = minLength >= 0 ? `must be at least ${minLength} ${unit}` : 'value is too short';
  return new FieldError('FieldValueTooShort', pathText(path), value, detail);
}

/** A list with too many items; a negative actual quantity is left out of the message. */
export function tooMany(path: PathArg, actualQuantity: number, maxQuantity: number): FieldError {
  const detail = maxQuantity >= 0 ? `must have at most ${maxQuantity} ${plural(maxQuantity, 'item', 'items')}` : 'has too many items';
  return new FieldError('FieldValueTooMany', pathText(path), actualQuantity >= 0 ? actualQuantity : OMITTED_VALUE, detail);
}

export function tooFew(path: PathArg, actualQuantity: number, minQuantity: number): FieldError {
  const detail = minQuantity >= 0 ? `must have at least ${minQuantity} ${plural(minQuantity, 'item', 'items')}` : 'has too few items';
  return new FieldError('FieldValueTooFew', pathText(path), actualQuantity, detail);
}

/** An error not caused by user input. */
export function internalError(path: PathArg, err: Error): FieldError {
  return new FieldError('InternalError', pathText(path), err, err.message);
}

/**
 * The text of `ErrorList.ToAggregate().Error()`: duplicates dropped, one message bare, several as `[a, b]`.
 * Undefined for an empty list (upstream returns a nil aggregate).
 */
export function toAggregateMessage(errors: readonly FieldError[]): string | undefined {
  const unique = [...new Set(errors.map((e) => e.toString()))];
  if (unique.length === 0) return undefined;
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}
