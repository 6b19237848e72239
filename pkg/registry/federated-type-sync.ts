import {
  GROUP,
  defaultFederatedTypeConfigs,
  federatedResourceDefinition,
  resourceDefinitions,
  staticResourceDefinitions,
  targetKey,
  type FederatedTypeConfig,
  type TargetType,
} from '../../api/federation/v1alpha1/index.js';
import type { JSONSchemaProps, ResourceDefinition } from '../../api/meta/resource-definition.js';
import type { ApiGroupRegistry } from './api-group-registry.js';
import { establishedStatus, type Established } from './federated-type-sync-status.js';
import type { ResourceStore, Strategy } from './resource-store.js';
import type { KubeObject } from './object-meta.js';
import { federatedObjectStrategy } from './federated-object-strategy.js';

const STATIC_PLURALS = new Set(staticResourceDefinitions.map((d) => d.plural));
const STATIC_KINDS = new Set(staticResourceDefinitions.map((d) => d.kind));

/** The target's whole-object schema, or undefined when the source does not publish one for the kind. */
export type ResolveTargetSchema = (target: TargetType) => Promise<JSONSchemaProps | undefined>;

export interface FederatedTypeSyncOptions {
  readonly log?: (msg: string, err?: unknown) => void;
  /** Where spec.template schemas come from; without it every template is kept as sent. */
  readonly resolveSchema?: ResolveTargetSchema;
  /** The cluster `resolveSchema` reads, recorded in `status.templateSchemaCluster`. */
  readonly schemaCluster?: string;
  /** Deadline for resolving the schemas of one sync, together. Default 10 s. */
  readonly resolveTimeoutMs?: number;
  /** Waits before trying again while some schema is missing (the last one repeats). */
  readonly retryDelaysMs?: readonly number[];
  /** How often every schema is read again, to follow changed CRDs; 0 never. Default 5 min. */
  readonly refreshIntervalMs?: number;
  /** Checks the template of a Federated object of `target` before it is stored (a member dry run). */
  readonly admitTemplate?: (target: TargetType, object: KubeObject) => Promise<void>;
}

interface Config {
  readonly ftc: FederatedTypeConfig;
  readonly resourceVersion: string;
}

/**
 * Keeps the served Federated<Kind> resources equal to the FederatedTypeConfig objects: installs the defaults once
 * (as ordinary objects a user may edit or delete), then follows the FederatedTypeConfig watch and re-derives the
 * resource set on every change, so a new config is in discovery and OpenAPI within a second of being written.
 *
 * Each sync, in order: list the configs; resolve the target schemas not yet known (all of them on a refresh), in
 * parallel and under one deadline, keeping the last known schema when a read fails; add, replace and remove served
 * resources (a plural or kind that is already taken is a NameConflict); write each config's status where it
 * differs. Syncs never overlap: events arriving during one fold into the next. Status writes come back as watch
 * events, but the next sync finds nothing to change, so they do not loop.
 */
export class FederatedTypeSync {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private current: { stop(): void } | undefined;
  /** Served Federated plural → JSON of the definition it should have. */
  private readonly served = new Map<string, string>();
  /** Served plurals whose schema was refused, so they fell back to the template kept as sent. */
  private readonly fallback = new Set<string>();
  private readonly schemas = new Map<string, JSONSchemaProps>();
  private readonly reported = new Set<string>();
  private running: Promise<void> | undefined;
  private dirty = false;
  private refreshAll = false;
  private timer: { readonly handle: NodeJS.Timeout; readonly kind: 'retry' | 'refresh' } | undefined;
  private retries = 0;
  /** Target keys whose schema was missing after the last sync. */
  private missing = new Set<string>();
  private lastRv = '';
  private readonly log: (msg: string, err?: unknown) => void;

  constructor(
    private readonly registry: ApiGroupRegistry,
    private readonly configs: ResourceStore,
    private readonly options: FederatedTypeSyncOptions = {},
  ) {
    this.log = options.log ?? (() => {});
  }

  /** Installs the defaults when no FederatedTypeConfig exists, syncs, then follows changes. */
  async start(): Promise<void> {
    const existing = await this.configs.list(undefined);
    if (existing.items.length === 0) {
      for (const ftc of defaultFederatedTypeConfigs()) {
        try {
          await this.configs.create(undefined, { object: ftc }, { fieldValidation: 'Strict' });
        } catch (err) {
          if ((err as { reason?: string }).reason !== 'AlreadyExists') throw err;
        }
      }
    }
    const rv = await this.sync();
    this.loop = this.follow(rv);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer.handle);
    this.current?.stop();
    await this.loop?.catch(() => {});
    await this.running;
  }

  /** Asks for a sync; resolves when no sync is pending any more. */
  private kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.dirty = true;
    this.running ??= (async () => {
      while (this.dirty && !this.stopped) {
        this.dirty = false;
        try {
          await this.sync();
        } catch (err) {
          this.log('syncing the FederatedTypeConfigs failed', err);
        }
      }
      this.running = undefined;
    })();
    return this.running;
  }

  private async follow(fromRv: string): Promise<void> {
    let rv = fromRv;
    while (!this.stopped) {
      try {
        const watch = await this.configs.watch(undefined, { resourceVersion: rv });
        this.current = watch;
        if (this.stopped) watch.stop();
        for await (const event of watch) {
          if (this.stopped) break;
          rv = event.resourceVersion;
          if (event.type !== 'BOOKMARK') void this.kick();
        }
      } catch (err) {
        if (this.stopped) return;
        this.log('FederatedTypeConfig watch ended; resyncing', err);
        await new Promise((r) => setTimeout(r, 500));
        await this.kick();
        rv = this.lastRv;
      }
    }
  }

  private async sync(): Promise<string> {
    const list = await this.configs.list(undefined);
    const configs: Config[] = list.items.map((o) => ({ ftc: JSON.parse(o.json) as FederatedTypeConfig, resourceVersion: o.resourceVersion }));
    const full = this.refreshAll;
    this.refreshAll = false;
    await this.resolveSchemas(configs.map((c) => c.ftc.spec.targetType), full);
    const outcomes = this.serve(configs.map((c) => c.ftc));
    for (const [i, config] of configs.entries()) await this.writeStatus(config, outcomes[i]!);
    this.schedule(configs);
    this.lastRv = list.resourceVersion;
    return list.resourceVersion;
  }

  private async resolveSchemas(targets: readonly TargetType[], full: boolean): Promise<void> {
    const byKey = new Map(targets.map((t) => [targetKey(t), t]));
    for (const key of [...this.schemas.keys()]) if (!byKey.has(key)) this.schemas.delete(key);
    for (const key of [...this.reported]) if (!byKey.has(key)) this.reported.delete(key);
    const resolve = this.options.resolveSchema;
    const todo = [...byKey].filter(([key]) => full || !this.schemas.has(key));
    if (!resolve || todo.length === 0) return;
    const ms = this.options.resolveTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    });
    deadline.catch(() => {});
    await Promise.all(
      todo.map(async ([key, target]) => {
        try {
          const schema = await Promise.race([resolve(target), deadline]);
          if (schema) {
            this.schemas.set(key, schema);
            this.reported.delete(key);
          } else {
            this.schemas.delete(key);
            this.report(key, `no schema is published for ${key}; its templates are kept as sent until one is`);
          }
        } catch (err) {
          const fallback = this.schemas.has(key) ? 'the last one read stays' : 'its templates are kept as sent';
          this.report(key, `reading the schema of ${key} failed; ${fallback}`, err);
        }
      }),
    );
    clearTimeout(timer);
  }

  /** Logs a missing schema once, until it is found. */
  private report(key: string, msg: string, err?: unknown): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.log(msg, err);
  }

  /** Brings the registry in line with the configs; the outcome for each config, in order. */
  private serve(ftcs: readonly FederatedTypeConfig[]): Established[] {
    const defs = resourceDefinitions(ftcs, this.schemas).slice(staticResourceDefinitions.length);
    const plurals = new Map<string, string>();
    const kinds = new Map<string, string>();
    const outcomes = defs.map((def, i): Established => {
      const name = ftcs[i]!.metadata.name ?? '';
      const taken = STATIC_PLURALS.has(def.plural) || STATIC_KINDS.has(def.kind) ? 'Herd itself' : (plurals.get(def.plural) ?? kinds.get(def.kind));
      if (taken !== undefined) {
        return { served: false, message: `${def.plural} (kind ${def.kind}) is already served for ${taken}.` };
      }
      plurals.set(def.plural, `FederatedTypeConfig ${name}`);
      kinds.set(def.kind, `FederatedTypeConfig ${name}`);
      return { served: true, message: `Herd serves ${def.plural}.${GROUP}.` };
    });
    const next = new Set(defs.filter((_, i) => outcomes[i]!.served).map((d) => d.plural));
    for (const plural of this.served.keys()) {
      if (next.has(plural)) continue;
      this.registry.remove(plural);
      this.served.delete(plural);
      this.fallback.delete(plural);
    }
    for (const [i, def] of defs.entries()) {
      const outcome = outcomes[i]!;
      if (!outcome.served) continue;
      const schema = this.schemas.get(targetKey(ftcs[i]!.spec.targetType));
      this.install(def, ftcs[i]!);
      if (schema && !this.fallback.has(def.plural)) outcome.schemaCluster = this.options.schemaCluster;
    }
    return outcomes;
  }

  private strategyFor(ftc: FederatedTypeConfig): Strategy {
    const admit = this.options.admitTemplate;
    const target = ftc.spec.targetType;
    return federatedObjectStrategy(admit ? (object) => admit(target, object) : undefined);
  }

  /** Adds or replaces one served resource; a schema the validator cannot take falls back to the template as sent. */
  private install(def: ResourceDefinition, ftc: FederatedTypeConfig): void {
    const json = JSON.stringify(def);
    if (this.served.get(def.plural) === json && this.registry.get(def.plural)) return;
    this.served.set(def.plural, json);
    this.fallback.delete(def.plural);
    try {
      this.registry.add(def, this.strategyFor(ftc));
    } catch (err) {
      this.log(`the schema of ${targetKey(ftc.spec.targetType)} cannot be used; its templates are kept as sent`, err);
      this.fallback.add(def.plural);
      this.registry.add(federatedResourceDefinition(ftc), this.strategyFor(ftc));
    }
  }

  private async writeStatus(config: Config, outcome: Established): Promise<void> {
    const { ftc, resourceVersion } = config;
    const status = establishedStatus(ftc.status, ftc.metadata.generation, outcome);
    if (!status || this.stopped) return;
    const object = { ...ftc, metadata: { ...ftc.metadata, resourceVersion }, status };
    try {
      await this.configs.update(undefined, ftc.metadata.name ?? '', { object }, {}, 'status');
    } catch (err) {
      // A newer version of the object is coming as an event, and its sync writes the status again.
      const reason = (err as { reason?: string }).reason;
      if (reason !== 'Conflict' && reason !== 'NotFound') this.log(`writing the status of FederatedTypeConfig ${ftc.metadata.name}`, err);
    }
  }

  /** Retries with backoff while a schema is missing; otherwise refreshes every schema now and then. */
  private schedule(configs: readonly Config[]): void {
    if (!this.options.resolveSchema || this.stopped) return;
    const missingKeys = configs.map((c) => targetKey(c.ftc.spec.targetType)).filter((key) => !this.schemas.has(key));
    const missing = missingKeys.length > 0;
    // A schema missing for the first time starts the backoff over: a kind whose schema never comes (a CRD that only
    // the members have) must not make a new one wait for its long retry.
    const newlyMissing = missingKeys.some((key) => !this.missing.has(key));
    this.missing = new Set(missingKeys);
    if (missing) {
      if (newlyMissing) this.retries = 0;
      else if (this.timer?.kind === 'retry') return;
      const delays = this.options.retryDelaysMs ?? [1000, 2000, 4000, 8000, 15_000, 30_000];
      this.arm('retry', delays[Math.min(this.retries, delays.length - 1)] ?? 30_000);
      this.retries++;
      return;
    }
    this.retries = 0;
    const refresh = this.options.refreshIntervalMs ?? 300_000;
    if (this.timer?.kind === 'refresh') return;
    if (this.timer) clearTimeout(this.timer.handle);
    this.timer = undefined;
    if (refresh > 0) this.arm('refresh', refresh);
  }

  private arm(kind: 'retry' | 'refresh', ms: number): void {
    if (this.timer) clearTimeout(this.timer.handle);
    const handle = setTimeout(() => {
      this.timer = undefined;
      if (kind === 'refresh') this.refreshAll = true;
      void this.kick();
    }, ms);
    handle.unref();
    this.timer = { handle, kind };
  }
}
