import {
  CONFLICT_RESOLUTION_ANNOTATION,
  FEDERATED_KIND_ANNOTATION,
  FEDERATED_NAME_ANNOTATION,
  MEMBER_CLEANUP_FINALIZER,
  ORPHAN_ANNOTATION,
  PROPAGATION_FINALIZER,
  resolveFederatedType,
  type ClusterPropagationStatus,
  type FederatedObject,
  type FederatedStatus,
  type FederatedTypeConfig,
  type MemberCluster,
  type OverridePolicy,
  type PolicyReference,
  type PropagationPolicy,
  API_VERSION,
  GROUP,
  PLACEMENT_EXPLANATION_KIND,
} from '../../api/federation/v1alpha1/index.js';
import { newNotFound } from '../apimachinery/status-error.js';
import type { KubeObject } from '../../api/meta/object-meta.js';
import type { ApiGroupRegistry } from '../registry/api-group-registry.js';
import type { ResourceStore } from '../registry/resource-store.js';
import type { ObjectEvent, StoredObject } from '../storage/storage.js';
import type { FleetView } from './fleet-view.js';
import {
  estimateReplicaRequest,
  schedulePlacement,
  selectOverridePolicies,
  selectPropagationPolicy,
  type FederatedObjectRef,
  type SchedulableCluster,
} from '../placement/index.js';
import { buildFederatedStatus, sameStatus } from './federated-status-builder.js';
import { targetApiVersion } from './member-resource-path.js';
import { PolicyStatusWriter, type PolicyCandidate } from './policy-status-writer.js';
import { StoreFollower } from './store-follower.js';
import { WorkQueue, type ProcessOutcome } from './work-queue.js';
import { federatedName, type FederatedType } from './federated-type.js';
import { MemberCopies } from './member-copies.js';
import { nowTimestamp } from '../registry/object-meta.js';

export interface PropagationControllerOptions {
  readonly registry: ApiGroupRegistry;
  readonly fleet: FleetView;
  readonly log?: (msg: string, err?: unknown) => void;
  /** Per-object detail (each placement decision); off unless given. */
  readonly debug?: (msg: string) => void;
  /** Reconciles running at once. Default 32. */
  readonly workers?: number;
  /** Member calls in flight per member. Default 32. */
  readonly memberConcurrency?: number;
  /** Deadline of one member call. Default 10 s. */
  readonly memberTimeoutMs?: number;
  /** Grace period before an object placed on a not-Ready member moves away, unless it tolerates otherwise. Default 300 s. */
  readonly defaultNotReadyTolerationSeconds?: number;
  /** Every object is reconciled again this often, as a safety net for missed events. Default 5 min; 0 never. */
  readonly resyncIntervalMs?: number;
}

/** Kinds whose spec.replicas the scheduler hands out; other kinds with a numeric spec.replicas count too. */
const REPLICA_KINDS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/ReplicaSet']);
const MEMBER_KEY_PREFIX = '@member/';
const ORPHAN_FINALIZER = 'orphan';
const FOREGROUND_FINALIZER = 'foregroundDeletion';
const PROBLEM_RETRY = { retry: true } as const;

/**
 * The propagation controller: turns every Federated<Kind> object into the member objects its placement asks for and
 * keeps them so. Woken by the write itself through Herd's own watch (no polling), it schedules (placement, policies,
 * replica division), renders each cluster's object (template, OverridePolicies, spec.overrides), and server-side
 * applies it through a per-member writer (concurrency cap, deadline, retries, circuit breaker). Informers on the
 * members bring drift and readiness back; status is written only when it changes. A finalizer holds each object until
 * its copies are removed (or orphaned), and another holds an unjoining MemberCluster until Herd's objects left it.
 */
export class PropagationController {
  private readonly types = new Map<string, FederatedType>();
  private readonly kindToPlural = new Map<string, string>();
  private readonly followers = new Map<string, StoreFollower>();
  private readonly keys = new Map<string, Set<string>>();
  private readonly propagationPolicies = new Map<string, PropagationPolicy>();
  private readonly overridePolicies = new Map<string, OverridePolicy>();
  /** The newest version of every Federated object, as its watch delivered it. */
  private readonly latest = new Map<string, StoredObject>();
  /** Watch events of objects whose status write is in flight, held until the write's answer tells whether they are its echo. */
  private readonly statusWrites = new Map<string, string[]>();
  /** Status resourceVersions Herd wrote itself, by object key: their watch events need no reconcile. */
  private readonly ownWrites = new Map<string, string>();
  /** The last placement decision per object, as one line, to log changes. */
  private readonly decisions = new Map<string, string>();
  private readonly copies: MemberCopies;
  private readonly queue: WorkQueue;
  private readonly log: (msg: string, err?: unknown) => void;
  private readonly unsubscribe: (() => void)[] = [];
  private stopped = false;
  private resyncTimer: NodeJS.Timeout | undefined;
  /** What policy matching needs of every Federated object, for the policies' matched counts. */
  private readonly candidates = new Map<string, PolicyCandidate>();
  private readonly policyStatus: PolicyStatusWriter;
  private policyStatusTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: PropagationControllerOptions) {
    this.log = o.log ?? (() => {});
    this.queue = new WorkQueue((key) => this.process(key), { workers: o.workers ?? 32 });
    this.policyStatus = new PolicyStatusWriter(o.registry, this.log);
    this.copies = new MemberCopies({
      fleet: o.fleet,
      log: this.log,
      ...(o.memberConcurrency ? { concurrency: o.memberConcurrency } : {}),
      ...(o.memberTimeoutMs ? { timeoutMs: o.memberTimeoutMs } : {}),
      onMemberChange: (_type, object) => this.memberEvent(object),
      relook: (type, fed) => this.queue.add(`${type.plural}/${fed.metadata.namespace ?? ''}/${fed.metadata.name}`),
      memberOrphans: (cluster) => this.memberOrphans(cluster),
    });
  }

  async start(): Promise<void> {
    const follow = (plural: string, onEvent: (e: ObjectEvent) => void) => {
      const served = this.o.registry.get(plural);
      if (!served) throw new Error(`${plural} is not served`);
      const f = new StoreFollower(served.store, onEvent, this.log);
      this.followers.set(`@${plural}`, f);
      f.start();
    };
    follow('federatedtypeconfigs', () => this.syncTypes());
    follow('propagationpolicies', (e) => this.policyEvent(this.propagationPolicies, e));
    follow('clusterpropagationpolicies', (e) => this.policyEvent(this.propagationPolicies, e));
    follow('overridepolicies', (e) => this.policyEvent(this.overridePolicies, e));
    this.unsubscribe.push(this.o.registry.onChange(() => this.syncTypes()));
    this.unsubscribe.push(
      this.o.fleet.onChange((name) => {
        this.queue.add(`${MEMBER_KEY_PREFIX}${name}`);
        this.enqueueAll();
      }),
    );
    for (const m of this.o.fleet.members()) this.queue.add(`${MEMBER_KEY_PREFIX}${m.name}`);
    this.syncTypes();
    const resync = this.o.resyncIntervalMs ?? 300_000;
    if (resync > 0) {
      this.resyncTimer = setInterval(() => this.enqueueAll(), resync);
      this.resyncTimer.unref?.();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    if (this.policyStatusTimer) clearTimeout(this.policyStatusTimer);
    for (const u of this.unsubscribe) u();
    await Promise.all([...this.followers.values()].map((f) => f.stop()));
    await this.queue.stop();
    await this.copies.stop();
  }

  /** Resolves when no reconcile is queued or running. For tests. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** The plural serving a Federated kind, such as federateddeployments for FederatedDeployment. */
  pluralOf(federatedKind: string): string | undefined {
    return this.kindToPlural.get(federatedKind);
  }

  // ---- inputs

  private syncTypes(): void {
    if (this.stopped) return;
    const ftcs = this.o.registry.get('federatedtypeconfigs');
    if (!ftcs) return;
    void ftcs.store
      .list(undefined)
      .then((list) => {
        const next = new Map<string, FederatedType>();
        for (const item of list.items) {
          const ftc = JSON.parse(item.json) as FederatedTypeConfig;
          const names = resolveFederatedType(ftc.spec);
          if (!this.o.registry.get(names.plural)) continue;
          next.set(names.plural, {
            plural: names.plural,
            federatedKind: names.kind,
            target: ftc.spec.targetType,
            propagation: ftc.spec.propagation !== 'Disabled',
            statusCollection: ftc.spec.statusCollection !== 'Disabled',
          });
        }
        for (const [plural, f] of this.followers) {
          if (plural.startsWith('@') || next.has(plural)) continue;
          void f.stop();
          this.followers.delete(plural);
          this.types.delete(plural);
        }
        for (const [plural, type] of next) {
          const before = this.types.get(plural);
          this.types.set(plural, type);
          this.kindToPlural.set(type.federatedKind, plural);
          const served = this.o.registry.get(plural)!;
          if (!this.followers.has(plural)) {
            const f = new StoreFollower(served.store, (e) => this.federatedEvent(plural, e), this.log);
            this.followers.set(plural, f);
            f.start();
          } else if (before && JSON.stringify(before) !== JSON.stringify(type)) {
            for (const k of this.keys.get(plural) ?? []) this.queue.add(k);
          }
        }
      })
      .catch((err: unknown) => this.log('listing FederatedTypeConfigs failed', err));
  }

  private federatedEvent(plural: string, e: ObjectEvent): void {
    const key = `${plural}/${e.object.namespace}/${e.object.name}`;
    let set = this.keys.get(plural);
    if (!set) this.keys.set(plural, (set = new Set()));
    if (e.type === 'DELETED') {
      set.delete(key);
      this.latest.delete(key);
      if (this.candidates.delete(key)) this.schedulePolicyStatus();
      this.ownWrites.delete(key);
      this.decisions.delete(key);
      return;
    }
    set.add(key);
    this.latest.set(key, e.object);
    if (this.ownWrites.get(key) === e.resourceVersion) return;
    this.noteCandidate(plural, key, e.object);
    const held = this.statusWrites.get(key);
    if (held) {
      // The event may be the status write in flight; decide when its answer is in.
      held.push(e.resourceVersion);
      return;
    }
    this.queue.add(key);
  }

  /** Keeps what policy matching needs of an object; a change of it (labels, own placement) recounts the policies. */
  private noteCandidate(plural: string, key: string, object: StoredObject): void {
    const type = this.types.get(plural);
    if (!type) return;
    const fed = JSON.parse(object.json) as FederatedObject;
    const candidate: PolicyCandidate = {
      ref: {
        ...(object.namespace ? { namespace: object.namespace } : {}),
        name: object.name,
        labels: fed.metadata.labels ?? {},
        templateApiVersion: targetApiVersion(type.target),
        templateKind: type.target.kind,
      },
      hasPlacement: fed.spec?.placement !== undefined,
    };
    const before = this.candidates.get(key);
    this.candidates.set(key, candidate);
    if (!before || before.hasPlacement !== candidate.hasPlacement || JSON.stringify(before.ref.labels) !== JSON.stringify(candidate.ref.labels)) this.schedulePolicyStatus();
  }

  private policyEvent<T extends { metadata: { generation?: number; deletionTimestamp?: string } }>(into: Map<string, T>, e: ObjectEvent): void {
    const key = e.object.key;
    const before = into.get(key);
    if (e.type === 'DELETED') into.delete(key);
    else into.set(key, JSON.parse(e.object.json) as T);
    const after = into.get(key);
    // A status write (Herd's own matched count) changes neither: nothing to place again.
    if (before && after && before.metadata.generation === after.metadata.generation && before.metadata.deletionTimestamp === after.metadata.deletionTimestamp) return;
    this.enqueueAll();
    this.schedulePolicyStatus();
  }

  /** Recounts what each policy matches, at most every half second. */
  private schedulePolicyStatus(): void {
    if (this.policyStatusTimer || this.stopped) return;
    this.policyStatusTimer = setTimeout(() => {
      this.policyStatusTimer = undefined;
      void this.policyStatus
        .update(this.candidates.values(), [...this.propagationPolicies.values()], [...this.overridePolicies.values()])
        .catch((err: unknown) => this.log('updating policy status failed', err));
    }, 500);
    this.policyStatusTimer.unref?.();
  }

  private enqueueAll(): void {
    for (const set of this.keys.values()) for (const k of set) this.queue.add(k);
  }

  // ---- members

  /** A member copy changed: look at the Federated object named in its annotations. */
  private memberEvent(object: KubeObject): void {
    const kind = object.metadata.annotations?.[FEDERATED_KIND_ANNOTATION];
    const name = object.metadata.annotations?.[FEDERATED_NAME_ANNOTATION];
    if (!kind || !name) return;
    const plural = this.kindToPlural.get(kind);
    if (!plural) return;
    const [ns, n] = name.includes('/') ? name.split('/', 2) : ['', name];
    this.queue.add(`${plural}/${ns}/${n}`);
  }

  private schedulable(): SchedulableCluster[] {
    return this.o.fleet.members().map((m) => ({
      name: m.name,
      labels: m.labels,
      ready: m.ready && m.client !== undefined,
      ...(m.notReadySince ? { notReadySince: m.notReadySince } : {}),
      leaving: m.leaving,
      unschedulable: m.unschedulable,
      taints: m.taints,
      ...(m.apiEnablements ? { apiEnablements: m.apiEnablements } : {}),
      ...(m.resourceSummary ? { resourceSummary: m.resourceSummary } : {}),
    }));
  }

  // ---- reconcile

  private async process(key: string): Promise<ProcessOutcome> {
    if (this.stopped) return;
    try {
      if (key.startsWith(MEMBER_KEY_PREFIX)) return await this.reconcileMember(key.slice(MEMBER_KEY_PREFIX.length));
      const [plural, ns, ...rest] = key.split('/');
      return await this.reconcile(key, plural!, ns ?? '', rest.join('/'));
    } catch (err) {
      if ((err as { reason?: string }).reason !== 'Conflict') this.log(`reconciling ${key} failed`, err);
      return PROBLEM_RETRY;
    }
  }

  private async reconcile(key: string, plural: string, ns: string, name: string): Promise<ProcessOutcome> {
    const type = this.types.get(plural);
    const served = this.o.registry.get(plural);
    if (!type || !served) return;
    let fed: FederatedObject;
    let rv: string;
    try {
      // The watch's latest version saves a read, and lets the fan-out start in the same turn as the event.
      const stored = this.latest.get(key) ?? (await served.store.get(ns || undefined, name));
      fed = JSON.parse(stored.json) as FederatedObject;
      rv = stored.resourceVersion;
    } catch (err) {
      if ((err as { reason?: string }).reason === 'NotFound') return;
      throw err;
    }
    if (fed.metadata.deletionTimestamp) return this.finalize(key, type, served.store, fed, rv);
    if (!(fed.metadata.finalizers ?? []).includes(PROPAGATION_FINALIZER)) {
      await served.store.patch(ns || undefined, name, 'merge', JSON.stringify({ metadata: { finalizers: [...(fed.metadata.finalizers ?? []), PROPAGATION_FINALIZER], resourceVersion: rv } }));
      return;
    }
    if (!type.propagation) return;

    const { ref, placement, policy, adopt, previous, hasReplicas, schedule } = this.decide(type, fed);
    for (const e of schedule.explanations) {
      // A kind the member did not serve at its last discovery may be a CRD installed since: look again.
      if (e.filter === 'APIUnavailable') this.o.fleet.refreshDiscovery(e.cluster);
    }
    const decision = schedule.clusters.map((c) => (c.replicas === undefined ? c.name : `${c.name}=${c.replicas}`)).join(', ');
    if (this.decisions.get(key) !== decision) this.o.debug?.(`placed ${type.federatedKind} ${federatedName(fed)}: ${decision || 'nowhere'}`);
    this.decisions.set(key, decision);

    const overridePolicies = selectOverridePolicies(ref, [...this.overridePolicies.values()]);
    const chosen = new Set(schedule.clusters.map((c) => c.name));
    const results = await Promise.all([
      ...schedule.clusters.map((c) =>
        this.copies.sync(type, fed, c.name, c.replicas, overridePolicies, adopt, previous.get(c.name)),
      ),
      ...[...previous.keys()].filter((c) => !chosen.has(c)).map((c) => this.copies.remove(type, fed, c, previous.get(c)!)),
    ]);
    const clusters = results.filter((r): r is ClusterPropagationStatus => r !== undefined);
    const status = buildFederatedStatus({
      generation: fed.metadata.generation ?? 1,
      previous: fed.status,
      ...(policy ? { policy } : {}),
      scheduled:
        schedule.clusters.length > 0
          ? { ok: true, clusters: schedule.clusters.length }
          : schedule.unschedulable
            ? { ok: false, reason: 'Unschedulable', message: schedule.unschedulable }
            : { ok: false, reason: 'NoClusters', message: placement ? 'no member cluster matches the placement' : 'no spec.placement and no PropagationPolicy selects this object' },
      clusters,
      hasReplicas,
      now: nowTimestamp(),
    });
    await this.writeStatus(key, served.store, fed, rv, status);
    const problems = clusters.some((c) => c.phase === 'Pending' || c.phase === 'Failed' || c.phase === 'ClusterNotReady' || c.phase === 'Deleting');
    if (problems) return PROBLEM_RETRY;
    return schedule.requeueAfterMs !== undefined ? { requeueAfterMs: schedule.requeueAfterMs } : undefined;
  }

  /** Where an object goes now: its placement (own or a policy's) scheduled over the current members. */
  private decide(type: FederatedType, fed: FederatedObject) {
    const ns = fed.metadata.namespace ?? '';
    const name = String(fed.metadata.name);
    const ref: FederatedObjectRef = {
      ...(ns ? { namespace: ns } : {}),
      name,
      labels: fed.metadata.labels ?? {},
      templateApiVersion: targetApiVersion(type.target),
      templateKind: type.target.kind,
    };
    let placement = fed.spec.placement;
    let policy: PolicyReference | undefined;
    let conflictResolution = fed.metadata.annotations?.[CONFLICT_RESOLUTION_ANNOTATION];
    if (!placement) {
      const chosen = selectPropagationPolicy(ref, [...this.propagationPolicies.values()]);
      if (chosen) {
        placement = chosen.policy.spec.placement;
        policy = chosen.ref;
        conflictResolution ??= chosen.policy.spec.conflictResolution;
      }
    }
    const adopt = conflictResolution === 'Overwrite';
    const previous = new Map((fed.status?.clusters ?? []).map((c) => [c.name, c]));
    const holding = [...previous.values()].filter((c) => c.phase === 'Applied' || c.phase === 'ClusterNotReady' || c.phase === 'Failed').map((c) => c.name);
    const template = fed.spec.template as { spec?: { replicas?: unknown } };
    const hasReplicas = REPLICA_KINDS.has(`${type.target.group ?? ''}/${type.target.kind}`) || typeof template.spec?.replicas === 'number';
    const replicas = hasReplicas ? (typeof template.spec?.replicas === 'number' ? template.spec.replicas : 1) : undefined;
    const request = hasReplicas ? estimateReplicaRequest(fed.spec.template) : undefined;
    const schedule = schedulePlacement({
      placement,
      clusters: this.schedulable(),
      previous: holding,
      target: { apiVersion: targetApiVersion(type.target), kind: type.target.kind },
      ...(replicas !== undefined ? { replicas } : {}),
      ...(request ? { perReplicaRequest: request } : {}),
      ...(this.o.defaultNotReadyTolerationSeconds !== undefined ? { defaultNotReadyTolerationSeconds: this.o.defaultNotReadyTolerationSeconds } : {}),
      now: Date.now(),
    });
    return { ref, placement, policy, adopt, previous, hasReplicas, schedule };
  }

  /** The `placement` subresource: the scheduling decision for the object as of now, for every member. */
  async placementExplanation(plural: string, namespace: string | undefined, name: string): Promise<Record<string, unknown>> {
    const type = this.types.get(plural);
    const served = this.o.registry.get(plural);
    if (!type || !served) throw newNotFound({ group: GROUP, resource: plural }, name);
    const fed = JSON.parse((await served.store.get(namespace, name)).json) as FederatedObject;
    const { placement, policy, schedule } = this.decide(type, fed);
    return {
      apiVersion: API_VERSION,
      kind: PLACEMENT_EXPLANATION_KIND,
      metadata: { name, ...(namespace ? { namespace } : {}), ...(fed.metadata.uid ? { uid: fed.metadata.uid } : {}), generation: fed.metadata.generation ?? 1 },
      source: fed.spec.placement ? 'Spec' : policy ? policy.kind : 'None',
      ...(policy ? { policy } : {}),
      ...(placement ? {} : { message: 'no spec.placement and no PropagationPolicy selects this object' }),
      ...(schedule.unschedulable ? { unschedulable: schedule.unschedulable } : {}),
      clusters: schedule.explanations,
    };
  }

  private async writeStatus(key: string, store: ResourceStore, fed: FederatedObject, rv: string, status: FederatedStatus): Promise<void> {
    if (sameStatus(fed.status, status)) return;
    const body = { ...fed, metadata: { ...fed.metadata, resourceVersion: rv }, status };
    const held: string[] = [];
    this.statusWrites.set(key, held);
    let written: string | undefined;
    try {
      written = (await store.update(fed.metadata.namespace, String(fed.metadata.name), { object: body }, {}, 'status')).resourceVersion;
      this.ownWrites.set(key, written);
    } catch (err) {
      // A newer version is on its way through the watch; its reconcile writes the status.
      if ((err as { reason?: string }).reason !== 'Conflict' && (err as { reason?: string }).reason !== 'NotFound') throw err;
    } finally {
      this.statusWrites.delete(key);
      // Events held during the write that are not the write itself are changes to look at.
      if (held.some((v) => v !== written)) this.queue.add(key);
    }
  }

  /** Deletion of a Federated object: remove every copy (unless orphaning), then release the finalizers. */
  private async finalize(key: string, type: FederatedType, store: ResourceStore, fed: FederatedObject, rv: string): Promise<ProcessOutcome> {
    const finalizers = fed.metadata.finalizers ?? [];
    if (!finalizers.includes(PROPAGATION_FINALIZER) && !finalizers.includes(ORPHAN_FINALIZER) && !finalizers.includes(FOREGROUND_FINALIZER)) return;
    const orphan = fed.metadata.annotations?.[ORPHAN_ANNOTATION] === 'true' || finalizers.includes(ORPHAN_FINALIZER);
    const remaining: ClusterPropagationStatus[] = [];
    if (!orphan && type.propagation) {
      const clusters = new Map((fed.status?.clusters ?? []).map((c) => [c.name, c]));
      for (const m of this.o.fleet.members()) {
        if (!clusters.has(m.name) && m.client && this.copies.holds(m.name, type, fed)) {
          clusters.set(m.name, { name: m.name, phase: 'Applied' });
        }
      }
      const results = await Promise.all([...clusters.values()].map((c) => this.copies.remove(type, fed, c.name, c)));
      for (const r of results) if (r) remaining.push(r);
    }
    if (remaining.length > 0) {
      const status = buildFederatedStatus({
        generation: fed.metadata.generation ?? 1,
        previous: fed.status,
        ...(fed.status?.policy ? { policy: fed.status.policy } : {}),
        scheduled: { ok: false, reason: 'Deleting', message: 'the object is being deleted' },
        clusters: remaining,
        hasReplicas: false,
        now: nowTimestamp(),
      });
      await this.writeStatus(key, store, fed, rv, status);
      return PROBLEM_RETRY;
    }
    const left = finalizers.filter((f) => f !== PROPAGATION_FINALIZER && f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
    await store.update(fed.metadata.namespace, String(fed.metadata.name), { object: { ...fed, metadata: { ...fed.metadata, finalizers: left, resourceVersion: rv } } });
    return;
  }

  private async memberOrphans(name: string): Promise<boolean> {
    try {
      const stored = await this.o.registry.get('memberclusters')!.store.get(undefined, name);
      return ((JSON.parse(stored.json) as MemberCluster).metadata.finalizers ?? []).includes(ORPHAN_FINALIZER);
    } catch {
      return true;
    }
  }

  /** An unjoining member: once no Federated object holds a copy there (or they are orphaned), release it. */
  private async reconcileMember(name: string): Promise<ProcessOutcome> {
    const store = this.o.registry.get('memberclusters')!.store;
    let mc: MemberCluster;
    let rv: string;
    try {
      const stored = await store.get(undefined, name);
      mc = JSON.parse(stored.json) as MemberCluster;
      rv = stored.resourceVersion;
    } catch (err) {
      if ((err as { reason?: string }).reason === 'NotFound') {
        await this.copies.drop(name);
        return;
      }
      throw err;
    }
    if (!mc.metadata.deletionTimestamp) return;
    const finalizers = mc.metadata.finalizers ?? [];
    if (!finalizers.includes(MEMBER_CLEANUP_FINALIZER) && !finalizers.includes(ORPHAN_FINALIZER)) return;
    if (!finalizers.includes(ORPHAN_FINALIZER)) {
      for (const plural of this.types.keys()) {
        const served = this.o.registry.get(plural);
        if (!served) continue;
        const list = await served.store.list(undefined);
        for (const item of list.items) {
          const fed = JSON.parse(item.json) as FederatedObject;
          if ((fed.status?.clusters ?? []).some((c) => c.name === name && c.phase !== 'Conflict')) {
            this.queue.add(`${plural}/${item.namespace}/${item.name}`);
            return { requeueAfterMs: 1_000 };
          }
        }
      }
    }
    const left = finalizers.filter((f) => f !== MEMBER_CLEANUP_FINALIZER && f !== ORPHAN_FINALIZER);
    await store.update(undefined, name, { object: { ...mc, metadata: { ...mc.metadata, finalizers: left, resourceVersion: rv } } });
    return;
  }
}
