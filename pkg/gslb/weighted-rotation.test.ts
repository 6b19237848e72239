import { describe, expect, it } from 'vitest';
import { WeightedRotation } from './weighted-rotation.js';

const picks = (r: WeightedRotation, weights: ReadonlyMap<string, number>, n: number): string[] => Array.from({ length: n }, () => r.next(weights)!);
const count = (seq: readonly string[]): Record<string, number> => seq.reduce<Record<string, number>>((c, x) => ((c[x] = (c[x] ?? 0) + 1), c), {});
const weightsOf = (o: Record<string, number>) => new Map(Object.entries(o));

describe('WeightedRotation', () => {
  it.each<{ weights: Record<string, number>; first: string[] }>([
    { weights: { a: 2, b: 1 }, first: ['a', 'b', 'a'] },
    { weights: { a: 5, b: 1, c: 1 }, first: ['a', 'a', 'b', 'a', 'c', 'a', 'a'] }, // nginx's own example
    { weights: { a: 1, b: 1, c: 1 }, first: ['a', 'b', 'c'] },
    { weights: { b: 1, a: 3 }, first: ['a', 'a', 'b', 'a'] },
  ])('spreads $weights as $first', ({ weights, first }) => {
    expect(picks(new WeightedRotation(), weightsOf(weights), first.length)).toEqual(first);
  });

  it.each<Record<string, number>>([{ a: 2, b: 1 }, { a: 5, b: 1, c: 1 }, { a: 3, b: 2 }, { a: 7, b: 4, c: 2, d: 1 }, { a: 1 }, { a: 100, b: 1 }])(
    'picks each cluster exactly its weight times in every window of Σweights calls: %o',
    (weights) => {
      const total = Object.values(weights).reduce((s, w) => s + w, 0);
      const seq = picks(new WeightedRotation(), weightsOf(weights), total * 4);
      for (let start = 0; start + total <= seq.length; start++) expect(count(seq.slice(start, start + total))).toEqual(weights);
    },
  );

  it('splits 2:1 exactly 200/100 over 300 calls, never picking the lighter one twice in a row', () => {
    const seq = picks(new WeightedRotation(), weightsOf({ a: 2, b: 1 }), 300);
    expect(count(seq)).toEqual({ a: 200, b: 100 });
    expect(seq.join('')).not.toMatch(/bb|aaa/);
  });

  it('is deterministic, whatever the order of the map', () => {
    const one = picks(new WeightedRotation(), new Map([['x', 3], ['y', 2], ['z', 2]]), 50);
    const two = picks(new WeightedRotation(), new Map([['z', 2], ['y', 2], ['x', 3]]), 50);
    expect(one).toEqual(two);
  });

  it('leaves out clusters weighing 0, less, or not a number, and answers undefined when none is left', () => {
    const r = new WeightedRotation();
    expect(count(picks(r, new Map([['a', 1], ['b', 0], ['c', -3], ['d', Number.NaN], ['e', Number.POSITIVE_INFINITY]]), 10))).toEqual({ a: 10 });
    expect(r.next(new Map([['a', 0]]))).toBeUndefined();
    expect(r.next(new Map())).toBeUndefined();
  });

  it('drops a removed cluster and shares exactly among the rest from the change on', () => {
    const r = new WeightedRotation();
    picks(r, weightsOf({ a: 3, b: 2, c: 1 }), 4);
    const after = picks(r, weightsOf({ a: 3, c: 1 }), 40);
    expect(after).not.toContain('b');
    for (let start = 0; start + 4 <= after.length; start++) expect(count(after.slice(start, start + 4))).toEqual({ a: 3, c: 1 });
    // Coming back, b starts afresh rather than with credit saved from before.
    const back = picks(r, weightsOf({ a: 3, b: 2, c: 1 }), 6);
    expect(count(back)).toEqual({ a: 3, b: 2, c: 1 });
  });

  it('takes a weight change at once, without a burst of catch-up picks', () => {
    const r = new WeightedRotation();
    const before = picks(r, weightsOf({ a: 100, b: 1 }), 50); // b has built up credit and is about to be picked
    expect(before).not.toContain('b');
    const after = picks(r, weightsOf({ a: 1, b: 1 }), 10);
    expect(after.join('')).toBe('ababababab');
  });

  it('keeps every prefix within one pick of the exact share', () => {
    const weights = { a: 7, b: 4, c: 2, d: 1 };
    const total = 14;
    const seq = picks(new WeightedRotation(), weightsOf(weights), 100);
    for (let k = 1; k <= seq.length; k++) {
      const c = count(seq.slice(0, k));
      for (const [name, w] of Object.entries(weights)) expect(Math.abs((c[name] ?? 0) - (k * w) / total)).toBeLessThan(1);
    }
  });
});
