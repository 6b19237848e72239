import { newBadRequest } from '../apimachinery/status-error.js';

/**
 * The fleet view's resourceVersion: a point in one merged cache's event stream, `<cache epoch>.<sequence>`. Clients
 * treat it as opaque; only the cache that issued it can resume from it (another epoch means the cache was restarted
 * since, and the watch gets 410).
 */
export interface ViewToken {
  readonly epoch: string;
  readonly seq: number;
}

export function formatViewToken(epoch: string, seq: number): string {
  return `${epoch}.${seq}`;
}

/** Parses a token; a string that cannot be one is a 400, as a malformed resourceVersion is upstream. */
export function parseViewToken(text: string): ViewToken {
  const dot = text.lastIndexOf('.');
  const digits = text.slice(dot + 1);
  const seq = Number(digits);
  if (dot <= 0 || !/^\d+$/.test(digits) || !Number.isSafeInteger(seq) || !/^[A-Za-z0-9_-]+$/.test(text.slice(0, dot))) {
    throw newBadRequest(`invalid resource version: ${JSON.stringify(text)}: not a resourceVersion of the fleet view`);
  }
  return { epoch: text.slice(0, dot), seq };
}

/** A list page's continue token: the cache epoch and the sort key of the last item served. */
export function formatContinueToken(epoch: string, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 1, e: epoch, k: lastKey })).toString('base64url');
}

export function parseContinueToken(text: string): { epoch: string; lastKey: string } {
  try {
    const t = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { v?: number; e?: unknown; k?: unknown };
    if (t.v === 1 && typeof t.e === 'string' && typeof t.k === 'string') return { epoch: t.e, lastKey: t.k };
  } catch {
    // reported below
  }
  throw newBadRequest('continue key is not valid: not a continue token of the fleet view');
}
