import { performance } from 'node:perf_hooks';
import type { GlobalLoadBalancer } from '../../api/federation/v1alpha1/global-load-balancer.js';
import type { LoadBalancingDecision } from '../../api/federation/v1alpha1/load-balancing-decision.js';
import { API_VERSION } from '../../api/federation/v1alpha1/well-known.js';
import type { MemberSnapshot } from '../members/member-snapshot.js';
import { StoreFollower } from '../propagation/store-follower.js';
import { nowTimestamp } from '../registry/object-meta.js';
import type { ResourceStore } from '../registry/resource-store.js';
import { Balancer, type HealthChange, type ObserveFn, type ProbeFn, type ResolvedBackend } from './balancer.js';
import { buildBalancerStatus, sameStatus } from './balancer-status.js';
import type { Decision } from './decide.js';
import type { GslbMetrics } from './gslb-metrics.js';
import type { TargetHealth } from './target-health.js';
import { HostnameIndex, canonicalName } from './hostname-index.js';

export type BackendResolution = ResolvedBackend | { readonly problem: { readonly reason: string; readonly message: string } };

export interface GlobalLoadBalancerControllerOptions {
  readonly store: ResourceStore;
  readonly fleet: { members(): MemberSnapshot[] };
  /** Finds the Federated backend, the clusters it is placed on and its member paths. */
  readonly resolveBackend: (namespace: string, backend: GlobalLoadBalancer['spec']['backend']) => Promise<BackendResolution>;
  /** DNS zone, lower case without the trailing dot: default hostnames are `<name>.<namespace>.<zone>`. */
  readonly zone: string;
  readonly log?: (msg: string, err?: unknown) => void;
  readonly now?: () => number;
  readonly metrics?: GslbMetrics;
  /** Called on every health transition of a cluster (events, logs). */
  readonly onTransition?: (glb: GlobalLoadBalancer, change: HealthChange) => void;
  readonly observe?: ObserveFn;
  readonly probe?: ProbeFn;
}

export interface DecisionClient {
  readonly region?: string;
  readonly zone?: string;
  readonly ip?: string;
}

interface Running {
  readonly balancer: Balancer;
  timer?: NodeJS.Timeout;
  round?: Promise<void>;
  firstRound: Promise<void>;
  markJudged: () => void;
  /** The status this replica last wrote (or found already stored), with transition times left out. */
  lastWritten?: string;
  stopped: boolean;
}

/** A status without its timestamps: what decides whether this replica has something new to say. */
function statusKey(status: GlobalLoadBalancer['status']): string {
  return JSON.stringify(status, (k, v: unknown) => (k === 'lastTransitionTime' ? undefined : v));
}

/**
 * Runs every GlobalLoadBalancer: judges its clusters every `periodSeconds` (rounds start on a fixed cadence, so
 * detection takes at most period × failureThreshold plus one round's deadline), keeps the status current (written
 * only when it changes), and answers decisions and DNS from the last round.
 */
export class GlobalLoadBalancerController {
  private readonly running = new Map<string, Running>();
  private readonly hostnames: HostnameIndex;
  private readonly follower: StoreFollower;
  private readonly now: () => number;
  private stopped = false;

  constructor(private readonly o: GlobalLoadBalancerControllerOptions) {
    this.hostnames = new HostnameIndex(o.zone);
    this.now = o.now ?? Date.now;
    this.follower = new StoreFollower(
      o.store,
      (e) => {
        const glb = JSON.parse(e.object.json) as GlobalLoadBalancer;
        if (e.type === 'DELETED') this.remove(keyOf(glb));
        else this.upsert(glb);
      },
      o.log,
    );
  }

  start(): void {
    this.follower.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.follower.stop();
    for (const r of this.running.values()) {
      r.stopped = true;
      clearTimeout(r.timer);
    }
    await Promise.all([...this.running.values()].map((r) => r.round));
  }

  /** The hostname a GlobalLoadBalancer answers for. */
  hostnameOf(glb: GlobalLoadBalancer): string {
    return canonicalName(glb.spec.hostname ?? `${glb.metadata.name}.${glb.metadata.namespace}.${this.o.zone}`);
  }

  /** The decision for one client, or undefined when Herd does not run this GlobalLoadBalancer (yet). */
  async decision(namespace: string, name: string, client: DecisionClient): Promise<LoadBalancingDecision | undefined> {
    const r = this.running.get(`${namespace}/${name}`);
    if (!r) return undefined;
    await Promise.race([r.firstRound, new Promise((resolve) => setTimeout(resolve, r.balancer.health.timeoutMs + 1000).unref())]);
    const d = this.decide(r, client, 'api');
    const glb = r.balancer.object;
    return {
      apiVersion: API_VERSION,
      kind: 'LoadBalancingDecision',
      metadata: { name, namespace, creationTimestamp: nowTimestamp(new Date(this.now())) },
      hostname: this.hostnameOf(glb),
      ...d,
    };
  }

  /** For DNS: the balancer answering for `name` and its decision for the client. */
  decideForName(name: string, client: DecisionClient): { decision: Decision; hostname: string } | undefined {
    const key = this.hostnames.owner(name);
    const r = key ? this.running.get(key) : undefined;
    if (!r) return undefined;
    return { decision: this.decide(r, client, 'dns'), hostname: name };
  }

  /** `name` is strictly above a served hostname: NODATA, not NXDOMAIN. */
  isEmptyNonTerminal(name: string): boolean {
    return this.hostnames.isEmptyNonTerminal(name);
  }

  /** The healthy (or fail-open) clusters of the balancer for `hostname`: for `<cluster>.<hostname>` records. */
  clusterTarget(hostname: string, cluster: string): { addresses: readonly string[]; ttl: number } | undefined {
    const key = this.hostnames.owner(hostname);
    const r = key ? this.running.get(key) : undefined;
    const t = r?.balancer.targets.find((x) => x.cluster === cluster);
    if (!r || !t || t.addresses.length === 0) return undefined;
    const anyHealthy = r.balancer.targets.some((x) => x.healthy && x.addresses.length > 0);
    if (!t.healthy && anyHealthy) return undefined;
    return { addresses: t.addresses, ttl: r.balancer.object.spec.ttlSeconds ?? 30 };
  }

  private decide(r: Running, client: DecisionClient, source: 'api' | 'dns'): Decision {
    const m = this.o.metrics;
    if (source === 'dns') {
      // A DNS answer needs no explanations, and its time is in the DNS query's own duration.
      const d = r.balancer.engine.decide(r.balancer.targets, client, { explain: false });
      m?.countDnsDecision(d.strategy);
      return d;
    }
    const start = performance.now();
    const d = r.balancer.engine.decide(r.balancer.targets, client);
    m?.recordDecision(d.strategy, source, (performance.now() - start) / 1000);
    return d;
  }

  private upsert(glb: GlobalLoadBalancer): void {
    if (this.stopped) return;
    const key = keyOf(glb);
    this.hostnames.set({ key, hostname: this.hostnameOf(glb), creationTimestamp: glb.metadata.creationTimestamp ?? '' });
    const r = this.running.get(key);
    if (!r) {
      let markJudged = () => {};
      const firstRound = new Promise<void>((resolve) => (markJudged = resolve));
      const created: Running = { balancer: new Balancer(glb, this.o.observe, this.o.probe), firstRound, markJudged, stopped: false };
      this.running.set(key, created);
      this.schedule(created, 0);
      return;
    }
    const before = r.balancer.object;
    if ((before.metadata.generation ?? 0) !== (glb.metadata.generation ?? 0)) {
      r.balancer.respec(glb);
      clearTimeout(r.timer);
      this.schedule(r, 0);
    } else {
      r.balancer.object = glb;
    }
  }

  private remove(key: string): void {
    this.hostnames.delete(key);
    const r = this.running.get(key);
    if (!r) return;
    r.stopped = true;
    clearTimeout(r.timer);
    this.running.delete(key);
  }

  private schedule(r: Running, delayMs: number): void {
    if (r.stopped) return;
    r.timer = setTimeout(() => {
      const started = this.now();
      r.round = this.runRound(r)
        .catch((err: unknown) => this.o.log?.(`load balancer ${keyOf(r.balancer.object)}: round failed`, err))
        .finally(() => {
          r.round = undefined;
          r.markJudged();
          this.schedule(r, Math.max(0, started + r.balancer.health.periodMs - this.now()));
        });
    }, delayMs);
    r.timer.unref();
  }

  private async runRound(r: Running): Promise<void> {
    const b = r.balancer;
    const glb = b.object;
    const resolved = await this.o.resolveBackend(glb.metadata.namespace ?? '', glb.spec.backend);
    const members = this.o.fleet.members().filter((m) => !m.leaving);
    const backend = 'problem' in resolved ? undefined : resolved;
    const changes = await b.round(members, backend, this.now);
    if (r.stopped) return;
    for (const c of changes) {
      this.o.metrics?.transitions.inc({ to: c.to });
      // The first judgement of a cluster is not news unless it found a problem.
      if (c.to === 'Unhealthy' || !c.initial) this.o.onTransition?.(b.object, c);
    }
    await this.writeStatus(r, 'problem' in resolved ? resolved.problem : undefined);
  }

  private async writeStatus(r: Running, backendProblem: { reason: string; message: string } | undefined): Promise<void> {
    const b = r.balancer;
    const glb = b.object;
    const key = keyOf(glb);
    const hostname = this.hostnameOf(glb);
    const weights = effectiveWeights(glb, b.targets);
    const conflictWith = this.hostnames.conflictOf(key);
    const status = buildBalancerStatus(
      glb,
      b.targets,
      {
        hostname,
        outsideZone: hostname !== this.o.zone && !hostname.endsWith(`.${this.o.zone}`),
        ...(conflictWith ? { conflictWith } : {}),
        ...(backendProblem ? { backendProblem } : {}),
        ...(weights ? { weights } : {}),
      },
      (cluster) => {
        const at = b.since(cluster);
        return at === undefined ? undefined : nowTimestamp(new Date(at));
      },
      nowTimestamp(new Date(this.now())),
    );
    // Several replicas judge on their own and may disagree (one cannot reach a member the other can). Each writes
    // only when its own view changes, never merely because the stored status is another replica's: so replicas
    // that disagree write once each, instead of taking turns for ever.
    const next = statusKey(status);
    r.lastWritten ??= statusKey(glb.status);
    if (r.lastWritten === next || sameStatus(glb.status, status)) {
      r.lastWritten = next;
      return;
    }
    try {
      await this.o.store.update(glb.metadata.namespace, String(glb.metadata.name), { object: { ...glb, status } }, {}, 'status');
      r.lastWritten = next;
    } catch (err) {
      const reason = (err as { reason?: string }).reason;
      // Conflict: the object moved on; the next round writes again from the newer one.
      if (reason !== 'Conflict' && reason !== 'NotFound') this.o.log?.(`writing the status of load balancer ${key}`, err);
    }
  }
}

/** Weighted only: the spec's weights (unlisted clusters weigh 0), else each placed cluster's ready endpoints. */
function effectiveWeights(glb: GlobalLoadBalancer, targets: readonly TargetHealth[]): ReadonlyMap<string, number> | undefined {
  const strategy = glb.spec.strategy;
  if (strategy?.type !== 'Weighted') return undefined;
  const explicit = strategy.weights ? new Map(strategy.weights.map((w) => [w.clusterName, w.weight])) : undefined;
  const placed = targets.filter((t) => t.reason !== 'NotPlaced');
  // As decisions do: when no weighted cluster is healthy, the healthy weight-0 ones share equally.
  const shareEqually = explicit !== undefined && !placed.some((t) => t.healthy && (explicit.get(t.cluster) ?? 0) > 0);
  return new Map(placed.map((t) => [t.cluster, explicit ? (explicit.get(t.cluster) ?? 0) || (shareEqually && t.healthy ? 1 : 0) : (t.readyEndpoints ?? 1)]));
}

function keyOf(glb: GlobalLoadBalancer): string {
  return `${glb.metadata.namespace ?? ''}/${glb.metadata.name ?? ''}`;
}
