import { describe, expect, it } from 'vitest';
import { parseQuantity } from './quantity.js';

describe('parseQuantity', () => {
  it.each<{ text: string | number; want: number }>([
    { text: 3, want: 3 },
    { text: 0.25, want: 0.25 },
    { text: '3', want: 3 },
    { text: '+2', want: 2 },
    { text: '-2', want: -2 },
    { text: '1.5', want: 1.5 },
    { text: '.5', want: 0.5 },
    { text: '2.', want: 2 },
    { text: '500m', want: 0.5 },
    { text: '100m', want: 0.1 },
    { text: '250u', want: 0.00025 },
    { text: '7n', want: 7e-9 },
    { text: '2k', want: 2000 },
    { text: '1M', want: 1e6 },
    { text: '1.5G', want: 1.5e9 },
    { text: '2T', want: 2e12 },
    { text: '1P', want: 1e15 },
    { text: '1E', want: 1e18 },
    { text: '1Ki', want: 1024 },
    { text: '1.5Mi', want: 1.5 * 1024 * 1024 },
    { text: '2Gi', want: 2 * 1024 ** 3 },
    { text: '1Ti', want: 1024 ** 4 },
    { text: '1Pi', want: 1024 ** 5 },
    { text: '1Ei', want: 1024 ** 6 },
    { text: '1e3', want: 1000 },
    { text: '1E3', want: 1000 },
    { text: '12e-3', want: 0.012 },
    { text: '1e+2', want: 100 },
  ])('reads $text as $want', ({ text, want }) => {
    expect(parseQuantity(text)).toBe(want);
  });

  it.each(['', ' 1', '1 ', 'abc', '1Gb', '1K', '1mi', '1e', '1e1.5', '1.2.3', '--1', '.', 'm', '1e999', '0x10'])(
    'rejects %j',
    (text) => {
      expect(() => parseQuantity(text)).toThrow(/invalid quantity/);
    },
  );

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %s', (n) => {
    expect(() => parseQuantity(n)).toThrow(/invalid quantity/);
  });
});
