import { newServiceUnavailable } from '../apimachinery/status-error.js';
import type { FleetMembers } from './fleet-members.js';
import { MergedResource } from './merged-resource.js';
import { selectableFields } from './selectable-fields.js';

/** What the cache needs to know of a resource to follow it in every member. */
export interface CachedResourceRef {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export interface FleetViewCacheOptions {
  readonly members: FleetMembers;
  /** Ceiling on the estimated size of all merged caches. Default 1 GiB. */
  readonly maxBytes?: number;
  /** A cache nobody read or watched for this long is stopped. Default 5 minutes. */
  readonly idleMs?: number;
  /** Events kept per resource for resuming watches. Default 10,000. */
  readonly window?: number;
  readonly pageSize?: number;
  readonly log?: (msg: string, err?: unknown) => void;
}

export const DEFAULT_FLEET_CACHE_MAX_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_FLEET_CACHE_IDLE_MS = 5 * 60_000;
const SWEEP_INTERVAL_MS = 15_000;

const refKey = (r: CachedResourceRef) => `${r.group}/${r.version}/${r.resource}`;

/**
 * The fleet view's caches: one MergedResource per resource a request asked for, following every member. A cache
 * starts on first use and stops after `idleMs` without a request or a watcher. Their total estimated size stays
 * under `maxBytes`: idle caches go first, then a request that would need more is answered 503, and a cache that
 * grows past the ceiling is stopped with its watchers told why — the process never runs out of memory for it.
 */
export class FleetViewCache {
  private readonly caches = new Map<string, MergedResource>();
  private total = 0;
  private sweeper: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly maxBytes: number;

  constructor(private readonly o: FleetViewCacheOptions) {
    this.maxBytes = o.maxBytes ?? DEFAULT_FLEET_CACHE_MAX_BYTES;
  }

  start(): void {
    this.unsubscribe = this.o.members.onChange(() => {
      const members = this.o.members.list();
      for (const c of this.caches.values()) c.setMembers(members);
    });
    // A cache stops within about idleMs of its last use, however short idleMs is.
    this.sweeper = setInterval(() => this.sweep(), Math.min(SWEEP_INTERVAL_MS, this.o.idleMs ?? DEFAULT_FLEET_CACHE_IDLE_MS));
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    clearInterval(this.sweeper);
    await Promise.all([...this.caches.values()].map((c) => c.stop()));
    this.caches.clear();
  }

  /** Estimated bytes held by all caches. */
  get bytes(): number {
    return this.total;
  }

  /** The cache of a resource, started if needed; 503 when the memory ceiling leaves no room for a new one. */
  acquire(ref: CachedResourceRef): MergedResource {
    const key = refKey(ref);
    let cache = this.caches.get(key);
    if (!cache) {
      if (this.total >= this.maxBytes) this.evictIdle(this.total - this.maxBytes + 1);
      if (this.total >= this.maxBytes) throw this.fullError(ref.resource);
      const created: MergedResource = new MergedResource({
        ...ref,
        fields: selectableFields(ref.group, ref.resource, ref.namespaced),
        ...(this.o.window ? { window: this.o.window } : {}),
        ...(this.o.pageSize ? { pageSize: this.o.pageSize } : {}),
        ...(this.o.log ? { log: this.o.log } : {}),
        onSize: (delta) => this.grew(key, created, delta),
      });
      cache = created;
      this.caches.set(key, cache);
      cache.setMembers(this.o.members.list());
    }
    cache.lastUsed = Date.now();
    return cache;
  }

  private fullError(resource: string) {
    return newServiceUnavailable(
      `the fleet view cache is full: ${this.total} bytes in use of the ${this.maxBytes} allowed by --fleet-cache-max-bytes; ${resource} cannot be cached now. Raise the flag, or read one member through its clusters/<name>/proxy context`,
    );
  }

  private grew(key: string, cache: MergedResource, delta: number): void {
    this.total += delta;
    // A cache already dropped (stopping) makes no room for itself, and is not the cache now under its key.
    if (delta <= 0 || this.total <= this.maxBytes || this.caches.get(key) !== cache) return;
    this.evictIdle(this.total - this.maxBytes, key);
    if (this.total <= this.maxBytes) return;
    this.caches.delete(key);
    const why = `the fleet view cache of ${cache.o.resource} was dropped: the fleet view would need more than the ${this.maxBytes} bytes allowed by --fleet-cache-max-bytes`;
    this.o.log?.(why);
    // Stopping synchronously inside the member event would re-enter the informer; do it on the next tick.
    setImmediate(() => void cache.stop(why));
  }

  /** Stops idle caches, least recently used first, until `need` bytes are freed; never `except`. */
  private evictIdle(need: number, except?: string): void {
    const idle = [...this.caches.entries()].filter(([k, c]) => k !== except && c.watcherCount === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    let freed = 0;
    for (const [k, c] of idle) {
      if (freed >= need) break;
      freed += c.estimatedBytes;
      this.caches.delete(k);
      void c.stop();
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, c] of this.caches) {
      if (c.watcherCount === 0 && now - c.lastUsed > (this.o.idleMs ?? DEFAULT_FLEET_CACHE_IDLE_MS)) {
        this.caches.delete(k);
        void c.stop();
      }
    }
  }
}
