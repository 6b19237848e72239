import type { FastifyReply } from 'fastify';
import { isStatusError, newInternalError, newPathNotFound, type StatusError } from '../../pkg/apimachinery/status-error.js';

/** Any error as the Status kube-apiserver would answer; unknown errors become 500 InternalError. */
export function toStatusError(err: unknown): StatusError {
  if (isStatusError(err)) return err;
  return newInternalError(err instanceof Error ? err : String(err));
}

/** Sends a Status error; Retry-After goes with 429, 503 and 504 answers that carry retryAfterSeconds. */
export function sendStatus(reply: FastifyReply, err: StatusError): FastifyReply {
  const retry = err.status.details?.retryAfterSeconds;
  if (retry !== undefined && [429, 503, 504].includes(err.status.code)) reply.header('retry-after', String(retry));
  return reply.code(err.status.code).type('application/json').send(JSON.stringify(err.status));
}

/** The 404 for a path no handler serves (an unknown resource, say), worded as kube-apiserver's. */
export function pathNotFound(): StatusError {
  return newPathNotFound();
}
