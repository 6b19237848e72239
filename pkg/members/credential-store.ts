import { CredentialStoreError } from './credential-store-error.js';

/**
 * What Herd authenticates to one member cluster with: a bearer token, or a client certificate and its key (PEM
 * text). Never log, print or put any of it into an object, an error or a condition.
 */
export interface MemberCredentials {
  token?: string;
  cert?: string;
  key?: string;
}

/** Where a member's credentials are kept: the MemberCluster's `spec.secretRef`. */
export interface CredentialRef {
  readonly namespace: string;
  readonly name: string;
}

/**
 * Keeps member credentials outside Herd's own objects: in a Secret on the host (aggregated mode) or in a directory
 * (standalone). Errors name the reference, never the content.
 */
export interface CredentialStore {
  /** The credentials under `ref`; rejects with a CredentialStoreError when there are none or they are unusable. */
  read(ref: CredentialRef): Promise<MemberCredentials>;
  /** Creates or replaces the credentials under `ref` (only the keys of `creds` remain). */
  write(ref: CredentialRef, creds: MemberCredentials): Promise<void>;
  /** Removes the credentials under `ref`; removing what is not there succeeds. */
  remove(ref: CredentialRef): Promise<void>;
}

/** `namespace/name`, the form every message names a credential reference in. */
export function describeRef(ref: CredentialRef): string {
  return `${ref.namespace}/${ref.name}`;
}

/**
 * Checks that credentials hold exactly one usable kind: a token, or a certificate with its key. The message names
 * `where` and the keys that are missing, never a value.
 */
export function checkCredentials(creds: MemberCredentials, where: string): MemberCredentials {
  if (creds.token) return { token: creds.token };
  if (creds.cert && creds.key) return { cert: creds.cert, key: creds.key };
  if (creds.cert || creds.key) throw new CredentialStoreError('Invalid', `${where} has ${creds.cert ? 'tls.crt but no tls.key' : 'tls.key but no tls.crt'}`);
  throw new CredentialStoreError('Invalid', `${where} has neither a token nor tls.crt and tls.key`);
}
