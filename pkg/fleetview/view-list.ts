import { newContinueExpired } from '../apimachinery/resource-version.js';
import { sortKeyOf, type MergedResource } from './merged-resource.js';
import { listFrame, listItem, viewColumns, type ViewEncoding } from './view-presenter.js';
import { scopeMatcher, type ViewScope } from './view-scope.js';
import { formatContinueToken, parseContinueToken } from './view-token.js';

export interface ViewListOptions {
  readonly limit?: number;
  readonly continue?: string;
  readonly now?: number;
}

/** Items per chunk of an unpaged list: big enough to write efficiently, small enough not to build huge strings. */
const CHUNK_ITEMS = 1000;

/**
 * A list of the view as chunks of text, read from the merged cache in namespace, name, cluster order. An unpaged
 * list streams as it goes; a paged one (limit) collects its page first, since its continue token goes in front.
 * A continue token from an earlier cache (restarted since) is 410 Expired, as upstream's expired tokens are, with a
 * fresh token in the Status that continues after the same item.
 */
export function* viewList(resource: MergedResource, scope: ViewScope, enc: ViewEncoding, o: ViewListOptions = {}): Generator<string> {
  const matches = scopeMatcher(resource, scope);
  const now = o.now ?? Date.now();
  const columns = enc.target.as === 'Table' ? viewColumns(resource) : undefined;
  let after: string | undefined;
  if (o.continue) {
    const token = parseContinueToken(o.continue);
    // As upstream: 410 with a token that continues after the same item in the cache as it is now.
    if (token.epoch !== resource.epoch) throw newContinueExpired(formatContinueToken(resource.epoch, token.lastKey));
    after = token.lastKey;
  }
  const resourceVersion = resource.currentToken();
  if (!o.limit) {
    const { head, tail } = listFrame(resource, enc, { resourceVersion });
    let chunk: string[] = [];
    let first = true;
    yield head;
    for (const e of resource.sorted(after)) {
      if (!matches(e)) continue;
      chunk.push(listItem(resource, e, enc, now, columns));
      if (chunk.length === CHUNK_ITEMS) {
        yield (first ? '' : ',') + chunk.join(',');
        first = false;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield (first ? '' : ',') + chunk.join(',');
    yield tail;
    return;
  }
  const page: string[] = [];
  let last: string | undefined;
  let more = false;
  for (const e of resource.sorted(after)) {
    if (!matches(e)) continue;
    if (page.length === o.limit) {
      more = true;
      break;
    }
    page.push(listItem(resource, e, enc, now, columns));
    last = sortKeyOf(e);
  }
  const meta = { resourceVersion, ...(more && last !== undefined ? { continue: formatContinueToken(resource.epoch, last) } : {}) };
  const { head, tail } = listFrame(resource, enc, meta);
  yield head + page.join(',') + tail;
}
