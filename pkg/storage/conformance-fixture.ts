import { expect } from 'vitest';
import type { Storage, StoredObject, Watch, WatchEvent } from './storage.js';
import { isStorageError, type StorageError, type StorageErrorCode } from './storage-error.js';

/** What the conformance suite stores: FederatedDeployments, keyed as the registry keys them. */
export const RESOURCE = '/federation.herd.io/federateddeployments/';
export const OTHER_RESOURCE = '/federation.herd.io/federatedservices/';

export const keyFor = (namespace: string, name: string, resource = RESOURCE) => `${resource}${namespace}/${name}`;

export interface ObjectFields {
  readonly labels?: Record<string, string>;
  readonly replicas?: number;
  readonly resourceVersion?: string;
}

/** The JSON the registry would hand to storage (`JSON.stringify`, metadata before spec). */
export function objectJson(namespace: string, name: string, fields: ObjectFields = {}): string {
  return JSON.stringify({
    apiVersion: 'federation.herd.io/v1alpha1',
    kind: 'FederatedDeployment',
    metadata: {
      name,
      namespace,
      ...(fields.labels ? { labels: fields.labels } : {}),
      ...(fields.resourceVersion !== undefined ? { resourceVersion: fields.resourceVersion } : {}),
    },
    spec: { replicas: fields.replicas ?? 1 },
  });
}

export interface Parsed {
  metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  spec: { replicas: number };
}

export const parse = (object: StoredObject | string): Parsed =>
  JSON.parse(typeof object === 'string' ? object : object.json) as Parsed;

/** The backend under test, fresh for every test; `reopen` swaps in the reopened instance. */
export class StorageUnderTest {
  private current: Storage | undefined;

  constructor(private readonly make: () => Promise<Storage>) {}

  get storage(): Storage {
    if (this.current === undefined) throw new Error('no storage: used outside a test');
    return this.current;
  }

  async setUp(): Promise<void> {
    this.current = await this.make();
  }

  async tearDown(): Promise<void> {
    await this.current?.close();
    this.current = undefined;
  }

  async reopen(reopen: (storage: Storage) => Promise<Storage>): Promise<Storage> {
    this.current = await reopen(this.storage);
    return this.current;
  }

  create(namespace: string, name: string, fields: ObjectFields = {}, resource = RESOURCE): Promise<StoredObject> {
    return this.storage.create(keyFor(namespace, name, resource), objectJson(namespace, name, fields));
  }

  update(namespace: string, name: string, fields: ObjectFields = {}): Promise<StoredObject> {
    return this.storage.update(keyFor(namespace, name), objectJson(namespace, name, fields));
  }

  delete(namespace: string, name: string): Promise<StoredObject> {
    return this.storage.delete(keyFor(namespace, name));
  }

  async revision(): Promise<string> {
    return String(await this.storage.currentRevision());
  }
}

/** Rejects with a clear message instead of hanging the test until its timeout. */
export function within<T>(promise: Promise<T>, what: string, ms = 2_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export async function nextEvent(watch: Watch): Promise<WatchEvent> {
  const result = await within(watch.next(), 'waiting for a watch event');
  if (result.done) throw new Error('the watch ended');
  return result.value;
}

export async function takeEvents(watch: Watch, count: number): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  while (events.length < count) events.push(await nextEvent(watch));
  return events;
}

/** "ADDED /…/ns1/a@5": events as short strings, so a failing comparison shows the whole sequence. */
export function summarize(event: WatchEvent): string {
  if (event.type === 'BOOKMARK') return `BOOKMARK@${event.resourceVersion}${event.initialEventsEnd ? ' end' : ''}`;
  return `${event.type} ${event.object.key}@${event.resourceVersion}`;
}

export const summarizeObject = (object: StoredObject) => `${object.key}@${object.resourceVersion}`;

/**
 * Asserts the watch holds nothing more: a requested progress bookmark is queued behind every pending event, so if
 * it comes next at the current revision, every change up to now has been delivered and nothing else is waiting.
 */
export async function expectCaughtUp(watch: Watch, sut: StorageUnderTest): Promise<void> {
  const revision = await sut.revision();
  watch.requestProgress();
  expect(summarize(await nextEvent(watch))).toBe(`BOOKMARK@${revision}`);
}

/** Asserts `promise` rejects with a StorageError of `code`, and returns that error. */
export async function expectStorageError(promise: Promise<unknown>, code: StorageErrorCode): Promise<StorageError> {
  const err = await promise.then(
    () => new Error(`expected ${code}, but the call succeeded`),
    (e: unknown) => e,
  );
  if (!isStorageError(err, code)) throw new Error(`expected StorageError ${code}, got ${String(err)}`, { cause: err });
  return err;
}
