/** Region and zone of a member of the local fleet, recorded in fleet.json and on its simulated nodes. */
export interface Topology {
  readonly region: string;
  readonly zone: string;
}

const REGIONS = ['eu-west', 'us-east', 'ap-south', 'us-west', 'eu-central', 'ap-northeast', 'sa-east', 'af-south'];

/**
 * member-1 → eu-west / eu-west-a, member-2 → us-east / us-east-b, member-3 → ap-south / ap-south-c, …: each member
 * gets its own region and a zone letter from its position, so placement and GSLB tests have distinct topologies.
 * Past the eighth member the regions repeat with the next zone letter.
 */
export function memberTopology(index: number): Topology {
  if (!Number.isInteger(index) || index < 1) throw new RangeError(`member index must be a positive integer, got ${index}`);
  const region = REGIONS[(index - 1) % REGIONS.length]!;
  const zone = `${region}-${String.fromCharCode('a'.charCodeAt(0) + ((index - 1) % 26))}`;
  return { region, zone };
}
