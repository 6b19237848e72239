import {
  CONFLICT_RESOLUTION_ANNOTATION,
  FEDERATED_KIND_ANNOTATION,
  FEDERATED_NAME_ANNOTATION,
  MANAGED_LABEL,
  MAX_DRIFT_FIELDS,
  RENDERED_HASH_ANNOTATION,
  type ClusterPropagationStatus,
  type FederatedObject,
  type OverridePolicy,
} from '../../api/federation/v1alpha1/index.js';
import type { KubeObject } from '../../api/meta/object-meta.js';
import type { MemberSnapshot } from '../members/member-fleet.js';
import { nowTimestamp } from '../registry/object-meta.js';
import { appliedProjection } from './applied-projection.js';
import { driftedFields } from './drifted-fields.js';
import { federatedName, type FederatedType } from './federated-type.js';
import type { FleetView } from './fleet-view.js';
import { MemberObjectCache } from './member-object-cache.js';
import { memberObjectState } from './member-object-state.js';
import { clusterWidePath, collectionPath, objectPath } from './member-resource-path.js';
import { MemberUnavailableError, MemberWriter } from './member-writer.js';
import { renderMemberObject, renderedHash } from './render-member-object.js';

export interface MemberCopiesOptions {
  readonly fleet: FleetView;
  readonly log: (msg: string, err?: unknown) => void;
  /** Member calls in flight per member. Default 32. */
  readonly concurrency?: number;
  /** Deadline of one member call. Default 10 s. */
  readonly timeoutMs?: number;
  /** A member object Herd manages changed (drift, status, deletion): the Federated object behind it needs a look. */
  readonly onMemberChange: (type: FederatedType, object: KubeObject) => void;
  /** A write's copy changed while the write was in flight: look at the Federated object again. */
  readonly relook: (type: FederatedType, fed: FederatedObject) => void;
  /** Whether an unjoining member is being deleted with orphaning (its copies stay). */
  readonly memberOrphans: (cluster: string) => Promise<boolean>;
}

function statusOf(body: string): { reason?: string; message?: string; details?: { kind?: string } } {
  try {
    return JSON.parse(body) as { reason?: string; message?: string };
  } catch {
    return { message: body.slice(0, 200) };
  }
}

/**
 * The copies of Federated objects in the members: one writer (bulkhead, deadline, retries, breaker) and one informer
 * per member and kind, and per copy the write itself. A copy is left alone when the member holds the current
 * rendering (rendered-hash) and nothing drifted from what the member answered to Herd's last apply; created when
 * Herd does not know it (a name taken by an object Herd does not manage is a Conflict unless adopting); otherwise
 * server-side applied as field manager `herd`.
 */
export class MemberCopies {
  private readonly writers = new Map<string, MemberWriter>();
  private readonly caches = new Map<string, { cache: MemberObjectCache; client: unknown }>();
  /** Per member copy: Herd's rendering projected onto the member's answer to the last apply (the drift baseline). */
  private readonly lastApplied = new Map<string, unknown>();
  /** Member copies with a write in flight, and those whose informer reported a change meanwhile. */
  private readonly writing = new Set<string>();
  private readonly missed = new Set<string>();
  /** The resourceVersion the write in flight produced, per member copy. */
  private readonly written = new Map<string, string>();

  constructor(private readonly o: MemberCopiesOptions) {}

  /** Whether the member's informer holds Herd's copy of `fed` (it may not be in the object's status yet). */
  holds(cluster: string, type: FederatedType, fed: FederatedObject): boolean {
    const ns = type.target.scope === 'Namespaced' ? fed.metadata.namespace : undefined;
    return this.caches.get(`${cluster}|${clusterWidePath(type.target)}`)?.cache.get(ns, String(fed.metadata.name)) !== undefined;
  }

  /** Forgets a member that left: its writer and informers. */
  async drop(cluster: string): Promise<void> {
    this.writers.delete(cluster);
    for (const [key, c] of this.caches) {
      if (key.startsWith(`${cluster}|`)) {
        this.caches.delete(key);
        await c.cache.stop();
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.caches.values()].map((c) => c.cache.stop()));
  }

  private memberEvent(cluster: string, type: FederatedType, object: KubeObject): void {
    const copy = `${cluster}|${clusterWidePath(type.target)}|${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    if (this.writing.has(copy)) {
      // Most likely the echo of the write in flight; the write's answer decides whether to look again.
      this.missed.add(copy);
      return;
    }
    this.o.onMemberChange(type, object);
  }

  private writer(member: MemberSnapshot): MemberWriter {
    let w = this.writers.get(member.name);
    if (!w || w.client !== member.client) {
      w = new MemberWriter(member.name, member.client!, {
        ...(this.o.concurrency ? { concurrency: this.o.concurrency } : {}),
        ...(this.o.timeoutMs ? { timeoutMs: this.o.timeoutMs } : {}),
      });
      this.writers.set(member.name, w);
    }
    return w;
  }

  private cache(member: MemberSnapshot, type: FederatedType): MemberObjectCache {
    const key = `${member.name}|${clusterWidePath(type.target)}`;
    const existing = this.caches.get(key);
    if (existing && existing.client === member.client) return existing.cache;
    if (existing) void existing.cache.stop();
    const cache = new MemberObjectCache({
      cluster: member.name,
      client: member.client!,
      path: clusterWidePath(type.target),
      labelSelector: `${MANAGED_LABEL}=true`,
      log: this.o.log,
      onEvent: (_type, object) => this.memberEvent(member.name, type, object),
    });
    this.caches.set(key, { cache, client: member.client });
    cache.start();
    return cache;
  }

  /** Brings one member's copy to the current rendering and reports where it stands. */
  async sync(
    type: FederatedType,
    fed: FederatedObject,
    clusterName: string,
    replicas: number | undefined,
    overridePolicies: readonly OverridePolicy[],
    adopt: boolean,
    prev: ClusterPropagationStatus | undefined,
  ): Promise<ClusterPropagationStatus> {
    const base = (phase: ClusterPropagationStatus['phase'], reason?: string, message?: string): ClusterPropagationStatus => ({
      ...(prev ?? {}),
      name: clusterName,
      phase,
      ...(replicas !== undefined ? { replicas } : {}),
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    });
    const clean = (s: ClusterPropagationStatus): ClusterPropagationStatus => {
      if (s.phase === 'Applied') {
        delete s.reason;
        delete s.message;
      }
      return s;
    };
    const member = this.o.fleet.get(clusterName);
    if (!member) return base('ClusterNotReady', 'ClusterNotFound', `member cluster ${clusterName} is not joined`);
    const rendered = renderMemberObject({ federated: fed, target: type.target, cluster: { name: clusterName, labels: member.labels }, ...(replicas !== undefined ? { replicas } : {}), overridePolicies });
    if (!rendered.ok) return base('Failed', rendered.reason, rendered.message);
    if (!member.client) return base('ClusterNotReady', 'CredentialsUnavailable', `the credentials of ${clusterName} could not be read`);
    if (!member.ready) return base('ClusterNotReady', 'ClusterNotReady', `member cluster ${clusterName} is not Ready; the write is kept and retried`);
    const cache = this.cache(member, type);
    if (!cache.synced && !(await cache.waitForSync(5_000))) return base('ClusterNotReady', 'CacheNotSynced', `cannot list ${type.target.pluralName} in ${clusterName} yet`);
    const writer = this.writer(member);
    const object = rendered.object;
    const hash = renderedHash(object);
    object.metadata.annotations = { ...(object.metadata.annotations ?? {}), [RENDERED_HASH_ANNOTATION]: hash };
    const ns = type.target.scope === 'Namespaced' ? fed.metadata.namespace : undefined;
    const name = String(fed.metadata.name);
    const live = cache.get(ns, name);
    const copyKey = `${clusterName}|${clusterWidePath(type.target)}|${ns ?? ''}/${name}`;
    let drift: ClusterPropagationStatus['drift'] = prev?.drift;
    const applied = (obj: KubeObject): ClusterPropagationStatus => {
      const s: ClusterPropagationStatus = { ...base('Applied'), ...(drift ? { drift } : {}) };
      if (type.statusCollection) {
        const state = memberObjectState(type.target.group ?? '', type.target.kind, obj);
        Object.assign(s, {
          ready: state.ready,
          ...(state.generation !== undefined ? { generation: state.generation } : {}),
          ...(state.observedGeneration !== undefined ? { observedGeneration: state.observedGeneration } : {}),
          ...(state.readyReplicas !== undefined ? { readyReplicas: state.readyReplicas } : {}),
          ...(state.availableReplicas !== undefined ? { availableReplicas: state.availableReplicas } : {}),
          ...(state.updatedReplicas !== undefined ? { updatedReplicas: state.updatedReplicas } : {}),
        });
      }
      return clean(s);
    };
    this.writing.add(copyKey);
    try {
      const result = await this.writeCopy(type, fed, clusterName, writer, cache, object, hash, live, copyKey, adopt, applied, base, (d) => (drift = d));
      if (this.missed.has(copyKey) && cache.get(ns, name)?.metadata.resourceVersion !== this.written.get(copyKey)) {
        // The informer saw a version other than the one this write produced: look again.
        this.o.relook(type, fed);
      }
      return result;
    } catch (err) {
      if (err instanceof MemberUnavailableError) {
        this.o.fleet.probeSoon(clusterName);
        return base('ClusterNotReady', 'Unreachable', `${clusterName}: ${err.message}; the write is kept and retried`);
      }
      throw err;
    } finally {
      this.writing.delete(copyKey);
      this.missed.delete(copyKey);
      this.written.delete(copyKey);
    }
  }

  /** The write itself: skip when current, create when unknown, apply when Herd's; reports drift through `setDrift`. */
  private async writeCopy(
    type: FederatedType,
    fed: FederatedObject,
    clusterName: string,
    writer: MemberWriter,
    cache: MemberObjectCache,
    object: KubeObject,
    hash: string,
    live: KubeObject | undefined,
    copyKey: string,
    adopt: boolean,
    applied: (o: KubeObject) => ClusterPropagationStatus,
    base: (phase: ClusterPropagationStatus['phase'], reason?: string, message?: string) => ClusterPropagationStatus,
    setDrift: (d: NonNullable<ClusterPropagationStatus['drift']>) => void,
  ): Promise<ClusterPropagationStatus> {
    const ns = type.target.scope === 'Namespaced' ? fed.metadata.namespace : undefined;
    const name = String(fed.metadata.name);
    const path = objectPath(type.target, ns, name);
    {
      if (live && live.metadata.annotations?.[FEDERATED_NAME_ANNOTATION] === federatedName(fed)) {
        if (live.metadata.annotations?.[RENDERED_HASH_ANNOTATION] === hash) {
          const baseline = this.lastApplied.get(copyKey);
          if (baseline !== undefined) {
            // Compare with what the member answered to Herd's apply: normalised values are not drift.
            const fields = driftedFields(baseline, live);
            if (fields.length === 0) return applied(live);
            setDrift({ count: fields.length, fields: fields.slice(0, MAX_DRIFT_FIELDS), lastDetectedTime: nowTimestamp() });
            this.o.log(`drift in ${clusterName}: ${type.target.kind} ${federatedName(fed)} changed at ${fields.slice(0, MAX_DRIFT_FIELDS).join(', ')}; reapplying`);
          } else if (driftedFields(object, live).length === 0) {
            // First sight since Herd started: the member matches the rendering, so its values are the baseline.
            this.lastApplied.set(copyKey, appliedProjection(object, live));
            return applied(live);
          }
          // Otherwise re-apply once without calling it drift: the difference may be the member's normalisation.
        }
        await this.ownApplyFields(writer, path, live);
        return this.applyResult(await writer.apply(path, object), cache, applied, base, object, copyKey);
      }
      // Not known as Herd's: create it, which fails if something else has the name.
      let res = await writer.create(collectionPath(type.target, ns), object);
      if (res.status === 404 && ns && statusOf(res.body).details?.kind === 'namespaces') {
        await this.ensureNamespace(writer, ns);
        res = await writer.create(collectionPath(type.target, ns), object);
      }
      if (res.status !== 409 || statusOf(res.body).reason !== 'AlreadyExists') return this.applyResult(res, cache, applied, base, object, copyKey);
      const existing = await writer.get(path);
      if (existing.status === 200) {
        const current = JSON.parse(existing.body) as KubeObject;
        const managed = current.metadata.labels?.[MANAGED_LABEL] === 'true';
        const owner = current.metadata.annotations?.[FEDERATED_NAME_ANNOTATION];
        // Herd's own: written for this object, or a namespace Herd created for other objects (it names no owner).
        const ours = managed && ((owner === federatedName(fed) && current.metadata.annotations?.[FEDERATED_KIND_ANNOTATION] === fed.kind) || owner === undefined);
        if (!ours && !adopt) {
          return base('Conflict', 'AlreadyExists', `a ${type.target.kind} named ${name} that Herd does not manage exists in ${clusterName}; set the annotation ${CONFLICT_RESOLUTION_ANNOTATION}=Overwrite to adopt it`);
        }
        await this.ownApplyFields(writer, path, current);
      }
      return this.applyResult(await writer.apply(path, object), cache, applied, base, object, copyKey);
    }
  }

  private applyResult(
    res: { status: number; body: string },
    cache: MemberObjectCache,
    applied: (o: KubeObject) => ClusterPropagationStatus,
    base: (phase: ClusterPropagationStatus['phase'], reason?: string, message?: string) => ClusterPropagationStatus,
    rendered: KubeObject,
    copyKey: string,
  ): ClusterPropagationStatus {
    if (res.status === 200 || res.status === 201) {
      const obj = JSON.parse(res.body) as KubeObject;
      cache.observe(obj);
      if (obj.metadata.resourceVersion) this.written.set(copyKey, obj.metadata.resourceVersion);
      this.lastApplied.set(copyKey, appliedProjection(rendered, obj));
      return applied(obj);
    }
    if (res.status === 401) return base('ClusterNotReady', 'CredentialsInvalid', 'the member refused Herd\'s credentials');
    const st = statusOf(res.body);
    return base('Failed', st.reason || `HTTP${res.status}`, st.message ?? `HTTP ${res.status}`);
  }

  /**
   * An object Herd created with POST has its fields under manager `herd` with operation Update; server-side apply
   * would then never remove a field dropped from the template. Turning that entry into herd's Apply entry (what an
   * apply-create records) fixes ownership once.
   */
  private async ownApplyFields(writer: MemberWriter, path: string, live: KubeObject): Promise<void> {
    const entries = live.metadata.managedFields ?? [];
    const i = entries.findIndex((e) => e.manager === 'herd' && e.operation === 'Update' && !e.subresource);
    if (i < 0) return;
    const hasApply = entries.some((e) => e.manager === 'herd' && e.operation === 'Apply' && !e.subresource);
    const ops = hasApply
      ? [{ op: 'test', path: '/metadata/resourceVersion', value: live.metadata.resourceVersion }, { op: 'remove', path: `/metadata/managedFields/${i}` }]
      : [{ op: 'test', path: '/metadata/resourceVersion', value: live.metadata.resourceVersion }, { op: 'replace', path: `/metadata/managedFields/${i}/operation`, value: 'Apply' }];
    await writer.jsonPatch(path, ops);
  }

  private async ensureNamespace(writer: MemberWriter, ns: string): Promise<void> {
    const res = await writer.create('/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { [MANAGED_LABEL]: 'true' }, annotations: { [FEDERATED_KIND_ANNOTATION]: 'Namespace' } },
    });
    if (res.status !== 201 && res.status !== 409) throw new Error(`creating namespace ${ns}: HTTP ${res.status} ${statusOf(res.body).message ?? ''}`);
  }

  /**
   * Removes the copy from a member no longer chosen; undefined once it is gone (or was never Herd's). A leaving member
   * whose MemberCluster is deleted with orphaning keeps it.
   */
  async remove(type: FederatedType, fed: FederatedObject, clusterName: string, prev: ClusterPropagationStatus): Promise<ClusterPropagationStatus | undefined> {
    if (prev.phase === 'Conflict' || prev.phase === 'Pending') return undefined;
    const member = this.o.fleet.get(clusterName);
    if (!member) return undefined;
    if (member.leaving && (await this.o.memberOrphans(clusterName))) return undefined;
    const deleting = (reason: string, message: string): ClusterPropagationStatus => ({ name: clusterName, phase: 'Deleting', reason, message, ...(prev.lastTransitionTime ? { lastTransitionTime: prev.lastTransitionTime } : {}) });
    if (!member.client || !member.ready) return deleting('ClusterNotReady', `member cluster ${clusterName} is not Ready; the copy is removed when it is back`);
    const ns = type.target.scope === 'Namespaced' ? fed.metadata.namespace : undefined;
    const name = String(fed.metadata.name);
    const cache = this.cache(member, type);
    if (!cache.synced && !(await cache.waitForSync(5_000))) return deleting('CacheNotSynced', `cannot list ${type.target.pluralName} in ${clusterName} yet`);
    const live = cache.get(ns, name);
    if (!live || live.metadata.annotations?.[FEDERATED_NAME_ANNOTATION] !== federatedName(fed)) return undefined;
    try {
      const res = await this.writer(member).delete(objectPath(type.target, ns, name), live.metadata.uid ? { uid: live.metadata.uid } : undefined);
      if (res.status === 200 || res.status === 202 || res.status === 404 || res.status === 409) {
        cache.forget(ns, name);
        this.lastApplied.delete(`${clusterName}|${clusterWidePath(type.target)}|${ns ?? ''}/${name}`);
        return undefined;
      }
      const st = statusOf(res.body);
      return deleting(st.reason || `HTTP${res.status}`, st.message ?? `HTTP ${res.status}`);
    } catch (err) {
      if (err instanceof MemberUnavailableError) return deleting('Unreachable', `${clusterName}: ${err.message}`);
      throw err;
    }
  }
}
