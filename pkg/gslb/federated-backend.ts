import type { FederatedObject } from '../../api/federation/v1alpha1/federated-resource.js';
import { resolveFederatedType, type FederatedTypeConfig } from '../../api/federation/v1alpha1/federated-type-config.js';
import type { GlobalLoadBalancer } from '../../api/federation/v1alpha1/global-load-balancer.js';
import { objectPath } from '../propagation/member-resource-path.js';
import type { ApiGroupRegistry } from '../registry/api-group-registry.js';
import type { BackendResolution } from './global-load-balancer-controller.js';

/**
 * Resolves a GlobalLoadBalancer's backend from Herd's own store: the Federated kind's FederatedTypeConfig gives the
 * member path of its copies, and the Federated object's status the clusters it is placed on (copies being deleted
 * are not). A FederatedService's copies are the Services themselves; any other kind is a workload whose Service is
 * `serviceName` (or its own name).
 */
export function federatedBackendResolver(registry: ApiGroupRegistry): (namespace: string, backend: GlobalLoadBalancer['spec']['backend']) => Promise<BackendResolution> {
  return async (namespace, backend) => {
    const ftcs = await registry.get('federatedtypeconfigs')?.store.list(undefined);
    let target: FederatedTypeConfig['spec']['targetType'] | undefined;
    let plural: string | undefined;
    for (const item of ftcs?.items ?? []) {
      const ftc = JSON.parse(item.json) as FederatedTypeConfig;
      const names = resolveFederatedType(ftc.spec);
      if (names.kind === backend.kind) {
        target = ftc.spec.targetType;
        plural = names.plural;
        break;
      }
    }
    const served = plural ? registry.get(plural) : undefined;
    if (!target || !served) return { problem: { reason: 'BackendKindUnknown', message: `Herd serves no Federated kind ${backend.kind}` } };
    let fed: FederatedObject;
    try {
      fed = JSON.parse((await served.store.get(namespace, backend.name)).json) as FederatedObject;
    } catch (err) {
      if ((err as { reason?: string }).reason === 'NotFound') return { problem: { reason: 'BackendNotFound', message: `${backend.kind} ${namespace}/${backend.name} not found` } };
      throw err;
    }
    const placed = new Set((fed.status?.clusters ?? []).filter((c) => c.phase !== 'Deleting').map((c) => c.name));
    const isService = !target.group && target.kind === 'Service';
    return {
      placed,
      ref: {
        namespace,
        serviceName: backend.serviceName ?? backend.name,
        ...(isService ? {} : { workloadPath: objectPath(target, namespace, backend.name) }),
        ...(backend.port ? { port: backend.port } : {}),
      },
    };
  };
}
