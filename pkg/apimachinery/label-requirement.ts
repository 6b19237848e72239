// One label-selector requirement (`key in (a,b)`, `!key`, `key>3`): construction with upstream's checks
// (apimachinery pkg/labels/selector.go NewRequirement), matching, and upstream's canonical string form.
import { FieldPath, invalid, toAggregateMessage, type FieldError } from './field-errors.js';
import { goCompareStrings } from './go-text.js';
import { labelKeyErrors, labelValueErrors } from './label-validation.js';

/** selection.Operator values as upstream spells them (`!` is DoesNotExist, `gt`/`lt` are `>`/`<`). */
export type LabelOperator = '!' | '=' | '==' | 'in' | '!=' | 'notin' | 'exists' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/**
 * A malformed selector, with upstream's exact text. The selector entry points turn it into a 400 BadRequest;
 * it only escapes from `newLabelRequirement`.
 */
export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

/** Go's strconv.ParseInt(s, 10, 64). */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

function requirementErrors(key: string, op: LabelOperator, values: readonly string[] | null, path: FieldPath | null): FieldError[] {
  const errs: FieldError[] = [];
  const child = (name: string): FieldPath => (path === null ? FieldPath.of(name) : path.child(name));
  const vals = values ?? [];
  const keyErrs = labelKeyErrors(key);
  if (keyErrs.length > 0) errs.push(invalid(child('key'), key, keyErrs.join('; ')));
  const valuesPath = child('values');
  switch (op) {
    case 'in':
    case 'notin':
      if (vals.length === 0) errs.push(invalid(valuesPath, values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push(invalid(valuesPath, values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) errs.push(invalid(valuesPath, values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) errs.push(invalid(valuesPath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(invalid(valuesPath.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
  }
  vals.forEach((v, i) => {
    const valueErrs = labelValueErrors(v);
    if (valueErrs.length > 0) errs.push(invalid(valuesPath.index(i).key(key), v, valueErrs.join('; ')));
  });
  return errs;
}

/**
 * Builds a requirement or throws a LabelSelectorError holding every problem, aggregated as upstream does.
 * `values: null` stands for a Go nil slice, which upstream prints as `null` in messages; `path` is the parent
 * of the `key`/`values` paths in those messages.
 */
export function newLabelRequirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[] | null,
  path: FieldPath | null = null,
): LabelRequirement {
  const message = toAggregateMessage(requirementErrors(key, operator, values, path));
  if (message !== undefined) throw new LabelSelectorError(message);
  return { key, operator, values: values === null ? [] : [...values] };
}

/** Whether one requirement holds for a label set; `gt`/`lt` compare as 64-bit integers and fail on non-integers. */
export function labelRequirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && r.values.includes(value);
    case 'notin':
    case '!=':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      const actual = value === undefined ? undefined : parseInt64(value);
      const bound = r.values.length === 1 ? parseInt64(r.values[0] ?? '') : undefined;
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

const OPERATOR_TEXT: Readonly<Record<LabelOperator, string>> = {
  '=': '=', '==': '==', '!=': '!=', in: ' in ', notin: ' notin ', gt: '>', lt: '<', exists: '', '!': '',
};

/** Upstream `Requirement.String()`: `key`, `!key`, `key=v`, `key in (a,b)` with several values sorted. */
export function labelRequirementString(r: LabelRequirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const values = r.values.length === 1 ? (r.values[0] ?? '') : [...r.values].sort(goCompareStrings).join(',');
  const set = r.operator === 'in' || r.operator === 'notin';
  return `${r.key}${OPERATOR_TEXT[r.operator]}${set ? `(${values})` : values}`;
}
