/**
 * Smooth weighted round robin, as nginx balances upstreams: each call adds every cluster's weight to its credit,
 * picks the cluster with the most credit (the smaller name on a tie, so it is deterministic) and takes the total
 * weight from it. With fixed weights the picks repeat with a period of Σweights, so any window of Σweights
 * consecutive calls holds each cluster exactly `weight` times, and they are spread out (2:1 gives a, b, a; never a, a, b).
 *
 * The set of clusters and their weights may change between calls (health rounds change them). Any change starts the
 * credits again from zero: a removed cluster's credit is dropped and a changed weight takes effect at once, with no
 * leftover credit that would send a burst of picks to one cluster. Credit stays within ±Σweights, so a cluster's
 * count never strays more than one pick from its exact share, and a restart costs at most one pick of each.
 */
export class WeightedRotation {
  /** Clusters with a weight above 0, sorted by name. */
  private names: string[] = [];
  private weights: number[] = [];
  private credit: number[] = [];
  private total = 0;

  /** The next cluster, or undefined when no cluster weighs more than 0. Non-finite and negative weights count 0. */
  next(weights: ReadonlyMap<string, number>): string | undefined {
    if (!this.unchanged(weights)) this.restart(weights);
    const n = this.names.length;
    if (n === 0) return undefined;
    let best = 0;
    for (let i = 0; i < n; i++) {
      this.credit[i]! += this.weights[i]!;
      if (this.credit[i]! > this.credit[best]!) best = i;
    }
    this.credit[best]! -= this.total;
    return this.names[best];
  }

  private unchanged(weights: ReadonlyMap<string, number>): boolean {
    let positive = 0;
    for (const w of weights.values()) if (w > 0 && Number.isFinite(w)) positive++;
    if (positive !== this.names.length) return false;
    for (let i = 0; i < this.names.length; i++) if (weights.get(this.names[i]!) !== this.weights[i]) return false;
    return true;
  }

  private restart(weights: ReadonlyMap<string, number>): void {
    const kept = [...weights].filter(([, w]) => w > 0 && Number.isFinite(w)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.names = kept.map(([name]) => name);
    this.weights = kept.map(([, w]) => w);
    this.credit = kept.map(() => 0);
    this.total = this.weights.reduce((sum, w) => sum + w, 0);
  }
}
