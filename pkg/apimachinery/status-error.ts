// The one API error type. Every constructor mirrors apimachinery pkg/api/errors/errors.go (406 and 415 mirror
// apiserver pkg/endpoints/handlers/negotiation/errors.go) in reason, code and message, character for character.
// Optional fields are left out when empty, as Go's `omitempty` does, so the JSON matches too.
import { toAggregateMessage, type FieldError } from './field-errors.js';
import { goQuote } from './go-text.js';

/** metav1.StatusReason; `''` is StatusReasonUnknown. */
export type StatusReason =
  | ''
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'ServerTimeout'
  | 'StorageReadError'
  | 'Timeout'
  | 'TooManyRequests'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'Expired'
  | 'ServiceUnavailable';

/** metav1.StatusCause. The JSON key of Go's `Type` field is `reason`. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** metav1.StatusDetails. `kind` is the resource (plural) for most reasons and the Kind for Invalid. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** metav1.ListMeta as carried by a Status (an expired continue token comes back in `continue`). */
export interface StatusListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

/** metav1.Status. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: StatusListMeta;
  status: 'Failure' | 'Success';
  message: string;
  reason: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** schema.GroupResource: `{group: '', resource: 'pods'}`, `{group: 'apps', resource: 'deployments'}`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** schema.GroupKind. */
export interface GroupKind {
  group: string;
  kind: string;
}

/** An error that is answered as a `metav1.Status`. */
export class StatusError extends Error {
  readonly isStatusError = true;
  readonly status: Status;

  constructor(status: Status) {
    super(status.message);
    this.name = 'StatusError';
    this.status = status;
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason {
    return this.status.reason;
  }

  toJSON(): Status {
    return this.status;
  }
}

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof Error && (e as Partial<StatusError>).isStatusError === true;
}

/** Wraps a Status received from elsewhere (a member cluster) so it can be rethrown unchanged. */
export function fromStatus(status: Status): StatusError {
  return new StatusError(status);
}

interface Failure {
  code: number;
  reason: StatusReason;
  message: string;
  details?: StatusDetails;
}

function failure({ code, reason, message, details }: Failure): StatusError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details !== undefined) status.details = details;
  return new StatusError(status);
}

/** StatusDetails with Go's omitempty: empty strings, zero and empty lists are left out. */
function details(d: StatusDetails): StatusDetails {
  const out: StatusDetails = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes && d.causes.length > 0) out.causes = d.causes;
  const retry = Math.trunc(d.retryAfterSeconds ?? 0);
  if (retry !== 0) out.retryAfterSeconds = retry;
  return out;
}

function cause(c: StatusCause): StatusCause {
  const out: StatusCause = {};
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  if (c.field) out.field = c.field;
  return out;
}

function resourceText(gr: GroupResource): string {
  return gr.group.length === 0 ? gr.resource : `${gr.resource}.${gr.group}`;
}

function kindText(gk: GroupKind): string {
  return gk.group.length === 0 ? gk.kind : `${gk.kind}.${gk.group}`;
}

function errorText(err: Error | string): string {
  return typeof err === 'string' ? err : err.message;
}

function resourceDetails(gr: GroupResource, name: string, retryAfterSeconds = 0): StatusDetails {
  return details({ group: gr.group, kind: gr.resource, name, retryAfterSeconds });
}

/** 404 `<resource>.<group> "<name>" not found`. */
export function newNotFound(qr: GroupResource, name: string): StatusError {
  const message = `${resourceText(qr)} ${goQuote(name)} not found`;
  return failure({ code: 404, reason: 'NotFound', message, details: resourceDetails(qr, name) });
}

/** 409 `<resource>.<group> "<name>" already exists`. */
export function newAlreadyExists(qr: GroupResource, name: string): StatusError {
  const message = `${resourceText(qr)} ${goQuote(name)} already exists`;
  return failure({ code: 409, reason: 'AlreadyExists', message, details: resourceDetails(qr, name) });
}

/** 409 AlreadyExists after generateName kept colliding. */
export function newGenerateNameConflict(qr: GroupResource, name: string, retryAfterSeconds: number): StatusError {
  const message = `${resourceText(qr)} ${goQuote(name)} already exists, the server was not able to generate a unique name for the object`;
  return failure({ code: 409, reason: 'AlreadyExists', message, details: resourceDetails(qr, name, retryAfterSeconds) });
}

/** 401; an empty reason becomes `not authorized`. */
export function newUnauthorized(reason = ''): StatusError {
  return failure({ code: 401, reason: 'Unauthorized', message: reason.length === 0 ? 'not authorized' : reason });
}

/** 403 `<resource>.<group> "<name>" is forbidden: <err>`, without the name part when name is empty. */
export function newForbidden(qr: GroupResource, name: string, err: Error | string): StatusError {
  let message: string;
  if (qr.group.length === 0 && qr.resource.length === 0) {
    message = `forbidden: ${errorText(err)}`;
  } else if (name.length === 0) {
    message = `${resourceText(qr)} is forbidden: ${errorText(err)}`;
  } else {
    message = `${resourceText(qr)} ${goQuote(name)} is forbidden: ${errorText(err)}`;
  }
  return failure({ code: 403, reason: 'Forbidden', message, details: resourceDetails(qr, name) });
}

/** 409 `Operation cannot be fulfilled on <resource>.<group> "<name>": <err>`. */
export function newConflict(qr: GroupResource, name: string, err: Error | string): StatusError {
  const message = `Operation cannot be fulfilled on ${resourceText(qr)} ${goQuote(name)}: ${errorText(err)}`;
  return failure({ code: 409, reason: 'Conflict', message, details: resourceDetails(qr, name) });
}

/** 409 Conflict for server-side apply, carrying one cause per conflicting field. */
export function newApplyConflict(causes: readonly StatusCause[], message: string): StatusError {
  return failure({ code: 409, reason: 'Conflict', message, details: details({ causes: causes.map(cause) }) });
}

/** 410 Gone. Upstream deprecates it in favour of newResourceExpired. */
export function newGone(message: string): StatusError {
  return failure({ code: 410, reason: 'Gone', message });
}

/** 410 Expired: the requested resourceVersion or continue token is too old. */
export function newResourceExpired(message: string): StatusError {
  return failure({ code: 410, reason: 'Expired', message });
}

/**
 * 422 `<Kind>.<group> "<name>" is invalid: <aggregate>`; one distinct error is printed bare, several as `[a, b]`,
 * and with no errors the message stops after `is invalid`. Every error (duplicates included) becomes a cause.
 */
export function newInvalid(qk: GroupKind, name: string, errors: readonly FieldError[]): StatusError {
  const causes = errors.map((e) => cause({ reason: e.type, message: e.errorBody(), field: e.field }));
  const aggregate = toAggregateMessage(errors);
  const prefix = `${kindText(qk)} ${goQuote(name)} is invalid`;
  const message = aggregate === undefined ? prefix : `${prefix}: ${aggregate}`;
  return failure({ code: 422, reason: 'Invalid', message, details: details({ group: qk.group, kind: qk.kind, name, causes }) });
}

/** 400 with free text. */
export function newBadRequest(reason: string): StatusError {
  return failure({ code: 400, reason: 'BadRequest', message: reason });
}

/** 429 with `details.retryAfterSeconds` (the server also sends a Retry-After header). */
export function newTooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return failure({ code: 429, reason: 'TooManyRequests', message, details: details({ retryAfterSeconds }) });
}

/** 429 `Too many requests: <message>`, without a retry hint. */
export function newTooManyRequestsError(message: string): StatusError {
  return failure({ code: 429, reason: 'TooManyRequests', message: `Too many requests: ${message}` });
}

/** 503 with free text. */
export function newServiceUnavailable(reason: string): StatusError {
  return failure({ code: 503, reason: 'ServiceUnavailable', message: reason });
}

/** 405 `<action> is not supported on resources of kind "<resource>.<group>"`. */
export function newMethodNotSupported(qr: GroupResource, action: string): StatusError {
  const message = `${action} is not supported on resources of kind ${goQuote(resourceText(qr))}`;
  return failure({ code: 405, reason: 'MethodNotAllowed', message, details: details({ group: qr.group, kind: qr.resource }) });
}

/** 500 ServerTimeout: a transient failure the client should retry. */
export function newServerTimeout(qr: GroupResource, operation: string, retryAfterSeconds: number): StatusError {
  const message = `The ${operation} operation against ${resourceText(qr)} could not be completed at this time, please try again.`;
  return failure({ code: 500, reason: 'ServerTimeout', message, details: resourceDetails(qr, operation, retryAfterSeconds) });
}

/** 500 `Internal error occurred: <err>`, with the bare error as the only cause. */
export function newInternalError(err: Error | string): StatusError {
  const text = errorText(err);
  return failure({
    code: 500,
    reason: 'InternalError',
    message: `Internal error occurred: ${text}`,
    details: details({ causes: [cause({ message: text })] }),
  });
}

/** 504 `Timeout: <message>`; the operation may still complete. */
export function newTimeoutError(message: string, retryAfterSeconds: number): StatusError {
  return failure({ code: 504, reason: 'Timeout', message: `Timeout: ${message}`, details: details({ retryAfterSeconds }) });
}

/** 413 `Request entity too large: <message>`. */
export function newRequestEntityTooLargeError(message: string): StatusError {
  return failure({ code: 413, reason: 'RequestEntityTooLarge', message: `Request entity too large: ${message}` });
}

/** 406 `only the following media types are accepted: a, b`. */
export function newNotAcceptable(accepted: readonly string[]): StatusError {
  const message = `only the following media types are accepted: ${accepted.join(', ')}`;
  return failure({ code: 406, reason: 'NotAcceptable', message });
}

/** 406 for a conversion target (Table, PartialObjectMetadata) that cannot be served in the asked media type. */
export function newNotAcceptableConversion(target: string, accepted: readonly string[]): StatusError {
  const message = `only the following media types are accepted when converting to ${target}: ${accepted.join(', ')}`;
  return failure({ code: 406, reason: 'NotAcceptable', message });
}

/** 415 `the body of the request was in an unknown format - accepted media types include: a, b`. */
export function newUnsupportedMediaType(accepted: readonly string[]): StatusError {
  const message = `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`;
  return failure({ code: 415, reason: 'UnsupportedMediaType', message });
}

/** The 404 for a path no handler serves (an unknown resource, say), worded as kube-apiserver's. */
export function newPathNotFound(): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server could not find the requested resource',
    reason: 'NotFound',
    details: {},
    code: 404,
  });
}
