import { describe, expect, it } from 'vitest';
import { humanAge, humanDuration } from './table-human-duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe('humanDuration', () => {
  it.each([
    ['far in the future is invalid', -2 * s, '<invalid>'],
    ['a second in the future is now', -1 * s, '0s'],
    ['half a second in the future is now', -500, '0s'],
    ['no time at all', 0, '0s'],
    ['seconds up to two minutes', 5 * s, '5s'],
    ['119 seconds', 119 * s + 999, '119s'],
    ['two minutes exactly', 2 * m, '2m'],
    ['minutes and seconds under ten minutes', 3 * m + 20 * s, '3m20s'],
    ['whole minutes from ten minutes', 10 * m + 59 * s, '10m'],
    ['minutes up to three hours', 179 * m, '179m'],
    ['hours and minutes under eight hours', 3 * h + 5 * m, '3h5m'],
    ['whole hours', 5 * h, '5h'],
    ['hours up to two days', 47 * h, '47h'],
    ['days and hours under eight days', 2 * d + 3 * h, '2d3h'],
    ['whole days', 7 * d, '7d'],
    ['days up to two years', 700 * d, '700d'],
    ['years and days under eight years', 3 * y + 45 * d, '3y45d'],
    ['whole years', 2 * y, '2y'],
    ['years from eight on', 9 * y + 100 * d, '9y'],
  ])('prints %s', (_name, ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('humanAge', () => {
  const now = Date.parse('2026-07-01T10:00:00Z');
  it.each([
    ['a timestamp', '2026-07-01T09:56:40Z', '3m20s'],
    ['a timestamp with an offset', '2026-07-01T11:56:40+02:00', '3m20s'],
    ['a missing timestamp', undefined, '<unknown>'],
    ['an empty timestamp', '', '<unknown>'],
    ['a date without a time', '2026-07-01', '<invalid>'],
    ['something that is not a time', 'yesterday', '<invalid>'],
    ['a number', 1234, '<invalid>'],
  ])('reads %s', (_name, timestamp, text) => {
    expect(humanAge(timestamp, now)).toBe(text);
  });
});
