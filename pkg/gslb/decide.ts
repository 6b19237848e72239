import type { GlobalLoadBalancerSpec, LoadBalancingStrategyType } from '../../api/federation/v1alpha1/global-load-balancer.js';
import type { DecisionExclusion, DecisionTarget, LoadBalancingDecision } from '../../api/federation/v1alpha1/load-balancing-decision.js';
import { ClientNetworkTable, resolveClientLocation, type ClientLocation, type ClientQuery } from './client-location.js';
import { RegionDistanceTable } from './region-distance.js';
import type { TargetHealth } from './target-health.js';
import { WeightedRotation } from './weighted-rotation.js';

/** A LoadBalancingDecision without the envelope the API adds (apiVersion, kind, metadata, hostname). */
export type Decision = Omit<LoadBalancingDecision, 'apiVersion' | 'kind' | 'metadata' | 'hostname'>;

export const DEFAULT_TTL_SECONDS = 30;

export interface DecideOptions {
  /**
   * Default true. False leaves every explanation empty and shares the targets' address arrays (read them, do not keep
   * them): what a DNS answer needs, at a fraction of the cost. Which clusters are answered, and in what order, is the
   * same either way, and the rotations move the same.
   */
  readonly explain?: boolean;
}

/** The targets DNS answers with now (the rest are fallbacks). */
export function answeredTargets(decision: Decision): DecisionTarget[] {
  return decision.targets.filter((t) => t.answered);
}

type Metrics = Pick<DecisionTarget, 'weight' | 'distance' | 'readyEndpoints'>;

const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byName = (a: TargetHealth, b: TargetHealth): number => compareNames(a.cluster, b.cluster);

/** Why a target is where it is, computed only when the decision is to be explained (building it costs more than deciding). */
type Why = () => string;

const failOpenWhy = (t: TargetHealth, where: string): string => `fail open, no cluster is healthy (this one: ${t.reason || 'Unhealthy'}: ${t.message}); ${where}`;

/**
 * The decisions of one GlobalLoadBalancer. It compiles the spec once (client networks, region distances, failover
 * ranks, weights) and keeps the only state a decision needs: the round-robin turn and the weighted rotation. It is
 * pure otherwise: the same targets, client and state give the same decision, and nothing is read from outside.
 *
 * Healthy means healthy with at least one address. While some cluster is healthy, no unhealthy one is ever answered;
 * when none is, the decision fails open (as Route 53 does) to every placed cluster that has addresses, all answered
 * in the strategy's order, because a health check gone wrong must not take the application off DNS.
 */
export class DecisionEngine {
  readonly strategy: LoadBalancingStrategyType;
  readonly ttlSeconds: number;
  private readonly networks: ClientNetworkTable;
  private readonly distances: RegionDistanceTable;
  /** Position of each cluster in failoverOrder (the first listing counts). */
  private readonly rank = new Map<string, number>();
  private readonly explicitWeights: ReadonlyMap<string, number> | undefined;
  private readonly minReadyEndpoints: number;
  private readonly rotation = new WeightedRotation();
  private turn = 0;
  /** Whether the decision being made explains itself (DecideOptions.explain); set by decide(), which runs to its end synchronously. */
  private explaining = true;

  constructor(spec: GlobalLoadBalancerSpec) {
    const s = spec.strategy;
    this.strategy = s?.type ?? 'RoundRobin';
    this.ttlSeconds = spec.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.networks = new ClientNetworkTable(s?.geo?.clientNetworks);
    this.distances = new RegionDistanceTable(s?.geo?.regionDistances);
    (s?.failoverOrder ?? []).forEach((name, i) => this.rank.has(name) || this.rank.set(name, i));
    if (s?.weights) {
      const w = new Map<string, number>();
      for (const x of s.weights) if (!w.has(x.clusterName)) w.set(x.clusterName, x.weight);
      this.explicitWeights = w;
    }
    this.minReadyEndpoints = s?.capacity?.minReadyEndpoints ?? 1;
  }

  decide(targets: readonly TargetHealth[], query: ClientQuery, options: DecideOptions = {}): Decision {
    this.explaining = options.explain !== false;
    const client = resolveClientLocation(query, this.networks);
    const healthy: TargetHealth[] = [];
    const open: TargetHealth[] = [];
    const excluded: DecisionExclusion[] = [];
    for (const t of targets) {
      if (t.healthy && t.addresses.length > 0) healthy.push(t);
      else if (t.healthy) excluded.push({ cluster: t.cluster, reason: 'NoAddresses', message: 'healthy, but it publishes no address to answer with' });
      else if (t.addresses.length > 0 && t.reason !== 'NotPlaced') open.push(t);
      else excluded.push({ cluster: t.cluster, reason: t.reason || 'Unhealthy', message: t.message });
    }
    const failOpen = healthy.length === 0 && open.length > 0;
    if (!failOpen) for (const t of open) excluded.push({ cluster: t.cluster, reason: t.reason || 'Unhealthy', message: t.message });
    const list = failOpen ? open : healthy;
    let chosen: DecisionTarget[] = [];
    if (list.length > 0) {
      switch (this.strategy) {
        case 'Weighted':
          chosen = this.weighted(list, failOpen, excluded);
          break;
        case 'Failover':
          chosen = this.failover(list, failOpen, targets);
          break;
        case 'Geo':
          chosen = this.geo(list, failOpen, client);
          break;
        case 'Capacity':
          chosen = this.capacity(list, failOpen);
          break;
        default:
          chosen = this.rotate(list).map((t, i, all) => this.entry(t, true, () => (failOpen ? failOpenWhy(t, `${i + 1} of ${all.length} in the rotation`) : `round robin: healthy, ${i + 1} of ${all.length} in the rotation (the order moves by one per decision)`)));
      }
    }
    excluded.sort((a, b) => compareNames(a.cluster, b.cluster));
    return { strategy: this.strategy, ttlSeconds: this.ttlSeconds, client, failOpen, targets: chosen, excluded };
  }

  /**
   * A target entry, keys in the order the API lists them. Explained decisions are handed out, so their addresses are
   * copies; unexplained ones are read at once (a DNS answer) and share them.
   */
  private entry(t: TargetHealth, answered: boolean, why: Why, m: Metrics = {}): DecisionTarget {
    const e: Partial<DecisionTarget> = { cluster: t.cluster, addresses: this.explaining ? t.addresses.slice() : (t.addresses as string[]) };
    if (t.port !== undefined) e.port = t.port;
    if (t.region) e.region = t.region;
    if (t.zone) e.zone = t.zone;
    if (m.weight !== undefined) e.weight = m.weight;
    if (m.distance !== undefined) e.distance = m.distance;
    if (m.readyEndpoints !== undefined) e.readyEndpoints = m.readyEndpoints;
    e.answered = answered;
    e.explanation = this.explaining ? why() : '';
    return e as DecisionTarget;
  }

  /** By name, rotated by one more each call, so successive answers start with a different cluster. */
  private rotate(list: TargetHealth[]): TargetHealth[] {
    list.sort(byName);
    const k = this.turn++ % list.length;
    if (this.turn >= Number.MAX_SAFE_INTEGER) this.turn = 0;
    return k === 0 ? list : list.slice(k).concat(list.slice(0, k));
  }

  /** failoverOrder first, then unlisted clusters by name. */
  private readonly inFailoverOrder = (a: TargetHealth, b: TargetHealth): number => {
    const ra = this.rank.get(a.cluster) ?? Number.POSITIVE_INFINITY;
    const rb = this.rank.get(b.cluster) ?? Number.POSITIVE_INFINITY;
    return ra === rb ? byName(a, b) : ra < rb ? -1 : 1;
  };

  /** Where a cluster stands in failoverOrder, in words. */
  private place(t: TargetHealth): string {
    const r = this.rank.get(t.cluster);
    if (r !== undefined) return `position ${r + 1} in failoverOrder`;
    return this.rank.size === 0 ? 'by name (there is no failoverOrder)' : 'not in failoverOrder (unlisted clusters follow by name)';
  }

  /** Why the front cluster of Failover and Capacity is there. */
  private first(t: TargetHealth): string {
    if (this.rank.has(t.cluster)) return 'first healthy cluster in failoverOrder';
    return this.rank.size === 0 ? 'first healthy cluster by name (there is no failoverOrder)' : 'first healthy cluster: failoverOrder lists none of the healthy ones, and unlisted clusters follow by name';
  }

  private weightOf(t: TargetHealth): number {
    return this.explicitWeights ? (this.explicitWeights.get(t.cluster) ?? 0) : (t.readyEndpoints ?? 1);
  }

  /**
   * One answered cluster, picked by the weighted rotation. Healthy clusters weighing 0 are excluded, unless every
   * healthy cluster weighs 0: then (as Route 53 does) they share the answers equally rather than fail open to
   * unhealthy clusters.
   */
  private weighted(list: TargetHealth[], failOpen: boolean, excluded: DecisionExclusion[]): DecisionTarget[] {
    const weight = new Map<string, number>();
    for (const t of list) weight.set(t.cluster, Math.max(0, this.weightOf(t)));
    const byWeight = (a: TargetHealth, b: TargetHealth) => weight.get(b.cluster)! - weight.get(a.cluster)! || byName(a, b);
    if (failOpen) return list.sort(byWeight).map((t) => this.entry(t, true, () => failOpenWhy(t, `weight ${weight.get(t.cluster)}`), { weight: weight.get(t.cluster)! }));
    let kept = list.filter((t) => weight.get(t.cluster)! > 0);
    const equal = kept.length === 0;
    if (equal) {
      kept = list;
      for (const t of list) weight.set(t.cluster, 1);
    } else {
      for (const t of list) if (weight.get(t.cluster)! <= 0) excluded.push({ cluster: t.cluster, reason: 'ZeroWeight', message: this.zeroWeightWhy(t) });
    }
    const total = kept.reduce((sum, t) => sum + weight.get(t.cluster)!, 0);
    const picked = this.rotation.next(weight);
    kept.sort((a, b) => (a.cluster === picked ? -1 : b.cluster === picked ? 1 : byWeight(a, b)));
    return kept.map((t) => {
      const w = weight.get(t.cluster)!;
      const share = equal ? `every cluster weighing more than 0 is unhealthy, so those weighing 0 share the answers equally; ` : '';
      return this.entry(t, t.cluster === picked, () => (t.cluster === picked ? `${share}picked by weight ${w} of ${total}` : `${share}weight ${w} of ${total}, not picked this time`), { weight: w });
    });
  }

  private zeroWeightWhy(t: TargetHealth): string {
    if (!this.explicitWeights) return 'its weight is its ready endpoints, and it has 0';
    return this.explicitWeights.has(t.cluster) ? 'weight 0 in spec.strategy.weights' : 'not in spec.strategy.weights, so it weighs 0';
  }

  /** The first healthy cluster in failoverOrder; the others follow as fallbacks, in order. */
  private failover(list: TargetHealth[], failOpen: boolean, all: readonly TargetHealth[]): DecisionTarget[] {
    const ordered = list.sort(this.inFailoverOrder);
    if (failOpen) return ordered.map((t) => this.entry(t, true, () => failOpenWhy(t, this.place(t))));
    const first = ordered[0]!;
    // Everything ahead of the first healthy cluster is excluded: say which, so the answer explains itself.
    const skipped = (): string => {
      const ahead = all.filter((t) => this.inFailoverOrder(t, first) < 0).sort(this.inFailoverOrder);
      return ahead.length > 0 ? `; ahead of it: ${ahead.map((t) => `${t.cluster} (${t.healthy ? 'NoAddresses' : t.reason})`).join(', ')}` : '';
    };
    return ordered.map((t, i) => (i === 0 ? this.entry(t, true, () => this.first(t) + skipped()) : this.entry(t, false, () => `fallback ${i}, ${this.place(t)}`)));
  }

  /** The healthy clusters nearest the client; without a client region, every healthy cluster in rotation. */
  private geo(list: TargetHealth[], failOpen: boolean, client: ClientLocation): DecisionTarget[] {
    if (!client.region) {
      return this.rotate(list).map((t, i, all) => {
        const where = `${i + 1} of ${all.length} in the rotation`;
        return this.entry(t, true, () => (failOpen ? failOpenWhy(t, `client region unknown, ${where}`) : `client region unknown, so every healthy cluster is answered as round robin does; ${where}`));
      });
    }
    const from = `client region ${client.region}${client.zone ? ` zone ${client.zone}` : ''}`;
    const distance = new Map<string, number>();
    for (const t of list) distance.set(t.cluster, this.distances.distance(client, t));
    list.sort((a, b) => distance.get(a.cluster)! - distance.get(b.cluster)! || byName(a, b));
    const nearest = distance.get(list[0]!.cluster)!;
    let fallback = 0;
    return list.map((t) => {
      const d = distance.get(t.cluster)!;
      const note = !t.region ? 'cluster region unknown, ' : t.region === client.region && d > 0 ? 'same region, another zone, ' : '';
      const why = (): string => `${note}distance ${d} from ${from}`;
      if (failOpen) return this.entry(t, true, () => failOpenWhy(t, why()), { distance: d });
      if (d === nearest) return this.entry(t, true, () => `nearest to ${from} (${note}distance ${d})`, { distance: d });
      const place = ++fallback;
      return this.entry(t, false, () => `fallback ${place}: ${why()}, the nearest is at ${nearest}`, { distance: d });
    });
  }

  /**
   * Clusters in failoverOrder until their ready endpoints together reach minReadyEndpoints. Unknown ready endpoints
   * count 0: Capacity never assumes capacity it cannot see, so it spills further rather than overload one cluster.
   */
  private capacity(list: TargetHealth[], failOpen: boolean): DecisionTarget[] {
    const ordered = list.sort(this.inFailoverOrder);
    const need = this.minReadyEndpoints;
    const metric = (t: TargetHealth): Metrics => (t.readyEndpoints !== undefined ? { readyEndpoints: t.readyEndpoints } : {});
    if (failOpen) return ordered.map((t) => this.entry(t, true, () => failOpenWhy(t, this.place(t)), metric(t)));
    let sum = 0;
    let covered = false;
    let fallback = 0;
    return ordered.map((t, i) => {
      if (covered) {
        const place = ++fallback;
        const before = sum;
        return this.entry(t, false, () => `fallback ${place}: the clusters before it have ${before} ≥ ${need} ready endpoints needed; ${this.place(t)}`, metric(t));
      }
      sum += t.readyEndpoints ?? 0;
      covered = sum >= need;
      const upTo = sum;
      const enough = covered;
      return this.entry(
        t,
        true,
        () => {
          const own = t.readyEndpoints === undefined ? 'ready endpoints unknown (counted as 0)' : `${t.readyEndpoints} ready endpoints`;
          const lead = i === 0 ? `${this.first(t)}, ${own}` : `spill ${i}, ${own}`;
          if (enough) return `${lead}; ready endpoints ${upTo} ≥ ${need} needed`;
          if (i < ordered.length - 1) return `${lead}; ready endpoints ${upTo} < ${need} needed, spilling to the next cluster`;
          return `${lead}; ready endpoints ${upTo} < ${need} needed even with every healthy cluster, so all are answered`;
        },
        metric(t),
      );
    });
  }
}
