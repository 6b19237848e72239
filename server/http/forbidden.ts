import type { RequestInfo } from '../../pkg/apimachinery/request-info.js';
import { newForbidden, type StatusError } from '../../pkg/apimachinery/status-error.js';

/** The 403 kube-apiserver answers when authorization denies a request, worded as its forbiddenMessage does. */
export function forbiddenError(user: string, info: RequestInfo, reason: string): StatusError {
  let message: string;
  if (!info.isResourceRequest) {
    message = `User ${JSON.stringify(user)} cannot ${info.verb} path ${JSON.stringify(info.path)}`;
  } else {
    const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
    message = info.namespace
      ? `User ${JSON.stringify(user)} cannot ${info.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(info.apiGroup)} in the namespace ${JSON.stringify(info.namespace)}`
      : `User ${JSON.stringify(user)} cannot ${info.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(info.apiGroup)} at the cluster scope`;
  }
  if (reason) message += `: ${reason}`;
  return newForbidden({ group: info.apiGroup, resource: info.resource }, info.name, message);
}
