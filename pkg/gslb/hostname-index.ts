/** A GlobalLoadBalancer as the index sees it. */
export interface HostnameClaim {
  readonly key: string;
  /** Lower case, without the trailing dot. */
  readonly hostname: string;
  readonly creationTimestamp: string;
}

/** Lower case, without a trailing dot: how names are compared. */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * Which GlobalLoadBalancer answers DNS for each hostname. Two claiming one name is settled the way the MCS API settles
 * export conflicts: the oldest wins (then the lower `namespace/name`), and the others are told in their status. The
 * index also knows the names above each hostname inside the zone (empty non-terminals), which must answer NODATA
 * rather than NXDOMAIN.
 */
export class HostnameIndex {
  private claims = new Map<string, HostnameClaim>();
  private winners = new Map<string, string>();
  private parents = new Set<string>();

  constructor(private readonly zone: string) {}

  set(claim: HostnameClaim): void {
    this.claims.set(claim.key, claim);
    this.rebuild();
  }

  delete(key: string): void {
    if (this.claims.delete(key)) this.rebuild();
  }

  /** The key of the GlobalLoadBalancer answering for `name`. */
  owner(name: string): string | undefined {
    return this.winners.get(name);
  }

  /** For a key that lost its hostname: the key that holds it. */
  conflictOf(key: string): string | undefined {
    const claim = this.claims.get(key);
    if (!claim) return undefined;
    const winner = this.winners.get(claim.hostname);
    return winner !== undefined && winner !== key ? winner : undefined;
  }

  /** `name` is a proper ancestor of some served hostname (inside the zone). */
  isEmptyNonTerminal(name: string): boolean {
    return this.parents.has(name);
  }

  private rebuild(): void {
    const winners = new Map<string, HostnameClaim>();
    for (const c of this.claims.values()) {
      const w = winners.get(c.hostname);
      if (!w || c.creationTimestamp < w.creationTimestamp || (c.creationTimestamp === w.creationTimestamp && c.key < w.key)) winners.set(c.hostname, c);
    }
    this.winners = new Map([...winners].map(([h, c]) => [h, c.key]));
    const parents = new Set<string>();
    const suffix = `.${this.zone}`;
    for (const h of this.winners.keys()) {
      let rest = h;
      for (let dot = rest.indexOf('.'); dot >= 0; dot = rest.indexOf('.')) {
        rest = rest.slice(dot + 1);
        if (rest === this.zone || !rest.endsWith(suffix)) break;
        parents.add(rest);
      }
    }
    this.parents = parents;
  }
}
