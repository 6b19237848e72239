import { describe, expect, it } from 'vitest';
import { MarkerCount } from './marker-count.js';

describe('MarkerCount', () => {
  const body = Buffer.from(Array.from({ length: 100 }, (_, i) => `{"metadata":{"name":"pod-${i}"},"spec":{"name":"web"}}`).join(','));

  it.each([1, 2, 3, 7, 13, 64, 4096])('counts every marker when the body arrives in chunks of %i bytes', (size) => {
    const counter = new MarkerCount('"name":"pod-');
    for (let at = 0; at < body.length; at += size) counter.feed(body.subarray(at, at + size));
    expect(counter.count).toBe(100);
  });

  it('counts a marker once, even when its bytes stay in the carry over several chunks', () => {
    const counter = new MarkerCount('abc');
    for (const part of ['xa', 'b', 'cab', 'c', 'abcab']) counter.feed(Buffer.from(part));
    expect(counter.count).toBe(3);
  });

  it('counts non-overlapping occurrences', () => {
    const counter = new MarkerCount('aa');
    counter.feed(Buffer.from('aaa'));
    counter.feed(Buffer.from('a'));
    expect(counter.count).toBe(2);
  });

  it('refuses an empty marker', () => {
    expect(() => new MarkerCount('')).toThrow();
  });
});
