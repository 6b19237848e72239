import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { FieldPath, invalid, notSupported, required, tooLong, tooMany, typeInvalid, type FieldError } from '../apimachinery/field-errors.js';

/** A structural schema as ajv should see it; richer schema types are assignable. */
export type ValidationSchema = object;

/** Rewrites the Kubernetes extensions ajv does not know into plain JSON Schema (int-or-string → anyOf). */
function toAjv(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toAjv);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'default' || k === 'example' || k === 'enum') out[k] = v;
    else if (k === 'properties' || k === 'patternProperties') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([name, s]) => [name, toAjv(s)]));
    } else out[k] = toAjv(v);
  }
  // OpenAPI 3.0 boolean exclusive bounds → JSON Schema numeric ones.
  if (out.exclusiveMinimum === true) {
    out.exclusiveMinimum = out.minimum;
    delete out.minimum;
  } else if (out.exclusiveMinimum === false) delete out.exclusiveMinimum;
  if (out.exclusiveMaximum === true) {
    out.exclusiveMaximum = out.maximum;
    delete out.maximum;
  } else if (out.exclusiveMaximum === false) delete out.exclusiveMaximum;
  if (out['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  // The ObjectMeta is validated by its own rules, not by the schema (CRDs may only say `type: object` for it).
  return out;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** JSON pointer → field path, using the data to tell list indexes from map keys. */
function toFieldPath(pointer: string, data: unknown): { path: FieldPath | null; text: string; value: unknown } {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let path: FieldPath | null = null;
  let value: unknown = data;
  for (const part of parts) {
    if (Array.isArray(value)) {
      path = path ? path.index(Number(part)) : FieldPath.of(`[${part}]`);
      value = value[Number(part)];
    } else {
      path = path ? path.child(part) : FieldPath.of(part);
      value = (value as Record<string, unknown> | undefined)?.[part];
    }
  }
  return { path, text: path ? path.toString() : '', value };
}

/** One ajv error as kube-apiserver's OpenAPI validation words it (`spec.replicas in body should be …`). */
function toFieldError(e: ErrorObject, data: unknown, root: string): FieldError | undefined {
  const found = toFieldPath(e.instancePath, data);
  const { path, value } = found;
  const text = root && (found.text === root || found.text.startsWith(`${root}.`)) ? found.text.slice(root.length + 1) : found.text;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type': {
      const expected = String(p.type);
      return typeInvalid(path, typeName(value), `${text} in body must be of type ${expected}: "${typeName(value)}"`);
    }
    case 'required': {
      const missing = String(p.missingProperty);
      return required(path ? path.child(missing) : FieldPath.of(missing), '');
    }
    case 'enum':
      return notSupported(path, value, ((p.allowedValues as unknown[]) ?? []).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))));
    case 'minimum':
      return invalid(path, value, `${text} in body should be greater than or equal to ${String(p.limit)}`);
    case 'exclusiveMinimum':
      return invalid(path, value, `${text} in body should be greater than ${String(p.limit)}`);
    case 'maximum':
      return invalid(path, value, `${text} in body should be less than or equal to ${String(p.limit)}`);
    case 'exclusiveMaximum':
      return invalid(path, value, `${text} in body should be less than ${String(p.limit)}`);
    case 'pattern':
      return invalid(path, value, `${text} in body should match '${String(p.pattern)}'`);
    case 'minLength':
      return invalid(path, value, `${text} in body should be at least ${String(p.limit)} chars long`);
    case 'maxLength':
      return tooLong(path, Number(p.limit));
    case 'maxItems':
      return tooMany(path, Array.isArray(value) ? value.length : -1, Number(p.limit));
    case 'minItems':
      return invalid(path, value, `${text} in body should have at least ${String(p.limit)} items`);
    case 'maxProperties':
      return tooMany(path, typeof value === 'object' && value ? Object.keys(value).length : -1, Number(p.limit));
    case 'minProperties':
      return invalid(path, value, `${text} in body should have at least ${String(p.limit)} properties`);
    case 'format':
      return invalid(path, value, `${text} in body must be of type ${String(p.format)}: ${JSON.stringify(value)}`);
    case 'anyOf':
    case 'oneOf':
      return undefined; // the branch errors say what is wrong
    default:
      return invalid(path, value, `${text} in body ${e.message ?? 'is invalid'}`);
  }
}

/** Compiles a resource's schema once and validates objects against it, answering Kubernetes field errors. */
export class SchemaValidator {
  private static readonly ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  private readonly validateFn: ValidateFunction;

  constructor(schema: ValidationSchema) {
    this.validateFn = SchemaValidator.ajv.compile(toAjv(schema) as object);
  }

  /**
   * Field errors sorted by field path, as upstream lists them. Never throws for bad data. `root` names the field
   * the messages' "in body" paths start from (`status` for the status subresource, which validates its status alone).
   */
  validate(object: unknown, root = ''): FieldError[] {
    if (this.validateFn(object)) return [];
    const errors = (this.validateFn.errors ?? []).map((e) => toFieldError(e, object, root)).filter((e): e is FieldError => e !== undefined);
    const seen = new Set<string>();
    return errors
      .filter((e) => {
        const key = e.toString();
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  }
}
