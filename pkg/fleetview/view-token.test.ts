import { describe, expect, it } from 'vitest';
import { isStatusError } from '../apimachinery/status-error.js';
import { formatContinueToken, formatViewToken, parseContinueToken, parseViewToken } from './view-token.js';

const badRequest = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (isStatusError(e) && e.code === 400) return e.message;
    throw e;
  }
  throw new Error('accepted');
};

describe('view tokens', () => {
  it('round-trips a resourceVersion of the view', () => {
    expect(formatViewToken('AbC-_9', 42)).toBe('AbC-_9.42');
    expect(parseViewToken('AbC-_9.42')).toEqual({ epoch: 'AbC-_9', seq: 42 });
    expect(parseViewToken('e.0')).toEqual({ epoch: 'e', seq: 0 });
  });

  it('answers 400 to anything that is not one', () => {
    for (const bad of ['12345', '.5', 'abc.', 'abc.-1', 'abc.1.5x', 'abc.1e3', 'abc.0x10', 'abc. 5', 'a b.1', 'abc.99999999999999999999']) {
      expect(badRequest(() => parseViewToken(bad)), bad).toContain('invalid resource version');
    }
  });

  it('round-trips a continue token, and answers 400 to a malformed one', () => {
    const key = 'ns\u0000name\u0000m1';
    const token = formatContinueToken('epoch', key);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parseContinueToken(token)).toEqual({ epoch: 'epoch', lastKey: key });
    for (const bad of ['', 'not-a-token', Buffer.from('{"v":2,"e":"x","k":"y"}').toString('base64url'), Buffer.from('{"v":1,"e":1,"k":"y"}').toString('base64url')]) {
      expect(badRequest(() => parseContinueToken(bad)), bad).toContain('continue key is not valid');
    }
  });
});
