import { describe, expect, it } from 'vitest';
import {
  compareResourceVersions,
  defaultListOptions,
  formatResourceVersion,
  isWellFormedResourceVersion,
  newContinueExpired,
  newInvalidListOptions,
  newListResourceVersionTooOld,
  newTooLargeResourceVersion,
  newWatchResourceVersionTooOld,
  parseResourceVersion,
  resolveListRead,
  resourceVersionError,
  validateListOptions,
  type ListOptions,
  type ListRead,
} from './resource-version.js';
import { thrownStatusError } from './thrown-status-error.js';

const thrown = thrownStatusError;

describe('parseResourceVersion', () => {
  it.each([
    { name: 'reads unset as 0', rv: '', want: 0n },
    { name: 'reads "0" as 0', rv: '0', want: 0n },
    { name: 'reads a decimal', rv: '42', want: 42n },
    { name: 'accepts leading zeros as upstream does', rv: '007', want: 7n },
    { name: 'keeps precision beyond 2^53', rv: '9007199254740993', want: 9007199254740993n },
    { name: 'accepts the largest uint64', rv: '18446744073709551615', want: 18446744073709551615n },
  ])('$name', ({ rv, want }) => {
    expect(parseResourceVersion(rv)).toBe(want);
    expect(resourceVersionError(rv)).toBeUndefined();
  });

  it.each([
    { name: 'letters', rv: 'abc', detail: 'strconv.ParseUint: parsing "abc": invalid syntax' },
    { name: 'a sign', rv: '+1', detail: 'strconv.ParseUint: parsing "+1": invalid syntax' },
    { name: 'a negative number', rv: '-1', detail: 'strconv.ParseUint: parsing "-1": invalid syntax' },
    { name: 'a value past uint64', rv: '18446744073709551616', detail: 'strconv.ParseUint: parsing "18446744073709551616": value out of range' },
    { name: 'an overflow that comes before a bad character', rv: '99999999999999999999x', detail: 'strconv.ParseUint: parsing "99999999999999999999x": value out of range' },
    { name: 'a merged multi-cluster token', rv: 'eyJhIjoxfQ', detail: 'strconv.ParseUint: parsing "eyJhIjoxfQ": invalid syntax' },
  ])('rejects $name with the upstream 400', ({ rv, detail }) => {
    const fieldText = `resourceVersion: Invalid value: "${rv}": ${detail}`;
    expect(resourceVersionError(rv)?.toString()).toBe(fieldText);
    const err = thrown(() => parseResourceVersion(rv));
    expect([err.code, err.reason, err.message]).toEqual([400, 'BadRequest', `invalid resource version: ${fieldText}`]);
  });
});

describe('live resourceVersions', () => {
  it.each([
    { name: 'formats a positive bigint in decimal', rv: 12345678901234567890n, want: '12345678901234567890' },
    { name: 'formats one', rv: 1n, want: '1' },
  ])('$name', ({ rv, want }) => {
    expect(formatResourceVersion(rv)).toBe(want);
  });

  it.each([0n, -1n])('refuses to format %s, which can never be a live resourceVersion', (rv) => {
    expect(() => formatResourceVersion(rv)).toThrow(RangeError);
  });

  it.each([
    { name: 'accepts a positive integer', rv: '10', want: true },
    { name: 'rejects zero', rv: '0', want: false },
    { name: 'rejects leading zeros', rv: '010', want: false },
    { name: 'rejects the empty string', rv: '', want: false },
    { name: 'rejects non-digits', rv: '1a', want: false },
  ])('isWellFormedResourceVersion $name', ({ rv, want }) => {
    expect(isWellFormedResourceVersion(rv)).toBe(want);
  });

  it.each([
    { name: 'orders by length first', a: '9', b: '10', want: -1 },
    { name: 'orders equal lengths by digits', a: '25', b: '19', want: 1 },
    { name: 'finds equal versions equal', a: '123456789012345678901234567890', b: '123456789012345678901234567890', want: 0 },
  ])('compareResourceVersions $name', ({ a, b, want }) => {
    expect(compareResourceVersions(a, b)).toBe(want);
  });

  it.each([
    { name: 'zero on the left', a: '0', b: '1', bad: '0' },
    { name: 'a leading zero on the right', a: '1', b: '01', bad: '01' },
  ])('compareResourceVersions rejects $name', ({ a, b, bad }) => {
    expect(() => compareResourceVersions(a, b)).toThrow(`resource version is not well formed: ${bad}`);
  });
});

describe('validateListOptions', () => {
  it.each<{ name: string; opts: ListOptions; watchList?: boolean; message?: string }>([
    { name: 'accepts a plain list', opts: {} },
    { name: 'accepts NotOlderThan with a resourceVersion', opts: { resourceVersion: '5', resourceVersionMatch: 'NotOlderThan' } },
    {
      name: 'forbids resourceVersionMatch without a resourceVersion',
      opts: { resourceVersionMatch: 'Exact' },
      message: 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    },
    {
      name: 'forbids Exact with resourceVersion "0"',
      opts: { resourceVersionMatch: 'Exact', resourceVersion: '0' },
      message: 'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
    },
    {
      name: 'forbids resourceVersionMatch with continue',
      opts: { resourceVersionMatch: 'Exact', resourceVersion: '5', continue: 'c' },
      message: 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided',
    },
    {
      name: 'lists the supported values for an unknown match',
      opts: { resourceVersionMatch: 'Foo', resourceVersion: '5' },
      message: 'resourceVersionMatch: Unsupported value: "Foo": supported values: "Exact", "NotOlderThan", ""',
    },
    {
      name: 'reports several problems in upstream order',
      opts: { resourceVersionMatch: 'Exact', sendInitialEvents: false, continue: 'x' },
      message:
        '[resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided, resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided, sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list]',
    },
    { name: 'forbids sendInitialEvents on a list', opts: { sendInitialEvents: true }, message: 'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list' },
    { name: 'accepts a plain watch', opts: { watch: true } },
    { name: 'accepts a streaming list watch', opts: { watch: true, sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' }, watchList: true },
    {
      name: 'requires NotOlderThan and the feature for sendInitialEvents on a watch',
      opts: { watch: true, sendInitialEvents: true },
      watchList: false,
      message:
        '[resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled]',
    },
    {
      name: 'forbids resourceVersionMatch on a watch without sendInitialEvents',
      opts: { watch: true, resourceVersionMatch: 'NotOlderThan' },
      message: 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
    },
    {
      name: 'allows only NotOlderThan on a watch',
      opts: { watch: true, resourceVersionMatch: 'Exact', sendInitialEvents: false },
      watchList: true,
      message:
        '[resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]',
    },
  ])('$name', ({ opts, watchList = true, message }) => {
    const errs = validateListOptions(opts, watchList);
    if (message === undefined) {
      expect(errs).toEqual([]);
      return;
    }
    const err = newInvalidListOptions(errs);
    expect([err.code, err.reason]).toEqual([422, 'Invalid']);
    expect(err.message).toBe(`ListOptions.meta.k8s.io "" is invalid: ${message}`);
    expect(err.status.details).toMatchObject({ group: 'meta.k8s.io', kind: 'ListOptions' });
    expect(err.status.details?.causes?.[0]?.field).toBe(errs[0]?.field);
  });
});

describe('defaultListOptions', () => {
  it.each<{ name: string; opts: ListOptions; enabled: boolean; want: ListOptions }>([
    { name: 'turns a legacy watch into a streaming list', opts: { watch: true, resourceVersion: '0' }, enabled: true, want: { watch: true, resourceVersion: '0', sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' } },
    { name: 'leaves a watch from a real resourceVersion alone', opts: { watch: true, resourceVersion: '7' }, enabled: true, want: { watch: true, resourceVersion: '7' } },
    { name: 'leaves a watch that chose sendInitialEvents alone', opts: { watch: true, sendInitialEvents: false }, enabled: true, want: { watch: true, sendInitialEvents: false } },
    { name: 'leaves lists alone', opts: { resourceVersion: '' }, enabled: true, want: { resourceVersion: '' } },
    { name: 'does nothing without the feature', opts: { watch: true }, enabled: false, want: { watch: true } },
  ])('$name', ({ opts, enabled, want }) => {
    expect(defaultListOptions(opts, enabled)).toEqual(want);
  });
});

describe('resolveListRead', () => {
  it.each<{ name: string; opts: ListOptions; want: ListRead }>([
    { name: 'reads the latest state when resourceVersion is unset', opts: {}, want: { kind: 'MostRecent' } },
    { name: 'reads any state for "0"', opts: { resourceVersion: '0' }, want: { kind: 'Any' } },
    { name: 'reads any state for "0" with NotOlderThan', opts: { resourceVersion: '0', resourceVersionMatch: 'NotOlderThan' }, want: { kind: 'Any' } },
    { name: 'reads not older than a given version', opts: { resourceVersion: '5' }, want: { kind: 'NotOlderThan', resourceVersion: 5n } },
    { name: 'reads exactly a version when asked', opts: { resourceVersion: '5', resourceVersionMatch: 'Exact' }, want: { kind: 'Exact', resourceVersion: 5n } },
    { name: 'reads exactly a version when paging without a match (legacy rule)', opts: { resourceVersion: '5', limit: 10 }, want: { kind: 'Exact', resourceVersion: 5n } },
    { name: 'keeps NotOlderThan when paging with an explicit match', opts: { resourceVersion: '5', resourceVersionMatch: 'NotOlderThan', limit: 10 }, want: { kind: 'NotOlderThan', resourceVersion: 5n } },
    { name: 'reads any state for "0" even when paging', opts: { resourceVersion: '0', limit: 10 }, want: { kind: 'Any' } },
    { name: 'follows a continue token', opts: { continue: 'tok', resourceVersion: '0' }, want: { kind: 'Continue' } },
  ])('$name', ({ opts, want }) => {
    expect(resolveListRead(opts)).toEqual(want);
  });

  it.each([
    { name: 'a resourceVersion next to a continue token', opts: { continue: 'tok', resourceVersion: '5' }, message: 'specifying resource version is not allowed when using continue' },
    { name: 'a malformed resourceVersion', opts: { resourceVersion: 'x' }, message: 'invalid resource version: resourceVersion: Invalid value: "x": strconv.ParseUint: parsing "x": invalid syntax' },
  ])('answers $name with a 400', ({ opts, message }) => {
    const err = thrown(() => resolveListRead(opts));
    expect([err.code, err.reason, err.message]).toEqual([400, 'BadRequest', message]);
  });
});

describe('expiry and future errors', () => {
  const tooOldContinue = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter';
  it.each([
    { name: 'a compacted list', err: newListResourceVersionTooOld(), code: 410, reason: 'Expired', message: 'The resourceVersion for the provided list is too old.' },
    { name: 'a watch from before the retained window', err: newWatchResourceVersionTooOld(5n, 10n), code: 410, reason: 'Expired', message: 'too old resource version: 5 (9)' },
    { name: 'an expired continue token', err: newContinueExpired(), code: 410, reason: 'Expired', message: `${tooOldContinue}.` },
    {
      name: 'an expired continue token with an inconsistent replacement',
      err: newContinueExpired('next'),
      code: 410,
      reason: 'Expired',
      message: `${tooOldContinue}, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.`,
    },
    { name: 'a resourceVersion from the future', err: newTooLargeResourceVersion(12n, 10n, 1), code: 504, reason: 'Timeout', message: 'Timeout: Too large resource version: 12, current: 10' },
  ])('describes $name', ({ err, code, reason, message }) => {
    expect([err.code, err.reason, err.message]).toEqual([code, reason, message]);
  });

  it('hands the inconsistent continue token back in metadata.continue', () => {
    expect(newContinueExpired('next').status.metadata).toEqual({ continue: 'next' });
    expect(newContinueExpired().status.metadata).toEqual({});
  });

  it('marks a resourceVersion from the future with the ResourceVersionTooLarge cause', () => {
    expect(newTooLargeResourceVersion(12n, 10n, 1).status.details).toEqual({
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    });
  });
});
