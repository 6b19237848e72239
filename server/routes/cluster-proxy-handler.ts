import { pipeline } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FLEET_GROUP } from '../../api/fleet/v1alpha1/well-known.js';
import { newNotFound } from '../../pkg/apimachinery/status-error.js';
import type { UserInfo } from '../../pkg/auth/user-info.js';
import type { FleetMember, FleetMembers } from '../../pkg/fleetview/fleet-members.js';
import { proxyToMember } from '../../pkg/fleetview/member-proxy.js';

/**
 * Forwards a request to one member as the caller and streams the answer back (watches and `logs -f` included).
 * Used by `clusters/{name}/proxy` and by the view for subresources of an object (pods/log of the member holding it).
 */
export async function forwardToMember(request: FastifyRequest, reply: FastifyReply, member: FleetMember, path: string, user: UserInfo): Promise<void> {
  const abort = new AbortController();
  reply.raw.on('close', () => abort.abort());
  const body = request.body;
  const answer = await proxyToMember({
    member,
    method: request.method,
    path,
    headers: request.headers,
    body: typeof body === 'string' || body instanceof Uint8Array ? body : undefined,
    user,
    signal: abort.signal,
  });
  reply.hijack();
  reply.raw.writeHead(answer.status, answer.headers);
  reply.raw.flushHeaders?.();
  pipeline(answer.body, reply.raw, () => {
    if (!reply.raw.writableEnded) reply.raw.end();
  });
}

/** `clusters/{name}/proxy/...`: the member's whole API, as the caller (impersonated there). */
export function clusterProxyHandler(members: FleetMembers) {
  return async (request: FastifyRequest, reply: FastifyReply, cluster: string, innerPath: string, query: URLSearchParams, user: UserInfo): Promise<void> => {
    const member = members.get(cluster);
    if (!member) throw newNotFound({ group: FLEET_GROUP, resource: 'clusters' }, cluster);
    const q = query.toString();
    await forwardToMember(request, reply, member, q ? `${innerPath}?${q}` : innerPath, user);
  };
}
