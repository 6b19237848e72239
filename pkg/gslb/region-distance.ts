import type { RegionDistance } from '../../api/federation/v1alpha1/global-load-balancer.js';

/** The distance of a pair of regions that `regionDistances` does not list, and of a side whose region is unknown. */
export const UNKNOWN_DISTANCE = 1000;

/**
 * Added when client and cluster share a region but not a zone. Half a unit: listed distances are whole numbers, so a
 * zone only breaks ties inside a region and never outranks another region, and the distances shown stay in the
 * units the spec uses.
 */
export const OTHER_ZONE_PENALTY = 0.5;

/** Where one end is: a client or a cluster. */
export interface Place {
  readonly region?: string;
  readonly zone?: string;
}

/**
 * `spec.strategy.geo.regionDistances`, compiled once per spec into a nested map so a lookup allocates nothing. Pairs
 * are symmetric; the same region is 0; a pair not listed (or an unknown region on either side) is 1000. A pair listed
 * twice (in either direction) keeps its smallest distance, so the order of the list does not matter.
 */
export class RegionDistanceTable {
  private readonly table = new Map<string, Map<string, number>>();

  constructor(distances: readonly RegionDistance[] | undefined) {
    for (const d of distances ?? []) {
      if (d.from === d.to || !Number.isFinite(d.distance) || d.distance < 0) continue;
      this.set(d.from, d.to, d.distance);
      this.set(d.to, d.from, d.distance);
    }
  }

  private set(from: string, to: string, distance: number): void {
    let row = this.table.get(from);
    if (!row) this.table.set(from, (row = new Map()));
    const before = row.get(to);
    if (before === undefined || distance < before) row.set(to, distance);
  }

  /** The distance of two regions alone. */
  regions(a: string | undefined, b: string | undefined): number {
    if (!a || !b) return UNKNOWN_DISTANCE;
    if (a === b) return 0;
    return this.table.get(a)?.get(b) ?? UNKNOWN_DISTANCE;
  }

  /**
   * The distance from a client to a cluster. In the same region it is 0 when the zones match or the client's zone is
   * unknown, and OTHER_ZONE_PENALTY when the client names a zone the cluster is not in (or the cluster's is unknown),
   * so a cluster in the client's own zone wins a tie. Zones of different regions play no part.
   */
  distance(client: Place, cluster: Place): number {
    const d = this.regions(client.region, cluster.region);
    if (!client.region || client.region !== cluster.region || !client.zone || client.zone === cluster.zone) return d;
    return OTHER_ZONE_PENALTY;
  }
}
