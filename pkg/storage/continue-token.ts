import { invalidContinue } from './storage-error.js';

/**
 * The opaque `continue` token of a paginated list: base64url of `{"v":"herd.storage/v1","rv":<snapshot>,"after":
 * "<last key, relative to the list prefix>"}`, shaped like kube-apiserver's own. The key is stored relative to the
 * prefix so that a token can only ever page within the prefix it is presented with.
 */
export interface ContinuePosition {
  /** The snapshot revision the first page was read at; every later page is read at it too. */
  readonly revision: number;
  /** The last key already returned, relative to the list prefix; the next page starts strictly after it. */
  readonly after: string;
}

const VERSION = 'herd.storage/v1';

export function encodeContinue(position: ContinuePosition): string {
  return Buffer.from(JSON.stringify({ v: VERSION, rv: position.revision, after: position.after })).toString('base64url');
}

/** Throws InvalidContinue for anything `encodeContinue` did not produce. */
export function decodeContinue(token: string): ContinuePosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidContinue('not base64url-encoded JSON');
  }
  if (typeof decoded !== 'object' || decoded === null) throw invalidContinue('not an object');
  const { v, rv, after } = decoded as Record<string, unknown>;
  if (v !== VERSION) throw invalidContinue(`unknown version ${JSON.stringify(v)}`);
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv < 1) throw invalidContinue('bad revision');
  if (typeof after !== 'string' || after === '') throw invalidContinue('bad position');
  return { revision: rv, after };
}
