import type { Storage } from './storage.js';

/**
 * Compacts history the way kube-apiserver compacts etcd: at every tick, forget everything older than the revision
 * that was current at the previous tick. A watcher or paged list therefore always has at least one interval to
 * resume in; older resourceVersions answer 410 Expired.
 */
export class Compactor {
  private timer: NodeJS.Timeout | undefined;
  private previous: number | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly intervalMs: number,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One step: compact to the revision seen at the previous step, then remember the current one. */
  async tick(): Promise<void> {
    try {
      const current = await this.storage.currentRevision();
      if (this.previous !== undefined && this.previous > (await this.storage.compactedRevision())) {
        await this.storage.compact(this.previous);
      }
      this.previous = current;
    } catch (err) {
      this.log('compaction failed', err);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
