import { isStatusError, type StatusError } from './status-error.js';

/** For tests: runs `fn` and returns the StatusError it throws; anything else (or nothing) fails the test. */
export function thrownStatusError(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}
