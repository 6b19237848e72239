import { describe, expect, it } from 'vitest';
import { divideByWeight, type WeightedSlot } from './divide-by-weight.js';

const free = (...weights: number[]): WeightedSlot[] => weights.map((weight) => ({ weight, room: Number.POSITIVE_INFINITY }));

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('divideByWeight', () => {
  it.each([
    { total: 6, weights: [2, 1], want: [4, 2] },
    { total: 10, weights: [1, 1, 1], want: [4, 3, 3] },
    { total: 7, weights: [1, 2, 4], want: [1, 2, 4] },
    { total: 5, weights: [1, 0, 1], want: [3, 0, 2] },
    { total: 0, weights: [1, 1], want: [0, 0] },
    { total: 1, weights: [0.5, 0.5], want: [1, 0] },
  ])('splits $total by $weights as $want', ({ total, weights, want }) => {
    expect(divideByWeight(total, free(...weights))).toEqual(want);
  });

  it('gives the leftover units to the largest remainders, then to the earlier slot', () => {
    // Shares 3.33.., 1.66.., 5.0: the single leftover unit goes to the 0.66 remainder.
    expect(divideByWeight(10, free(2, 1, 3))).toEqual([3, 2, 5]);
    expect(divideByWeight(3, free(1, 1, 1, 1))).toEqual([1, 1, 1, 0]);
  });

  it('caps a slot at its room and splits the surplus among the others', () => {
    expect(divideByWeight(10, [{ weight: 8, room: 2 }, { weight: 1, room: Infinity }, { weight: 1, room: Infinity }])).toEqual([2, 4, 4]);
  });

  it('falls short only when every weighted slot is full', () => {
    expect(divideByWeight(10, [{ weight: 1, room: 3 }, { weight: 2, room: 4 }, { weight: 0, room: 100 }])).toEqual([3, 4, 0]);
  });

  it('gives nothing without weight', () => {
    expect(divideByWeight(4, free(0, 0))).toEqual([0, 0]);
  });

  it('adds up to the total, within every room, whenever the weighted rooms allow (random cases)', () => {
    const next = random(42);
    const int = (n: number) => Math.floor(next() * n);
    for (let run = 0; run < 2000; run++) {
      const slots = Array.from({ length: 1 + int(6) }, () => ({
        weight: int(4) === 0 ? 0 : 1 + int(10),
        room: int(3) === 0 ? Number.POSITIVE_INFINITY : int(8),
      }));
      const total = int(40);
      const parts = divideByWeight(total, slots);
      const capacity = slots.reduce((sum, s) => sum + (s.weight > 0 ? s.room : 0), 0);
      const context = JSON.stringify({ total, slots });
      expect(parts.reduce((a, b) => a + b, 0), context).toBe(Math.min(total, capacity));
      parts.forEach((p, i) => {
        expect(Number.isInteger(p), context).toBe(true);
        expect(p, context).toBeGreaterThanOrEqual(0);
        expect(p, context).toBeLessThanOrEqual(slots[i]!.weight > 0 ? slots[i]!.room : 0);
      });
    }
  });

  it('stays within one unit of the exact proportional share when no room binds (random cases)', () => {
    const next = random(7);
    for (let run = 0; run < 1000; run++) {
      const weights = Array.from({ length: 1 + Math.floor(next() * 5) }, () => 1 + Math.floor(next() * 9));
      const total = Math.floor(next() * 100);
      const sum = weights.reduce((a, b) => a + b, 0);
      divideByWeight(total, free(...weights)).forEach((p, i) => {
        expect(Math.abs(p - (total * weights[i]!) / sum)).toBeLessThan(1);
      });
    }
  });
});
