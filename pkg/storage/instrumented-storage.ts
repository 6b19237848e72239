import type { DeleteOptions, GetOptions, ListOptions, ListResult, Storage, StoredObject, UpdateOptions, Watch, WatchOptions } from './storage.js';

/** Receives the duration of every storage call, by operation and outcome. */
export type StorageObserver = (operation: string, seconds: number, outcome: 'ok' | 'error') => void;

/** Wraps a Storage so every call's latency is observed (the API server turns it into a histogram). */
export function instrumentedStorage(inner: Storage, observe: StorageObserver): Storage {
  const timed = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      const result = await call();
      observe(operation, (performance.now() - started) / 1000, 'ok');
      return result;
    } catch (err) {
      observe(operation, (performance.now() - started) / 1000, 'error');
      throw err;
    }
  };
  return {
    get: (key: string, options?: GetOptions): Promise<StoredObject> => timed('get', () => inner.get(key, options)),
    list: (prefix: string, options?: ListOptions): Promise<ListResult> => timed('list', () => inner.list(prefix, options)),
    create: (key: string, json: string) => timed('create', () => inner.create(key, json)),
    update: (key: string, json: string, options?: UpdateOptions) => timed('update', () => inner.update(key, json, options)),
    delete: (key: string, options?: DeleteOptions) => timed('delete', () => inner.delete(key, options)),
    watch: (prefix: string, options?: WatchOptions): Promise<Watch> => timed('watch', () => inner.watch(prefix, options)),
    currentRevision: () => inner.currentRevision(),
    compactedRevision: () => inner.compactedRevision(),
    compact: (revision: number) => timed('compact', () => inner.compact(revision)),
    close: () => inner.close(),
  };
}
