import type { GlobalLoadBalancer } from '../../api/federation/v1alpha1/global-load-balancer.js';
import { REGION_LABEL, ZONE_LABEL } from '../../api/federation/v1alpha1/well-known.js';
import type { MemberSnapshot } from '../members/member-snapshot.js';
import { probe, type ProbeResult, type ProbeTarget } from './active-probe.js';
import { observeBackend, type BackendObservation, type BackendRef } from './backend-observer.js';
import { DecisionEngine } from './decide.js';
import type { TargetHealth } from './target-health.js';
import { TargetTracker, type Judgement, type Transition } from './target-tracker.js';

/** The health check of a GlobalLoadBalancer with its defaults applied. */
export interface HealthCheckSettings {
  readonly type: 'None' | 'HTTP' | 'TCP';
  readonly port?: number;
  readonly path: string;
  readonly scheme: 'HTTP' | 'HTTPS';
  readonly periodMs: number;
  readonly timeoutMs: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

export function healthCheckOf(glb: GlobalLoadBalancer): HealthCheckSettings {
  const hc = glb.spec.healthCheck ?? {};
  return {
    type: hc.type ?? 'None',
    ...(hc.port ? { port: hc.port } : {}),
    path: hc.path ?? '/',
    scheme: hc.scheme ?? 'HTTP',
    periodMs: (hc.periodSeconds ?? 10) * 1000,
    timeoutMs: (hc.timeoutSeconds ?? Math.min(2, hc.periodSeconds ?? 10)) * 1000,
    failureThreshold: hc.failureThreshold ?? 3,
    successThreshold: hc.successThreshold ?? 2,
  };
}

/** How to reach the backend in members, resolved from the Federated object by the controller. */
export interface ResolvedBackend {
  /** Clusters the Federated object is placed on now. */
  readonly placed: ReadonlySet<string>;
  readonly ref: BackendRef;
}

export interface HealthChange {
  readonly cluster: string;
  readonly to: Exclude<Transition, undefined>;
  /** The cluster's first judgement (a new balancer, or newly placed). */
  readonly initial: boolean;
  readonly reason: string;
  readonly message: string;
}

export type ProbeFn = (t: ProbeTarget) => Promise<ProbeResult>;
export type ObserveFn = (client: NonNullable<MemberSnapshot['client']>, ref: BackendRef, timeoutMs: number) => Promise<BackendObservation>;

const fail = (reason: string, message: string, o: Partial<Judgement> = {}): Judgement => ({ pass: false, reason, message, addresses: [], ...o });

/**
 * One GlobalLoadBalancer at run time: its decision engine and one hysteresis tracker per cluster. A round judges every
 * cluster the backend is placed on at once (member Ready, the member's Service and endpoints, the optional active
 * probe of every address), and the targets it leaves are what decisions and DNS answer from until the next round.
 */
export class Balancer {
  object: GlobalLoadBalancer;
  engine: DecisionEngine;
  health: HealthCheckSettings;
  targets: readonly TargetHealth[] = [];
  /** Set after the first round: decisions before it have nothing to answer with. */
  judged = false;
  private readonly trackers = new Map<string, TargetTracker>();

  constructor(
    glb: GlobalLoadBalancer,
    private readonly observe: ObserveFn = observeBackend,
    private readonly probeFn: ProbeFn = probe,
  ) {
    this.object = glb;
    this.engine = new DecisionEngine(glb.spec);
    this.health = healthCheckOf(glb);
  }

  /** A new generation: new engine and thresholds; trackers keep their state, so health survives a spec edit. */
  respec(glb: GlobalLoadBalancer): void {
    this.object = glb;
    this.engine = new DecisionEngine(glb.spec);
    this.health = healthCheckOf(glb);
    for (const t of this.trackers.values()) t.setThresholds(this.health.failureThreshold, this.health.successThreshold);
  }

  since(cluster: string): number | undefined {
    return this.trackers.get(cluster)?.current?.since;
  }

  /** Judges every member once and replaces `targets`; returns the health transitions of this round. */
  async round(members: readonly MemberSnapshot[], backend: ResolvedBackend | undefined, now: () => number): Promise<HealthChange[]> {
    const changes: HealthChange[] = [];
    const targets = await Promise.all(
      members.map(async (m): Promise<TargetHealth> => {
        const where = { cluster: m.name, ...(m.labels[REGION_LABEL] ? { region: m.labels[REGION_LABEL] } : {}), ...(m.labels[ZONE_LABEL] ? { zone: m.labels[ZONE_LABEL] } : {}) };
        if (!backend || !backend.placed.has(m.name)) {
          this.trackers.delete(m.name);
          return { ...where, addresses: [], healthy: false, reason: 'NotPlaced', message: 'the backend is not placed on this cluster' };
        }
        const j = await this.judge(m, backend.ref);
        let tracker = this.trackers.get(m.name);
        if (!tracker) this.trackers.set(m.name, (tracker = new TargetTracker(this.health.failureThreshold, this.health.successThreshold)));
        const initial = tracker.current === undefined;
        const to = tracker.record(j, now());
        const t = tracker.current!;
        if (to) changes.push({ cluster: m.name, to, initial, reason: t.reason, message: t.message });
        return {
          ...where,
          addresses: t.addresses,
          ...(t.port !== undefined ? { port: t.port } : {}),
          ...(t.readyEndpoints !== undefined ? { readyEndpoints: t.readyEndpoints } : {}),
          healthy: t.healthy,
          reason: t.reason,
          message: t.message,
        };
      }),
    );
    for (const name of this.trackers.keys()) if (!members.some((m) => m.name === name)) this.trackers.delete(name);
    this.targets = targets;
    this.judged = true;
    return changes;
  }

  private async judge(m: MemberSnapshot, ref: BackendRef): Promise<Judgement> {
    if (!m.client) return fail('MemberUnreachable', 'Herd has no working credentials for this member');
    if (!m.ready) return fail('MemberNotReady', 'the member cluster is not Ready');
    const seen = await this.observe(m.client, ref, this.health.timeoutMs);
    if (!seen.found) return fail(seen.reason, seen.message);
    const facts = { readyEndpoints: seen.readyEndpoints, ...(seen.port !== undefined ? { port: seen.port } : {}) };
    if (seen.addresses.length === 0) return fail('NoAddresses', 'the member publishes no address: no load-balancer ingress, externalIPs or address annotation', facts);
    if (seen.readyEndpoints === 0) return fail('NoReadyEndpoints', 'the member Service has no ready endpoints', { ...facts, addresses: seen.addresses });
    if (this.health.type === 'None') return { pass: true, reason: 'Healthy', message: `${seen.readyEndpoints} ready endpoints; addresses from the ${seen.source}`, addresses: seen.addresses, ...facts };
    const port = this.health.port ?? seen.port;
    if (!port) return fail('ProbeFailed', 'no port to probe: set spec.healthCheck.port or spec.backend.port', { ...facts, addresses: seen.addresses });
    const results = await Promise.all(
      seen.addresses.map((address) => this.probeFn({ type: this.health.type as 'HTTP' | 'TCP', address, port, path: this.health.path, scheme: this.health.scheme, timeoutMs: this.health.timeoutMs })),
    );
    const passing = seen.addresses.filter((_, i) => results[i]!.ok);
    if (passing.length === 0) {
      const first = results.find((r): r is { ok: false; message: string } => !r.ok);
      return fail('ProbeFailed', first?.message ?? 'every probe failed', { ...facts, addresses: seen.addresses });
    }
    return { pass: true, reason: 'Healthy', message: `${seen.readyEndpoints} ready endpoints; ${passing.length} of ${seen.addresses.length} addresses pass the ${this.health.type} probe`, addresses: passing, ...facts };
  }
}
