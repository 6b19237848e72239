/**
 * The one error type every storage backend throws. It carries a stable `code` and never an HTTP status: the API
 * layer maps codes to `metav1.Status` (KeyNotFound → 404 NotFound, KeyExists → 409 AlreadyExists, Conflict → 409
 * Conflict, Expired → 410 Expired, ResourceVersionTooLarge → 504 Timeout with cause ResourceVersionTooLarge,
 * InvalidResourceVersion / InvalidContinue → 400 BadRequest, InvalidObject / Internal → 500).
 */
export type StorageErrorCode =
  /** `create` found the key already present. */
  | 'KeyExists'
  /** `get`, `update` or `delete` found no object under the key. */
  | 'KeyNotFound'
  /** The `expectedResourceVersion` precondition did not match the stored object. */
  | 'Conflict'
  /** A resourceVersion or continue token refers to history that compaction removed. */
  | 'Expired'
  /** A resourceVersion is newer than anything the store has written. */
  | 'ResourceVersionTooLarge'
  /** A resourceVersion that is not a decimal revision, or not allowed in that position. */
  | 'InvalidResourceVersion'
  /** A continue token that this store did not issue, or one combined with a resourceVersion. */
  | 'InvalidContinue'
  /** A watcher fell more than its buffer behind the writers and was dropped; the client re-watches. */
  | 'WatchOverflow'
  /** The JSON handed to a write is not an object with a `metadata` object carrying a string `name`. */
  | 'InvalidObject'
  /** Anything else: the backend failed, or the store is closed. */
  | 'Internal';

const kStorageError = Symbol.for('herd.storage.error');

export interface StorageErrorDetails {
  /** The key the operation addressed, when there is one. */
  readonly key?: string;
  /** The resourceVersion the caller asked for (Expired, TooLarge, Conflict: the expected one). */
  readonly resourceVersion?: string;
  /** The store's side: the compacted revision (Expired), current revision (TooLarge) or the object's RV (Conflict). */
  readonly actualResourceVersion?: string;
  /** The error is about a `continue` token (Expired: the token's snapshot was compacted). */
  readonly fromContinue?: boolean;
  readonly cause?: unknown;
}

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly key: string | undefined;
  readonly resourceVersion: string | undefined;
  readonly actualResourceVersion: string | undefined;
  /** True when the error concerns a continue token rather than a resourceVersion (kube-apiserver words them apart). */
  readonly fromContinue: boolean;
  readonly [kStorageError] = true;

  constructor(code: StorageErrorCode, message: string, details: StorageErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'StorageError';
    this.code = code;
    this.key = details.key;
    this.resourceVersion = details.resourceVersion;
    this.actualResourceVersion = details.actualResourceVersion;
    this.fromContinue = details.fromContinue ?? false;
  }

  /** Branded, so two loaded copies of this module still recognise each other's errors. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    return (value as { [kStorageError]?: unknown })[kStorageError] === true;
  }
}

/** True when `err` is a StorageError, and (if given) has `code`. */
export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}

export const keyExists = (key: string) => new StorageError('KeyExists', `key ${key} already exists`, { key });

export const keyNotFound = (key: string) => new StorageError('KeyNotFound', `key ${key} not found`, { key });

export const conflict = (key: string, expected: string, actual: string) =>
  new StorageError('Conflict', `resourceVersion precondition failed for ${key}: expected ${expected}, stored ${actual}`, {
    key,
    resourceVersion: expected,
    actualResourceVersion: actual,
  });

/** The message follows kube-apiserver's ("too old resource version: 5 (120)"), which clients log verbatim. */
export const expired = (requested: number, compacted: number) =>
  new StorageError('Expired', `too old resource version: ${requested} (${compacted})`, {
    resourceVersion: String(requested),
    actualResourceVersion: String(compacted),
  });

export const continueExpired = (requested: number, compacted: number) =>
  new StorageError(
    'Expired',
    `the provided continue parameter is too old to display a consistent list result (snapshot ${requested}, compacted ${compacted}); start a new list without continue`,
    { resourceVersion: String(requested), actualResourceVersion: String(compacted), fromContinue: true },
  );

export const tooLarge = (requested: number, current: number) =>
  new StorageError('ResourceVersionTooLarge', `too large resource version: ${requested}, current: ${current}`, {
    resourceVersion: String(requested),
    actualResourceVersion: String(current),
  });

export const invalidResourceVersion = (value: string, why = 'not a decimal revision') =>
  new StorageError('InvalidResourceVersion', `invalid resource version "${value}": ${why}`, { resourceVersion: value });

export const invalidContinue = (why: string) =>
  new StorageError('InvalidContinue', `continue key is not valid: ${why}`, { fromContinue: true });

export const watchOverflow = (prefix: string, capacity: number) =>
  new StorageError('WatchOverflow', `watcher of ${prefix} fell ${capacity} events behind and was dropped`, { key: prefix });

export const invalidObject = (key: string, why: string) => new StorageError('InvalidObject', `object for ${key}: ${why}`, { key });

export const closed = () => new StorageError('Internal', 'storage is closed');

/** Wraps a backend failure (I/O, disk full, corrupt file) without losing it. */
export const internal = (message: string, cause: unknown) => new StorageError('Internal', message, { cause });
