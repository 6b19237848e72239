import type { MemberCluster } from '../../api/federation/v1alpha1/member-cluster.js';
import type { ResourceStore } from '../registry/resource-store.js';
import { nowTimestamp } from '../registry/object-meta.js';
import type { StoredObject } from '../storage/storage.js';
import { ClusterClient, type ClusterConnection } from './cluster-client.js';
import { describeRef, type CredentialStore } from './credential-store.js';
import { isCredentialStoreError } from './credential-store-error.js';
import { describeFailure } from './describe-failure.js';
import { connectionFingerprint, memberConnection } from './member-connection.js';
import { probeMember } from './member-probe.js';
import { snapshotChanged, snapshotOf, type MemberSnapshot } from './member-snapshot.js';
import { nextMemberStatus, statusNeedsWrite, type HealthOutcome } from './member-status.js';

export type { MemberSnapshot } from './member-snapshot.js';

export interface MemberFleetOptions {
  /** The store of MemberClusters. */
  readonly store: ResourceStore;
  readonly credentials: CredentialStore;
  /** Messages and errors; neither ever carries credentials. */
  readonly log?: (msg: string, err?: unknown) => void;
  /** Milliseconds since the epoch; probe times, rate limits and the discovery interval read it. */
  readonly now?: () => number;
  /** Connections per member client. Default 16. */
  readonly clientConnections?: number;
  /** Builds a member's client (tests fake members with it). Default: `new ClusterClient(connection, …)`. */
  readonly createClient?: (name: string, connection: ClusterConnection) => ClusterClient;
}

const DEFAULT_PERIOD_S = 10;
const DEFAULT_TIMEOUT_S = 5;
const DEFAULT_FAILURE_THRESHOLD = 2;
const DEFAULT_SUCCESS_THRESHOLD = 1;
const DISCOVERY_INTERVAL_MS = 5 * 60_000;
const DISCOVERY_ON_DEMAND_GAP_MS = 10_000;
/**
 * Node and resource summaries are re-read at most this often: they list every active pod of the member, which on a
 * big member is the costliest part of a probe by far, while Ready comes from every probe.
 */
const SUMMARY_INTERVAL_MS = 30_000;
const MIN_PROBE_GAP_MS = 1000;
const MAX_CONFLICT_RETRIES = 5;

interface MemberState {
  readonly name: string;
  object: MemberCluster;
  rv: bigint;
  snapshot: MemberSnapshot;
  /** Spec, labels and annotations: a change re-reads the credentials and discovery. */
  configKey: string;
  client?: ClusterClient;
  fingerprint?: string;
  needCredentials: boolean;
  failures: number;
  successes: number;
  discoveredAt?: number;
  discoveryDue: boolean;
  summarizedAt?: number;
  lastProbeStart: number;
  probing?: Promise<void>;
  /** probeSoon() was asked for while a probe ran. */
  soon: boolean;
  timer?: { readonly handle: NodeJS.Timeout; readonly at: number };
  /** The last message logged for this member, so a lasting failure is logged once. */
  lastLogged?: string;
  removed: boolean;
}

const configKeyOf = (mc: MemberCluster) => JSON.stringify([mc.spec, mc.metadata.labels ?? {}, mc.metadata.annotations ?? {}]);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Herd's live view of its members. Follows the MemberCluster store (list, then watch from that revision; a broken
 * watch resumes from the last revision seen, and a failing one relists), keeps one ClusterClient per member built
 * from its spec and the credentials its secretRef names, and probes every member each `spec.healthCheck.periodSeconds`
 * (see probeMember), writing what it finds to the MemberCluster's status. Credentials are read again when the
 * MemberCluster changes and after the member refuses them; a member whose credentials cannot be read has no client
 * and is not Ready. Listeners hear of members added or removed and of every change that matters to placement and
 * propagation (readiness, labels, taints, cordon, leaving, capacity, served APIs, client).
 */
export class MemberFleet {
  private readonly states = new Map<string, MemberState>();
  private readonly listeners = new Set<(name: string) => void>();
  private readonly closing = new Set<Promise<void>>();
  private readonly log: (msg: string, err?: unknown) => void;
  private readonly now: () => number;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private watch: { stop(): void } | undefined;

  constructor(private readonly o: MemberFleetOptions) {
    this.log = o.log ?? (() => {});
    this.now = o.now ?? Date.now;
  }

  /** Lists the members (they are in `members()` when this resolves), starts probing them and follows changes. */
  async start(): Promise<void> {
    const rv = await this.relist();
    this.loop = this.follow(rv);
  }

  /** Stops following and probing, waits for probes in flight and closes every client. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.stop();
    await this.loop;
    for (const st of this.states.values()) if (st.timer) clearTimeout(st.timer.handle);
    await Promise.all([...this.states.values()].map((st) => st.probing));
    for (const st of this.states.values()) this.closeClient(st.client);
    await Promise.all(this.closing);
  }

  members(): MemberSnapshot[] {
    return [...this.states.values()].map((s) => s.snapshot).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): MemberSnapshot | undefined {
    return this.states.get(name)?.snapshot;
  }

  onChange(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A fan-out call failed at the network level or with 401: probe this member now (rate-limited to once per second). */
  probeSoon(name: string): void {
    const st = this.states.get(name);
    if (!st || this.stopped || st.removed) return;
    if (st.probing) {
      st.soon = true;
      return;
    }
    this.arm(st, Math.max(0, st.lastProbeStart + MIN_PROBE_GAP_MS - this.now()));
  }

  /**
   * Something needs a kind this member did not serve at its last discovery (a CRD installed since): read discovery
   * again with the next probe, at most once per DISCOVERY_ON_DEMAND_GAP_MS per member.
   */
  refreshDiscovery(name: string): void {
    const st = this.states.get(name);
    if (!st || this.stopped || st.removed || st.discoveryDue) return;
    if (st.discoveredAt !== undefined && this.now() - st.discoveredAt < DISCOVERY_ON_DEMAND_GAP_MS) return;
    st.discoveryDue = true;
    this.probeSoon(name);
  }

  // --- following the store ---

  private async relist(): Promise<string> {
    const list = await this.o.store.list(undefined);
    const seen = new Set<string>();
    for (const item of list.items) {
      seen.add(item.name);
      this.upsert(item, true);
    }
    for (const name of [...this.states.keys()]) if (!seen.has(name)) this.remove(name);
    return list.resourceVersion;
  }

  private async follow(fromRv: string): Promise<void> {
    let rv = fromRv;
    while (!this.stopped) {
      try {
        const watch = await this.o.store.watch(undefined, { resourceVersion: rv });
        this.watch = watch;
        if (this.stopped) watch.stop();
        for await (const event of watch) {
          rv = event.resourceVersion;
          if (event.type === 'BOOKMARK') continue;
          if (event.type === 'DELETED') this.remove(event.object.name);
          else this.upsert(event.object);
        }
        if (!this.stopped) await sleep(200);
      } catch (err) {
        if (this.stopped) return;
        this.log('the MemberCluster watch failed; listing again', err);
        await sleep(500);
        try {
          rv = await this.relist();
        } catch (listErr) {
          this.log('listing MemberClusters failed', listErr);
        }
      }
    }
  }

  /** Takes a newer version of a MemberCluster (older ones, such as a late watch event after a status write, are ignored). */
  private upsert(stored: StoredObject, fromList = false): void {
    const mc = JSON.parse(stored.json) as MemberCluster;
    const rv = BigInt(stored.resourceVersion || '0');
    const st = this.states.get(stored.name);
    if (!st) {
      const created: MemberState = {
        name: stored.name,
        object: mc,
        rv,
        snapshot: snapshotOf(mc, undefined),
        configKey: configKeyOf(mc),
        needCredentials: true,
        failures: 0,
        successes: 0,
        discoveryDue: true,
        lastProbeStart: -Infinity,
        soon: false,
        removed: false,
      };
      this.states.set(stored.name, created);
      this.emit(stored.name);
      if (!this.stopped) this.arm(created, 0);
      return;
    }
    if (rv <= st.rv && !fromList) return;
    st.object = mc;
    st.rv = rv;
    const key = configKeyOf(mc);
    if (key !== st.configKey) {
      st.configKey = key;
      st.needCredentials = true;
      st.discoveryDue = true;
      this.probeSoon(st.name);
    }
    this.refreshSnapshot(st);
  }

  private remove(name: string): void {
    const st = this.states.get(name);
    if (!st) return;
    st.removed = true;
    if (st.timer) clearTimeout(st.timer.handle);
    this.states.delete(name);
    const client = st.client;
    // A probe in flight still uses the client; close it once that probe is done.
    void (st.probing ?? Promise.resolve()).then(() => this.closeClient(client));
    this.emit(name);
  }

  private refreshSnapshot(st: MemberState): void {
    const next = snapshotOf(st.object, st.client);
    const changed = snapshotChanged(st.snapshot, next);
    st.snapshot = next;
    if (changed) this.emit(st.name);
  }

  private emit(name: string): void {
    for (const l of this.listeners) {
      try {
        l(name);
      } catch (err) {
        this.log(`a member listener failed for ${name}`, err);
      }
    }
  }

  private closeClient(client: ClusterClient | undefined): void {
    if (!client) return;
    const p = client.close().catch(() => {});
    this.closing.add(p);
    void p.then(() => this.closing.delete(p));
  }

  // --- probing ---

  private arm(st: MemberState, delayMs: number): void {
    if (this.stopped || st.removed) return;
    const at = this.now() + delayMs;
    if (st.timer && st.timer.at <= at) return;
    if (st.timer) clearTimeout(st.timer.handle);
    const handle = setTimeout(() => {
      st.timer = undefined;
      void this.probe(st);
    }, delayMs);
    handle.unref();
    st.timer = { handle, at };
  }

  private healthCheck(st: MemberState): { periodMs: number; timeoutMs: number; failureThreshold: number; successThreshold: number } {
    const hc = st.object.spec.healthCheck ?? {};
    return {
      periodMs: (hc.periodSeconds ?? DEFAULT_PERIOD_S) * 1000,
      timeoutMs: (hc.timeoutSeconds ?? DEFAULT_TIMEOUT_S) * 1000,
      failureThreshold: hc.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD,
      successThreshold: hc.successThreshold ?? DEFAULT_SUCCESS_THRESHOLD,
    };
  }

  private probe(st: MemberState): Promise<void> {
    if (st.probing) return st.probing;
    st.probing = this.probeOnce(st)
      .catch((err: unknown) => this.log(`probing member ${st.name} failed`, err))
      .finally(() => {
        st.probing = undefined;
        const soon = st.soon;
        st.soon = false;
        const gap = Math.max(0, st.lastProbeStart + MIN_PROBE_GAP_MS - this.now());
        this.arm(st, soon ? gap : this.healthCheck(st).periodMs);
      });
    return st.probing;
  }

  private async probeOnce(st: MemberState): Promise<void> {
    st.lastProbeStart = this.now();
    if (st.timer) {
      clearTimeout(st.timer.handle);
      st.timer = undefined;
    }
    const hc = this.healthCheck(st);
    let outcome = await this.connect(st);
    if (!outcome && st.client) {
      const discovery = st.discoveryDue || st.discoveredAt === undefined || this.now() - st.discoveredAt >= DISCOVERY_INTERVAL_MS;
      const summary = st.summarizedAt === undefined || this.now() - st.summarizedAt >= SUMMARY_INTERVAL_MS;
      const result = await probeMember(st.client, { timeoutMs: hc.timeoutMs, discovery, summary });
      if (summary && result.resourceSummary) st.summarizedAt = this.now();
      if (this.stopped || st.removed) return;
      if (discovery && result.apiEnablements) {
        st.discoveredAt = this.now();
        st.discoveryDue = false;
      }
      if (result.discoveryNotes?.length) this.report(st, `member ${st.name}: ${result.discoveryNotes.join('; ')}`);
      if (result.failure) {
        outcome = { healthy: false, reason: result.failure.kind, message: result.failure.message };
        if (result.failure.kind === 'Unauthorized') {
          // Perhaps the Secret was rotated: read it again, and probe again soon when it changed.
          st.needCredentials = true;
          const before = st.client;
          await this.connect(st);
          if (st.client !== before) st.soon = true;
        }
      } else {
        outcome = { healthy: true, probe: result };
      }
    }
    if (!outcome || this.stopped || st.removed) return;
    if (outcome.healthy) {
      st.successes++;
      st.failures = 0;
    } else {
      st.failures++;
      st.successes = 0;
    }
    await this.writeStatus(st, outcome, hc);
  }

  /**
   * Reads the credentials when needed and (re)builds the client when the connection changed. Returns the outcome
   * to report when the credentials cannot be read; the old client, if any, is dropped then.
   */
  private async connect(st: MemberState): Promise<HealthOutcome | undefined> {
    if (!st.needCredentials && st.client) return undefined;
    const spec = st.object.spec;
    const ref = spec.secretRef;
    try {
      const creds = await this.o.credentials.read(ref);
      if (this.stopped || st.removed) return undefined;
      const connection = memberConnection(spec, creds);
      const fingerprint = connectionFingerprint(connection);
      st.needCredentials = false;
      if (fingerprint === st.fingerprint && st.client) return undefined;
      const old = st.client;
      st.client = this.o.createClient?.(st.name, connection) ?? new ClusterClient(connection, { connections: this.o.clientConnections ?? 16 });
      st.fingerprint = fingerprint;
      if (spec.proxyURL) this.report(st, `member ${st.name}: spec.proxyURL is not supported yet; connecting directly`);
      this.refreshSnapshot(st);
      this.closeClient(old);
      return undefined;
    } catch (err) {
      const message = isCredentialStoreError(err) ? err.message : `reading credentials ${describeRef(ref)}: ${describeFailure(err)}`;
      this.report(st, `member ${st.name}: ${message}`);
      if (st.client) {
        const old = st.client;
        st.client = undefined;
        st.fingerprint = undefined;
        this.refreshSnapshot(st);
        this.closeClient(old);
      }
      return { healthy: false, reason: 'CredentialsUnavailable', message };
    }
  }

  /** Logs a message once, until a different one comes. */
  private report(st: MemberState, message: string): void {
    if (st.lastLogged === message) return;
    st.lastLogged = message;
    this.log(message);
  }

  private async writeStatus(st: MemberState, outcome: HealthOutcome, hc: { failureThreshold: number; successThreshold: number }): Promise<void> {
    let base = st.object;
    let rv = st.rv;
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      if (this.stopped || st.removed) return;
      const nowMs = this.now();
      const status = nextMemberStatus({
        previous: base.status,
        generation: base.metadata.generation,
        outcome,
        counters: { failures: st.failures, successes: st.successes },
        failureThreshold: hc.failureThreshold,
        successThreshold: hc.successThreshold,
        now: nowTimestamp(new Date(nowMs)),
      });
      if (!statusNeedsWrite(base.status, status, nowMs)) return;
      this.logTransition(st, base, status, outcome);
      const object = { ...base, metadata: { ...base.metadata, resourceVersion: rv.toString() }, status };
      try {
        const stored = await this.o.store.update(undefined, st.name, { object }, {}, 'status');
        if (!st.removed) this.upsert(stored);
        return;
      } catch (err) {
        const reason = (err as { reason?: string }).reason;
        if (reason === 'NotFound') return;
        if (reason !== 'Conflict') {
          this.log(`writing the status of MemberCluster ${st.name}`, err);
          return;
        }
        try {
          const fresh = await this.o.store.get(undefined, st.name);
          base = JSON.parse(fresh.json) as MemberCluster;
          rv = BigInt(fresh.resourceVersion);
        } catch {
          return;
        }
      }
    }
  }

  private logTransition(st: MemberState, base: MemberCluster, status: NonNullable<MemberCluster['status']>, outcome: HealthOutcome): void {
    const before = base.status?.conditions?.find((c) => c.type === 'Ready');
    const after = status.conditions?.find((c) => c.type === 'Ready');
    if (!after || (before?.status === after.status && before.reason === after.reason)) return;
    const text = after.status === 'True' ? `member ${st.name} is Ready` : `member ${st.name} is not Ready: ${after.reason}: ${outcome.healthy ? '' : outcome.message}`;
    st.lastLogged = undefined;
    this.log(text);
  }
}
