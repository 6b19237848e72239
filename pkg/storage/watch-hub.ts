import type { ObjectEvent } from './storage.js';
import { type Backlog, type LiveFeed, Watcher } from './watcher.js';

/**
 * In-process fan-out of committed changes to watchers. A backend publishes each change once, right after it
 * commits and in revision order; the hub hands that same event object to every watcher whose prefix the key starts
 * with (no per-watcher copy or encoding). Watchers are grouped by prefix, so the cost of a publish is one
 * `startsWith` per distinct watched prefix plus one queue push per matching watcher. Pushing never blocks: a
 * watcher that falls too far behind drops itself (see Watcher).
 */
export class WatchHub implements LiveFeed {
  private readonly byPrefix = new Map<string, Set<Watcher>>();
  /** Every open watcher, live or still catching up, so that `stopAll` reaches them all. */
  private readonly open = new Set<Watcher>();
  private published: number;

  /** `revision`: the backend's current revision when the hub starts. */
  constructor(revision: number) {
    this.published = revision;
  }

  get revision(): number {
    return this.published;
  }

  /** How many watchers are open, live or catching up. */
  get size(): number {
    return this.open.size;
  }

  /**
   * Starts a watcher of `prefix`. Without a backlog it is live at once: it receives every event published after
   * this call. With one, it attaches itself when the backlog reports it has caught up.
   */
  watch(prefix: string, capacity: number, backlog?: Backlog): Watcher {
    const watcher = new Watcher(this, prefix, capacity, backlog);
    this.open.add(watcher);
    return watcher;
  }

  attach(watcher: Watcher): void {
    let watchers = this.byPrefix.get(watcher.prefix);
    if (watchers === undefined) this.byPrefix.set(watcher.prefix, (watchers = new Set()));
    watchers.add(watcher);
  }

  /** Called by a watcher as it ends. */
  detach(watcher: Watcher): void {
    this.open.delete(watcher);
    const watchers = this.byPrefix.get(watcher.prefix);
    if (watchers?.delete(watcher) && watchers.size === 0) this.byPrefix.delete(watcher.prefix);
  }

  /** Delivers a committed change. `revision` is its numeric RV; calls must come in increasing revision order. */
  publish(revision: number, event: ObjectEvent): void {
    this.published = revision;
    const key = event.object.key;
    for (const [prefix, watchers] of this.byPrefix) {
      if (key.startsWith(prefix)) for (const watcher of watchers) watcher.deliver(event);
    }
  }

  /** Ends every watcher normally, e.g. when the backend closes. */
  stopAll(): void {
    for (const watcher of [...this.open]) watcher.stop();
  }
}
