import { invalidResourceVersion } from './storage-error.js';

/**
 * Resource versions on the wire are decimal strings of one store-wide revision sequence (checklist §8.9:
 * positive integers without leading zeros, "0" never names an object). Inside a backend they are numbers: an etcd
 * revision is an int64, and a store reaches 2^53 only after writing for longer than anyone will run one.
 */

/** What a `resourceVersion` request parameter asks for. */
export type RequestedVersion =
  /** Unset, "" or "0": the current state ("most recent" / "any" are the same thing for a store without a cache). */
  | { readonly kind: 'current' }
  | { readonly kind: 'revision'; readonly revision: number };

const DECIMAL = /^[1-9][0-9]{0,15}$/;

/** Parses a positive decimal revision; throws InvalidResourceVersion otherwise. */
export function parseRevision(value: string): number {
  if (!DECIMAL.test(value)) throw invalidResourceVersion(value);
  const revision = Number(value);
  if (!Number.isSafeInteger(revision)) throw invalidResourceVersion(value, 'out of range');
  return revision;
}

/** Parses a list/watch/get `resourceVersion` parameter. */
export function parseRequestedVersion(value: string | undefined): RequestedVersion {
  if (value === undefined || value === '' || value === '0') return { kind: 'current' };
  return { kind: 'revision', revision: parseRevision(value) };
}
