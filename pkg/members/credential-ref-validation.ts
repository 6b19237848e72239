import { dns1123SubdomainErrors } from '../apimachinery/label-validation.js';
import { CredentialStoreError } from './credential-store-error.js';
import { describeRef, type CredentialRef } from './credential-store.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Rejects a reference whose namespace is not a DNS-1123 label or whose name is not a DNS-1123 subdomain, before it
 * becomes part of a URL or a file path (so `..` or `/` can never reach either).
 */
export function requireValidRef(ref: CredentialRef): void {
  if (!DNS1123_LABEL.test(ref.namespace) || ref.namespace.length > 63) {
    throw new CredentialStoreError('Invalid', `credential reference ${describeRef(ref)}: the namespace must be a DNS-1123 label`);
  }
  if (dns1123SubdomainErrors(ref.name).length > 0) {
    throw new CredentialStoreError('Invalid', `credential reference ${describeRef(ref)}: the name must be a DNS-1123 subdomain`);
  }
}
