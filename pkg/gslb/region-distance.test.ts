import { describe, expect, it } from 'vitest';
import { OTHER_ZONE_PENALTY, RegionDistanceTable, UNKNOWN_DISTANCE } from './region-distance.js';

const table = new RegionDistanceTable([
  { from: 'eu-west', to: 'us-east', distance: 80 },
  { from: 'eu-west', to: 'ap-south', distance: 70 },
  { from: 'ap-south', to: 'us-east', distance: 140 },
  { from: 'us-east', to: 'ap-south', distance: 150 }, // listed twice: the smaller counts
  { from: 'eu-west', to: 'eu-west', distance: 5 }, // the same region is always 0
  { from: 'eu-west', to: 'eu-north', distance: 0 },
]);

describe('RegionDistanceTable', () => {
  it.each([
    { client: { region: 'eu-west' }, cluster: { region: 'eu-west' }, expected: 0 },
    { client: { region: 'eu-west' }, cluster: { region: 'us-east' }, expected: 80 },
    { client: { region: 'us-east' }, cluster: { region: 'eu-west' }, expected: 80 },
    { client: { region: 'us-east' }, cluster: { region: 'ap-south' }, expected: 140 },
    { client: { region: 'ap-south' }, cluster: { region: 'us-east' }, expected: 140 },
    { client: { region: 'eu-west' }, cluster: { region: 'mars' }, expected: UNKNOWN_DISTANCE },
    { client: { region: 'eu-west' }, cluster: {}, expected: UNKNOWN_DISTANCE },
    { client: {}, cluster: { region: 'eu-west' }, expected: UNKNOWN_DISTANCE },
    { client: {}, cluster: {}, expected: UNKNOWN_DISTANCE },
    { client: { region: 'eu-west', zone: 'eu-west-a' }, cluster: { region: 'eu-west', zone: 'eu-west-a' }, expected: 0 },
    { client: { region: 'eu-west', zone: 'eu-west-a' }, cluster: { region: 'eu-west', zone: 'eu-west-b' }, expected: OTHER_ZONE_PENALTY },
    { client: { region: 'eu-west', zone: 'eu-west-a' }, cluster: { region: 'eu-west' }, expected: OTHER_ZONE_PENALTY },
    { client: { region: 'eu-west' }, cluster: { region: 'eu-west', zone: 'eu-west-b' }, expected: 0 },
    { client: { region: 'eu-west', zone: 'eu-west-a' }, cluster: { region: 'us-east', zone: 'us-east-1' }, expected: 80 },
    { client: { region: 'eu-west', zone: 'eu-west-a' }, cluster: { region: 'eu-north', zone: 'eu-north-1' }, expected: 0 },
    { client: { zone: 'eu-west-a' }, cluster: { zone: 'eu-west-a' }, expected: UNKNOWN_DISTANCE },
  ])('$client to $cluster is $expected', ({ client, cluster, expected }) => {
    expect(table.distance(client, cluster)).toBe(expected);
  });

  it('a zone only breaks ties inside a region: the nearest other region is still farther than another zone', () => {
    expect(OTHER_ZONE_PENALTY).toBeGreaterThan(0);
    expect(OTHER_ZONE_PENALTY).toBeLessThan(1);
  });

  it('without regionDistances knows only the same region', () => {
    const empty = new RegionDistanceTable(undefined);
    expect(empty.regions('a', 'a')).toBe(0);
    expect(empty.regions('a', 'b')).toBe(UNKNOWN_DISTANCE);
  });
});
