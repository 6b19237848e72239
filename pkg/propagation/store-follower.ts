import type { ResourceStore } from '../registry/resource-store.js';
import type { ObjectEvent, Watch } from '../storage/storage.js';
import { isStorageError } from '../storage/storage-error.js';

/**
 * Follows one resource of Herd's own store for a controller: every object as an initial ADDED, then every change,
 * resuming from the last revision after a broken watch and starting over (initial events again) when that revision
 * was compacted. Handlers must therefore be idempotent, which enqueueing a key is.
 */
export class StoreFollower {
  private stopped = false;
  private current: Watch | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly store: ResourceStore,
    private readonly onEvent: (event: ObjectEvent) => void,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.stop();
    await this.loop;
  }

  private async run(): Promise<void> {
    let rv = '';
    while (!this.stopped) {
      try {
        const watch = await this.store.watch(undefined, rv ? { resourceVersion: rv } : {});
        this.current = watch;
        if (this.stopped) watch.stop();
        for await (const event of watch) {
          rv = event.resourceVersion;
          if (event.type !== 'BOOKMARK') this.onEvent(event);
        }
      } catch (err) {
        if (this.stopped) return;
        if ((err as { reason?: string }).reason === 'Expired' || isStorageError(err, 'Expired') || isStorageError(err, 'WatchOverflow')) rv = '';
        else this.log(`watch of ${this.store.resource.plural} ended; resuming`, err);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
}
