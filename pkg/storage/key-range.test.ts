import { describe, expect, it } from 'vitest';
import { prefixRange } from './key-range.js';

describe('prefixRange', () => {
  it.each([
    ['/g/r/ns1/', '/g/r/ns10'],
    ['/g/r/', '/g/r0'],
    ['a\u{10ffff}', 'b'],
    ['a\ud7ff', 'a\ue000'],
    ['/ü', '/ý'],
  ])('bounds the keys starting with %j by %j', (prefix, end) => {
    expect(prefixRange(prefix)).toEqual({ start: prefix, end });
  });

  it('holds exactly the keys that start with the prefix', () => {
    const { start, end } = prefixRange('/g/r/ns1/');
    const inside = (key: string) => key >= start && key < end;
    expect(['/g/r/ns1/a', '/g/r/ns1/', '/g/r/ns1/\u{10ffff}'].every(inside)).toBe(true);
    expect(['/g/r/ns1', '/g/r/ns10/a', '/g/r/ns2/a', '/g/r/ns0/a'].some(inside)).toBe(false);
  });

  it('spans every key for the empty prefix', () => {
    const { start, end } = prefixRange('');
    expect(start).toBe('');
    expect('/any/key' < end).toBe(true);
  });
});
