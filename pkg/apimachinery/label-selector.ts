// Label selectors as matchers: from a `?labelSelector=` string (apimachinery pkg/labels/selector.go Parse), from a
// metav1.LabelSelector (pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector) or from a plain label set. Invalid
// input throws a 400 BadRequest StatusError with upstream's exact text, which is how kube-apiserver answers a bad
// `?labelSelector=` (the query decoder hands the parse error to NewBadRequest unchanged).
import { goCompareStrings, goQuote } from './go-text.js';
import {
  LabelSelectorError,
  labelRequirementMatches,
  labelRequirementString,
  newLabelRequirement,
  type LabelOperator,
  type LabelRequirement,
} from './label-requirement.js';
import { parseLabelRequirements } from './label-selector-parser.js';
import { newBadRequest } from './status-error.js';

export interface LabelSelector {
  /** Sorted by key. Empty both for "everything" and for "nothing"; use `empty()` to tell them apart. */
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Readonly<Record<string, string>>): boolean;
  /** True when the selector does not restrict anything. */
  empty(): boolean;
  /** The value demanded by the first requirement on key, when that is `key=v`, `key==v` or `key in (v)`. */
  requiresExactMatch(key: string): string | undefined;
  /** Upstream's canonical form: requirements sorted by key, `a=b,c in (d,e),!f`. */
  toString(): string;
}

/** metav1.LabelSelector. */
export interface MetaLabelSelector {
  matchLabels?: Readonly<Record<string, string>>;
  matchExpressions?: readonly MetaLabelSelectorRequirement[];
}

/** metav1.LabelSelectorRequirement. */
export interface MetaLabelSelectorRequirement {
  key: string;
  /** `In`, `NotIn`, `Exists` or `DoesNotExist`; anything else is rejected. */
  operator: string;
  values?: readonly string[];
}

const META_OPERATORS: Readonly<Record<string, LabelOperator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

function makeSelector(requirements: readonly LabelRequirement[], matchNothing = false): LabelSelector {
  const sorted = [...requirements].sort((a, b) => goCompareStrings(a.key, b.key));
  return {
    requirements: sorted,
    matches: (labels) => !matchNothing && sorted.every((r) => labelRequirementMatches(r, labels)),
    empty: () => !matchNothing && sorted.length === 0,
    requiresExactMatch: (key) => {
      const r = sorted.find((x) => x.key === key);
      if (r === undefined || r.values.length !== 1) return undefined;
      return r.operator === '=' || r.operator === '==' || r.operator === 'in' ? r.values[0] : undefined;
    },
    toString: () => (matchNothing ? '' : sorted.map(labelRequirementString).join(',')),
  };
}

/** Matches every label set (upstream `labels.Everything()`). */
export const everythingLabelSelector: LabelSelector = makeSelector([]);

/** Matches no label set (upstream `labels.Nothing()`, what an absent metav1.LabelSelector converts to). */
export const nothingLabelSelector: LabelSelector = makeSelector([], true);

function asBadRequest(build: () => LabelSelector): LabelSelector {
  try {
    return build();
  } catch (e) {
    if (e instanceof LabelSelectorError) throw newBadRequest(e.message);
    throw e;
  }
}

/**
 * Parses `?labelSelector=` (upstream `labels.Parse`). For `a in (` it throws a 400 BadRequest whose message is
 * `unable to parse requirement: found '', expected: ',', ')' or identifier`.
 */
export function parseLabelSelector(input: string): LabelSelector {
  return asBadRequest(() => makeSelector(parseLabelRequirements(input)));
}

/**
 * Converts a metav1.LabelSelector: absent matches nothing, empty matches everything. Invalid content throws a
 * 400 BadRequest with upstream's text. matchLabels are checked in key order (upstream's map order is random).
 */
export function labelSelectorFromMeta(selector: MetaLabelSelector | null | undefined): LabelSelector {
  if (selector === null || selector === undefined) return nothingLabelSelector;
  const labels = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => goCompareStrings(a, b));
  const expressions = selector.matchExpressions ?? [];
  if (labels.length + expressions.length === 0) return everythingLabelSelector;
  return asBadRequest(() => {
    const requirements = labels.map(([key, value]) => newLabelRequirement(key, '=', [value]));
    for (const expr of expressions) {
      const op = Object.hasOwn(META_OPERATORS, expr.operator) ? META_OPERATORS[expr.operator] : undefined;
      if (op === undefined) throw new LabelSelectorError(`${goQuote(expr.operator)} is not a valid label selector operator`);
      // Upstream copies the values with append([]string(nil), ...): an empty list is a nil slice, printed `null`.
      const values = expr.values !== undefined && expr.values.length > 0 ? expr.values : null;
      requirements.push(newLabelRequirement(expr.key, op, values));
    }
    return makeSelector(requirements);
  });
}

/** Requires every given label exactly (upstream `SelectorFromSet`); an empty set matches everything. Not validated. */
export function labelSelectorFromSet(set: Readonly<Record<string, string>>): LabelSelector {
  return makeSelector(Object.entries(set).map(([key, value]) => ({ key, operator: '=' as const, values: [value] })));
}
