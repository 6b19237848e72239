// GlobalLoadBalancer (namespaced): DNS answers for a federated Service or Ingress that send clients to healthy
// member clusters. Herd answers `<name>.<namespace>.<zone>`; the `decision` subresource comes later.
import type { Condition, ObjectMeta } from '../../meta/object-meta.js';
import type { ResourceDefinition } from '../../meta/resource-definition.js';
import { conditions, observedGeneration } from '../../meta/common-schemas.js';
import { atomicList, bool, dateTime, int32, listMap, obj, oneOf, str } from '../../meta/schema-builders.js';
import { conditionColumn, defineResource } from './define-resource.js';
import { API_VERSION, CONDITION_READY } from './well-known.js';

export type LoadBalancingStrategy = 'RoundRobin' | 'Weighted' | 'Failover' | 'GeoProximity';
export type HealthCheckMode = 'EndpointReadiness' | 'HTTP' | 'TCP';

export interface GlobalLoadBalancerSpec {
  backend: { kind: 'Service' | 'Ingress'; name: string };
  strategy?: {
    type?: LoadBalancingStrategy;
    weights?: { clusterName: string; weight: number }[];
    failoverOrder?: string[];
  };
  ttlSeconds?: number;
  healthCheck?: {
    mode?: HealthCheckMode;
    port?: number;
    path?: string;
    scheme?: 'HTTP' | 'HTTPS';
    periodSeconds?: number;
    timeoutSeconds?: number;
    failureThreshold?: number;
    successThreshold?: number;
  };
}

export interface GlobalLoadBalancerStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  dnsName?: string;
  healthyClusters?: number;
  clusters?: { name: string; healthy: boolean; addresses?: string[]; lastProbeTime?: string; message?: string }[];
}

export interface GlobalLoadBalancer {
  apiVersion: typeof API_VERSION;
  kind: 'GlobalLoadBalancer';
  metadata: ObjectMeta;
  spec: GlobalLoadBalancerSpec;
  status?: GlobalLoadBalancerStatus;
}

const seconds = (description: string, dflt: number) => int32(description, { minimum: 1, default: dflt });

const spec = obj(
  'What to balance and how.',
  {
    backend: obj(
      'The Service or Ingress, in this namespace, whose member-cluster copies receive the traffic. It is usually ' +
        'propagated by a FederatedService or FederatedIngress of the same name.',
      {
        kind: oneOf('Kind of the backend.', ['Service', 'Ingress']),
        name: str('Name of the backend.', { minLength: 1 }),
      },
      { required: ['kind', 'name'] },
    ),
    strategy: obj('How answers pick among healthy clusters.', {
      type: oneOf(
        'RoundRobin answers with every healthy cluster; Weighted by weights; Failover with the first healthy ' +
          'cluster of failoverOrder; GeoProximity with the healthy cluster nearest the client. Defaults to RoundRobin.',
        ['RoundRobin', 'Weighted', 'Failover', 'GeoProximity'],
        { default: 'RoundRobin' },
      ),
      weights: listMap(
        'Relative shares of answers for Weighted; clusters not listed get none.',
        ['clusterName'],
        obj(
          'The share of one cluster.',
          {
            clusterName: str('Name of a MemberCluster.', { minLength: 1 }),
            weight: int32('Relative share of answers.', { minimum: 0, maximum: 1000 }),
          },
          { required: ['clusterName', 'weight'] },
        ),
      ),
      failoverOrder: atomicList('Clusters in order of preference for Failover.', { type: 'string', minLength: 1 }),
    }),
    ttlSeconds: int32('TTL of DNS answers in seconds. Defaults to 30.', { minimum: 1, maximum: 86400, default: 30 }),
    healthCheck: obj('How a cluster is judged healthy for this backend.', {
      mode: oneOf(
        'EndpointReadiness trusts the ready endpoints (or Ingress load-balancer status) in each cluster; HTTP and ' +
          'TCP also probe the addresses of each cluster. Defaults to EndpointReadiness.',
        ['EndpointReadiness', 'HTTP', 'TCP'],
        { default: 'EndpointReadiness' },
      ),
      port: int32('Port to probe with HTTP or TCP.', { minimum: 1, maximum: 65535 }),
      path: str('Path to request with HTTP; a 2xx or 3xx answer is healthy. Defaults to /.'),
      scheme: oneOf('Scheme for HTTP probes. Defaults to HTTP.', ['HTTP', 'HTTPS'], { default: 'HTTP' }),
      periodSeconds: seconds('Seconds between probes. Defaults to 10.', 10),
      timeoutSeconds: seconds('Seconds before a probe counts as failed. Defaults to 2.', 2),
      failureThreshold: seconds('Consecutive failures before a cluster is unhealthy. Defaults to 3.', 3),
      successThreshold: seconds('Consecutive successes before a cluster is healthy again. Defaults to 1.', 1),
    }),
  },
  { required: ['backend'] },
);

const status = obj('What the load balancer currently answers.', {
  observedGeneration: observedGeneration(),
  conditions: conditions('Ready is True while at least one cluster is healthy and answers are served.'),
  dnsName: str('The DNS name Herd answers for, <name>.<namespace>.<zone>.'),
  healthyClusters: int32('Number of healthy clusters.', { minimum: 0 }),
  clusters: listMap(
    'Health of the backend in each cluster that has it.',
    ['name'],
    obj(
      'Health in one cluster.',
      {
        name: str('Name of the MemberCluster.'),
        healthy: bool('Whether answers may point at this cluster.'),
        addresses: atomicList('Addresses answers point at for this cluster.', { type: 'string' }),
        lastProbeTime: dateTime('When the cluster was last judged.'),
        message: str('Why the cluster is unhealthy, when it is.'),
      },
      { required: ['name', 'healthy'] },
    ),
  ),
});

export const globalLoadBalancerDefinition: ResourceDefinition = defineResource({
  kind: 'GlobalLoadBalancer',
  plural: 'globalloadbalancers',
  shortNames: ['glb'],
  namespaced: true,
  description:
    'GlobalLoadBalancer answers DNS queries for a federated Service or Ingress with the addresses of its healthy ' +
    'member clusters, by the strategy chosen.',
  spec,
  status,
  specRequired: true,
  printerColumns: [
    { name: 'Strategy', type: 'string', description: 'How answers pick clusters.', jsonPath: '.spec.strategy.type', priority: 0 },
    { name: 'DNS Name', type: 'string', description: 'The name Herd answers for.', jsonPath: '.status.dnsName', priority: 0 },
    { name: 'Healthy', type: 'integer', description: 'Healthy clusters.', jsonPath: '.status.healthyClusters', priority: 0 },
    conditionColumn('Ready', CONDITION_READY, 'Whether answers are served.'),
    { name: 'Backend', type: 'string', description: 'Name of the backend.', jsonPath: '.spec.backend.name', priority: 1 },
    { name: 'TTL', type: 'integer', description: 'TTL of answers in seconds.', jsonPath: '.spec.ttlSeconds', priority: 1 },
  ],
});
