export type CredentialStoreErrorCode = 'NotFound' | 'Invalid' | 'Unavailable';

/** A credential store failure: `NotFound` (nothing under the ref), `Invalid` (unusable content) or `Unavailable`. */
export class CredentialStoreError extends Error {
  readonly isCredentialStoreError = true;
  constructor(
    readonly code: CredentialStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CredentialStoreError';
  }
}

export function isCredentialStoreError(err: unknown, code?: CredentialStoreErrorCode): err is CredentialStoreError {
  return !!err && err instanceof Error && 'isCredentialStoreError' in err && (code === undefined || (err as CredentialStoreError).code === code);
}
