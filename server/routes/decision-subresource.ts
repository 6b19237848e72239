import { isIP } from 'node:net';
import { GROUP } from '../../api/federation/v1alpha1/well-known.js';
import { newBadRequest, newServiceUnavailable } from '../../pkg/apimachinery/status-error.js';
import type { GlobalLoadBalancerController } from '../../pkg/gslb/global-load-balancer-controller.js';
import type { ApiGroupRegistry } from '../../pkg/registry/api-group-registry.js';
import type { SubresourceReader } from './resource-handler.js';

const PARAMS = new Set(['clientRegion', 'clientZone', 'clientIP']);

/**
 * `GET …/globalloadbalancers/{name}/decision?clientRegion=&clientZone=&clientIP=`: the LoadBalancingDecision for that
 * client. The object must exist (404 otherwise, from the store); a malformed clientIP is a 400 naming the parameter.
 */
export function decisionReader(registry: ApiGroupRegistry, controller: GlobalLoadBalancerController): SubresourceReader {
  return async (resource, namespace, name, query) => {
    await registry.get(resource)!.store.get(namespace, name);
    for (const key of query.keys()) {
      if (!PARAMS.has(key) && key !== 'pretty') throw newBadRequest(`unknown query parameter "${key}": the decision subresource takes clientRegion, clientZone and clientIP`);
    }
    const ip = query.get('clientIP') ?? undefined;
    if (ip !== undefined && isIP(ip) === 0) throw newBadRequest(`clientIP: Invalid value: "${ip.slice(0, 64)}": must be an IPv4 or IPv6 address`);
    const region = query.get('clientRegion') || undefined;
    const zone = query.get('clientZone') || undefined;
    const decision = await controller.decision(namespace ?? '', name, { ...(region ? { region } : {}), ...(zone ? { zone } : {}), ...(ip ? { ip } : {}) });
    if (!decision) throw newServiceUnavailable(`the GlobalLoadBalancer ${namespace}/${name} is not running yet in ${GROUP}; retry shortly`);
    return decision;
  };
}
