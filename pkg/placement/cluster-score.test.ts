import { describe, expect, it } from 'vitest';
import { scoreCluster } from './cluster-score.js';

describe('scoreCluster', () => {
  it.each([
    { name: 'a new cluster of unknown capacity', holds: false, freeShare: undefined, preferNoSchedule: 0, want: 15 },
    { name: 'a new, empty cluster', holds: false, freeShare: 1, preferNoSchedule: 0, want: 40 },
    { name: 'a holder of unknown capacity', holds: true, freeShare: undefined, preferNoSchedule: 0, want: 75 },
    { name: 'a full holder', holds: true, freeShare: 0, preferNoSchedule: 0, want: 75 },
    { name: 'a half-free holder', holds: true, freeShare: 0.5, preferNoSchedule: 0, want: 88 },
    { name: 'an empty holder', holds: true, freeShare: 1, preferNoSchedule: 0, want: 100 },
    { name: 'an empty new cluster with a PreferNoSchedule taint', holds: false, freeShare: 1, preferNoSchedule: 2, want: 25 },
    { name: 'a full new cluster with a PreferNoSchedule taint', holds: false, freeShare: 0, preferNoSchedule: 1, want: 0 },
  ])('scores $name $want', ({ holds, freeShare, preferNoSchedule, want }) => {
    expect(scoreCluster({ holds, freeShare, preferNoSchedule })).toBe(want);
  });

  it('prefers any holder over any new cluster', () => {
    const worstHolder = scoreCluster({ holds: true, freeShare: 0, preferNoSchedule: 1 });
    const bestNew = scoreCluster({ holds: false, freeShare: 1, preferNoSchedule: 0 });
    expect(worstHolder).toBeGreaterThan(bestNew);
  });
});
