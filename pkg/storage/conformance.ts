import { afterEach, beforeEach, describe } from 'vitest';
import { describeCrud } from './conformance-crud.js';
import { StorageUnderTest } from './conformance-fixture.js';
import { describeList } from './conformance-list.js';
import { describePersistence } from './conformance-persistence.js';
import { describeWatch } from './conformance-watch.js';
import type { Storage } from './storage.js';

export interface ConformanceOptions {
  /**
   * For persistent backends: close `storage` and open the same data again. Enables the persistence tests
   * (objects, revisions, watch resume and continue tokens across a restart).
   */
  readonly reopen?: (storage: Storage) => Promise<Storage>;
}

/**
 * The behaviour every storage backend shares (cf. k8s.io/apiserver's storage tests and `resttest.Tester`):
 * registers vitest suites that run against a fresh store from `makeStorage` for every test, closed afterwards.
 * Call it at the top level of a backend's test file.
 */
export function runStorageConformance(name: string, makeStorage: () => Promise<Storage>, options: ConformanceOptions = {}): void {
  describe(`storage conformance: ${name}`, () => {
    const sut = new StorageUnderTest(makeStorage);
    beforeEach(() => sut.setUp());
    afterEach(() => sut.tearDown());
    describeCrud(sut);
    describeList(sut);
    describeWatch(sut);
    if (options.reopen !== undefined) describePersistence(sut, options.reopen);
  });
}
