import { newBadRequest } from './status-error.js';
import { newInvalidListOptions, validateListOptions, type ListOptions } from './resource-version.js';

/** The list/watch options of a query, validated as kube-apiserver validates them (422 on a bad combination). */
export function listOptionsFromQuery(query: URLSearchParams, watch: boolean): ListOptions {
  const sendInitial = query.get('sendInitialEvents');
  const limitText = query.get('limit');
  const limit = limitText === null ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw newBadRequest(`invalid limit: ${limitText}`);
  const opts: ListOptions = {
    watch,
    ...(query.get('resourceVersion') !== null ? { resourceVersion: query.get('resourceVersion')! } : {}),
    ...(query.get('resourceVersionMatch') ? { resourceVersionMatch: query.get('resourceVersionMatch')! } : {}),
    ...(query.get('continue') ? { continue: query.get('continue')! } : {}),
    ...(limit ? { limit } : {}),
    ...(sendInitial !== null ? { sendInitialEvents: sendInitial === 'true' } : {}),
  };
  const errors = validateListOptions(opts, true);
  if (errors.length > 0) throw newInvalidListOptions(errors);
  return opts;
}

