import { describe, expect, it } from 'vitest';
import { BoundedMemo } from './bounded-memo.js';

describe('BoundedMemo', () => {
  it('computes a key once, and starts again empty past its bound', () => {
    const memo = new BoundedMemo<string, number>(2);
    let calls = 0;
    const len = (k: string) => (calls++, k.length);
    expect([memo.get('a', len), memo.get('a', len), memo.get('bb', len)]).toEqual([1, 1, 2]);
    expect([calls, memo.size]).toEqual([2, 2]);
    expect(memo.get('ccc', len)).toBe(3);
    expect(memo.size).toBe(1);
    expect(memo.get('a', len)).toBe(1);
    expect(calls).toBe(4);
  });
});
