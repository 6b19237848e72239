import { newContinueExpired, newListResourceVersionTooOld, newTooLargeResourceVersion, newWatchResourceVersionTooOld } from '../apimachinery/resource-version.js';
import { isStatusError, newAlreadyExists, newBadRequest, newConflict, newInternalError, newNotFound, type GroupResource, type StatusError } from '../apimachinery/status-error.js';
import { isStorageError } from '../storage/storage-error.js';

export const CONFLICT_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

/** Turns a storage failure into the Status kube-apiserver answers for it; other errors become 500s. */
export function storageToStatusError(err: unknown, qr: GroupResource, name: string, during: 'list' | 'watch' | 'write' = 'write'): StatusError {
  if (isStatusError(err)) return err;
  if (!isStorageError(err)) return newInternalError(err instanceof Error ? err : String(err));
  switch (err.code) {
    case 'KeyExists':
      return newAlreadyExists(qr, name);
    case 'KeyNotFound':
      return newNotFound(qr, name);
    case 'Conflict':
      return newConflict(qr, name, CONFLICT_MESSAGE);
    case 'Expired':
      if (err.fromContinue) return newContinueExpired();
      if (during === 'list') return newListResourceVersionTooOld();
      return newWatchResourceVersionTooOld(BigInt(err.resourceVersion ?? '0'), BigInt(err.actualResourceVersion ?? '0'));
    case 'ResourceVersionTooLarge':
      return newTooLargeResourceVersion(BigInt(err.resourceVersion ?? '0'), BigInt(err.actualResourceVersion ?? '0'), 1);
    case 'InvalidContinue':
    case 'InvalidResourceVersion':
    case 'InvalidObject':
      return newBadRequest(err.message);
    default:
      return newInternalError(err);
  }
}
