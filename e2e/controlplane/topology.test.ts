import { describe, expect, it } from 'vitest';
import { memberTopology } from './topology.js';

describe('memberTopology', () => {
  it.each([
    [1, 'eu-west', 'eu-west-a'],
    [2, 'us-east', 'us-east-b'],
    [3, 'ap-south', 'ap-south-c'],
    [9, 'eu-west', 'eu-west-i'],
  ])('member-%i is in region %s, zone %s', (index, region, zone) => {
    expect(memberTopology(index)).toEqual({ region, zone });
  });

  it('refuses an index below 1', () => {
    expect(() => memberTopology(0)).toThrow(RangeError);
  });
});
