// resourceVersion handling. Herd's resourceVersions are positive decimal integers from a monotonic sequence,
// kept as bigint so they never lose precision. Parsing, list-option validation and the errors mirror
// apiserver pkg/storage (api_object_versioner.go, interfaces.go ValidateListOptions, errors.go, etcd3/errors.go)
// and apimachinery pkg/apis/meta/internalversion/validation/validation.go.
import { forbidden, invalid, newPath, notSupported, type FieldError } from './field-errors.js';
import { goQuote } from './go-text.js';
import { newBadRequest, newInvalid, newResourceExpired, newTimeoutError, type StatusError } from './status-error.js';

export type ResourceVersionMatch = 'Exact' | 'NotOlderThan';

const MAX_UINT64 = 2n ** 64n - 1n;

/** Go's strconv.ParseUint(s, 10, 64), including which error wins when a string is both too long and malformed. */
function parseUint64(s: string): bigint | string {
  const fail = (why: string): string => `strconv.ParseUint: parsing ${goQuote(s)}: ${why}`;
  if (s.length === 0) return fail('invalid syntax');
  let n = 0n;
  for (const ch of s) {
    if (ch < '0' || ch > '9') return fail('invalid syntax');
    n = n * 10n + BigInt(ch.charCodeAt(0) - 48);
    if (n > MAX_UINT64) return fail('value out of range');
  }
  return n;
}

/**
 * The field error upstream's versioner reports for a malformed resourceVersion, e.g.
 * `resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax`; undefined when valid.
 * `""` and `"0"` are valid (they mean "unset" and "any").
 */
export function resourceVersionError(rv: string): FieldError | undefined {
  if (rv === '' || rv === '0') return undefined;
  const parsed = parseUint64(rv);
  return typeof parsed === 'string' ? invalid(newPath('resourceVersion'), rv, parsed) : undefined;
}

/**
 * Parses a resourceVersion from a request: `""` and `"0"` give 0n. A malformed one throws the 400 BadRequest a
 * list answers, `invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: …`.
 * (Upstream's get and watch paths surface the same text as a 500 with an empty reason; we answer 400 throughout.)
 */
export function parseResourceVersion(rv: string): bigint {
  const err = resourceVersionError(rv);
  if (err !== undefined) throw newBadRequest(`invalid resource version: ${err.toString()}`);
  return rv === '' ? 0n : BigInt(rv);
}

/** The resourceVersion to put on an object or list. */
export function formatResourceVersion(rv: bigint): string {
  if (rv <= 0n) throw new RangeError(`resourceVersion must be positive, got ${rv}`);
  return rv.toString();
}

/** A live resourceVersion as clients may compare it: a positive decimal integer without leading zeros. */
export function isWellFormedResourceVersion(rv: string): boolean {
  return /^[1-9][0-9]*$/.test(rv);
}

/**
 * Orders two live resourceVersions (apimachinery pkg/util/resourceversion CompareResourceVersion). Throws
 * `resource version is not well formed: <rv>` for anything else, "0" included.
 */
export function compareResourceVersions(a: string, b: string): -1 | 0 | 1 {
  for (const rv of [a, b]) {
    if (!isWellFormedResourceVersion(rv)) throw new Error(`resource version is not well formed: ${rv}`);
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** The list/watch query options that resourceVersion semantics depend on, as decoded from the query string. */
export interface ListOptions {
  watch?: boolean;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  continue?: string;
  limit?: number;
  sendInitialEvents?: boolean;
}

/**
 * Upstream `SetListOptionsDefaults`: with WatchList enabled, a watch from `""`/`"0"` that set neither
 * sendInitialEvents nor resourceVersionMatch is treated as a streaming list (initial events, NotOlderThan).
 */
export function defaultListOptions(opts: ListOptions, watchListEnabled: boolean): ListOptions {
  if (!watchListEnabled || opts.sendInitialEvents !== undefined || (opts.resourceVersionMatch ?? '') !== '') return opts;
  const legacy = (opts.resourceVersion ?? '') === '' || opts.resourceVersion === '0';
  return opts.watch === true && legacy ? { ...opts, sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' } : opts;
}

/** Upstream `ValidateListOptions`: the combinations a list or watch may not use, in upstream's order. */
export function validateListOptions(opts: ListOptions, watchListEnabled: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const matchPath = newPath('resourceVersionMatch');
  const match = opts.resourceVersionMatch ?? '';
  const hasContinue = (opts.continue ?? '').length > 0;
  if (opts.watch === true) {
    if (opts.sendInitialEvents !== undefined) {
      if (match !== 'NotOlderThan') {
        errs.push(forbidden(matchPath, 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
      }
      if (!watchListEnabled) {
        errs.push(forbidden(newPath('sendInitialEvents'), 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled'));
      }
    }
    if (match.length > 0) {
      if (opts.sendInitialEvents === undefined) {
        errs.push(forbidden(matchPath, 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
      }
      if (match !== 'NotOlderThan') errs.push(notSupported(matchPath, match, ['NotOlderThan']));
      if (hasContinue) errs.push(forbidden(matchPath, 'resourceVersionMatch is forbidden when continue is provided'));
    }
    return errs;
  }
  if (match.length > 0) {
    if ((opts.resourceVersion ?? '').length === 0) {
      errs.push(forbidden(matchPath, 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    }
    if (hasContinue) errs.push(forbidden(matchPath, 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(notSupported(matchPath, match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && opts.resourceVersion === '0') {
      errs.push(forbidden(matchPath, 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
  }
  if (opts.sendInitialEvents !== undefined) errs.push(forbidden(newPath('sendInitialEvents'), 'sendInitialEvents is forbidden for list'));
  return errs;
}

/** 422 `ListOptions.meta.k8s.io "" is invalid: …`, the answer to options that fail validateListOptions. */
export function newInvalidListOptions(errors: readonly FieldError[]): StatusError {
  return newInvalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', errors);
}

/** What a list must return, resolved from validated options (API concepts, "semantics for get and list"). */
export type ListRead =
  | { readonly kind: 'MostRecent' } // resourceVersion unset: a consistent read of the latest state
  | { readonly kind: 'Any' } // "0": any state, a cache is fine
  | { readonly kind: 'NotOlderThan'; readonly resourceVersion: bigint }
  | { readonly kind: 'Exact'; readonly resourceVersion: bigint }
  | { readonly kind: 'Continue' }; // the continue token decides; its own snapshot applies

/**
 * Resolves a list's read semantics after validateListOptions passed. Throws 400 for a malformed resourceVersion
 * and for a resourceVersion other than `""`/`"0"` next to a continue token. Without resourceVersionMatch, a
 * resourceVersion above 0 with a limit means Exact (upstream's legacy paging rule), otherwise NotOlderThan.
 */
export function resolveListRead(opts: ListOptions): ListRead {
  const rvText = opts.resourceVersion ?? '';
  if ((opts.continue ?? '').length > 0) {
    if (rvText.length > 0 && rvText !== '0') throw newBadRequest('specifying resource version is not allowed when using continue');
    return { kind: 'Continue' };
  }
  if (rvText.length === 0) return { kind: 'MostRecent' };
  const rv = parseResourceVersion(rvText);
  const match = opts.resourceVersionMatch ?? '';
  if (match === 'Exact') return { kind: 'Exact', resourceVersion: rv };
  if (rv === 0n) return { kind: 'Any' };
  if (match === '' && (opts.limit ?? 0) > 0) return { kind: 'Exact', resourceVersion: rv };
  return { kind: 'NotOlderThan', resourceVersion: rv };
}

/** 410 Expired for a list at a resourceVersion that has been compacted away. */
export function newListResourceVersionTooOld(): StatusError {
  return newResourceExpired('The resourceVersion for the provided list is too old.');
}

/** 410 Expired for a watch from before the oldest retained event (`too old resource version: 5 (9)`). */
export function newWatchResourceVersionTooOld(requested: bigint, oldestRetained: bigint): StatusError {
  return newResourceExpired(`too old resource version: ${requested} (${oldestRetained - 1n})`);
}

const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter';

/**
 * 410 Expired for a continue token whose snapshot is gone. With `inconsistentContinue` (a token that resumes at
 * the latest state) the message says so and the token is returned in `metadata.continue`.
 */
export function newContinueExpired(inconsistentContinue?: string): StatusError {
  if (inconsistentContinue === undefined) return newResourceExpired(`${CONTINUE_EXPIRED}.`);
  const err = newResourceExpired(
    `${CONTINUE_EXPIRED}, or use the continue token in this response to retrieve the remainder of the results. ` +
      'Continuing with the provided token results in an inconsistent list - objects that were created, modified, ' +
      'or deleted between the time the first chunk was returned and now may show up in the list.',
  );
  err.status.metadata.continue = inconsistentContinue;
  return err;
}

/**
 * 504 Timeout with cause ResourceVersionTooLarge: the requested resourceVersion is newer than anything we have
 * seen yet (`Timeout: Too large resource version: 12, current: 10`).
 */
export function newTooLargeResourceVersion(minimum: bigint, current: bigint, retryAfterSeconds: number): StatusError {
  const err = newTimeoutError(`Too large resource version: ${minimum}, current: ${current}`, retryAfterSeconds);
  err.status.details = { ...err.status.details, causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] };
  return err;
}
