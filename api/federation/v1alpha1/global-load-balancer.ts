// GlobalLoadBalancer (namespaced): where global traffic for a federated application goes. Herd judges the health of
// the application in every member that runs it and answers the `decision` subresource and DNS queries for
// `spec.hostname` (by default `<name>.<namespace>.<zone>`) by the strategy chosen.
import type { Condition, ObjectMeta } from '../../meta/object-meta.js';
import type { ResourceDefinition } from '../../meta/resource-definition.js';
import { conditions, observedGeneration } from '../../meta/common-schemas.js';
import { atomicList, bool, dateTime, int32, listMap, obj, oneOf, str } from '../../meta/schema-builders.js';
import { conditionColumn, defineResource } from './define-resource.js';
import { API_VERSION, CONDITION_READY, DECISION_SUBRESOURCE, LOAD_BALANCING_DECISION_KIND } from './well-known.js';

export type LoadBalancingStrategyType = 'RoundRobin' | 'Weighted' | 'Failover' | 'Geo' | 'Capacity';
export type ActiveProbeType = 'None' | 'HTTP' | 'TCP';

export interface RegionDistance {
  from: string;
  to: string;
  distance: number;
}

export interface ClientNetwork {
  cidr: string;
  region: string;
  zone?: string;
}

export interface LoadBalancingStrategy {
  type?: LoadBalancingStrategyType;
  /** Weighted: explicit shares. Absent: each cluster's ready endpoints are its weight. */
  weights?: { clusterName: string; weight: number }[];
  /** Failover and Capacity: clusters in order of preference; clusters not listed follow, by name. */
  failoverOrder?: string[];
  geo?: { regionDistances?: RegionDistance[]; clientNetworks?: ClientNetwork[] };
  capacity?: { minReadyEndpoints?: number };
}

export interface GlobalLoadBalancerSpec {
  /** Fully qualified name answered over DNS. Defaults to `<name>.<namespace>.<zone>`. */
  hostname?: string;
  /** The Federated object whose member copies receive the traffic, in this namespace. */
  backend: {
    kind: string;
    name: string;
    /** The member Service to read addresses and endpoints from. Defaults to `name`. */
    serviceName?: string;
    /** Port answered in SRV records and probed. Defaults to the Service's first port. */
    port?: number;
  };
  strategy?: LoadBalancingStrategy;
  ttlSeconds?: number;
  healthCheck?: {
    type?: ActiveProbeType;
    port?: number;
    path?: string;
    scheme?: 'HTTP' | 'HTTPS';
    periodSeconds?: number;
    timeoutSeconds?: number;
    failureThreshold?: number;
    successThreshold?: number;
  };
}

export interface LoadBalancerTargetStatus {
  name: string;
  healthy: boolean;
  addresses?: string[];
  readyEndpoints?: number;
  weight?: number;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface GlobalLoadBalancerStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  hostname?: string;
  healthyClusters?: number;
  clusters?: LoadBalancerTargetStatus[];
}

export interface GlobalLoadBalancer {
  apiVersion: typeof API_VERSION;
  kind: 'GlobalLoadBalancer';
  metadata: ObjectMeta;
  spec: GlobalLoadBalancerSpec;
  status?: GlobalLoadBalancerStatus;
}

const seconds = (description: string, dflt: number) => int32(description, { minimum: 1, maximum: 3600, default: dflt });
const clusterName = (description: string) => str(description, { minLength: 1, maxLength: 253 });

const strategy = obj('How answers pick among healthy clusters.', {
  type: oneOf(
    'RoundRobin answers with every healthy cluster, rotating the order; Weighted with one cluster per answer in ' +
      'proportion to its weight; Failover with the first healthy cluster of failoverOrder; Geo with the healthy ' +
      'cluster nearest the client; Capacity with the first clusters of failoverOrder that together have ' +
      'capacity.minReadyEndpoints ready endpoints. Defaults to RoundRobin.',
    ['RoundRobin', 'Weighted', 'Failover', 'Geo', 'Capacity'],
    { default: 'RoundRobin' },
  ),
  weights: listMap(
    'Relative shares for Weighted; clusters not listed get none. Without weights, each cluster weighs its ready endpoints.',
    ['clusterName'],
    obj(
      'The share of one cluster.',
      {
        clusterName: clusterName('Name of a MemberCluster.'),
        weight: int32('Relative share of answers.', { minimum: 0, maximum: 1000 }),
      },
      { required: ['clusterName', 'weight'] },
    ),
    { maxItems: 1000 },
  ),
  failoverOrder: atomicList('Clusters in order of preference for Failover and Capacity; unlisted clusters follow by name.', clusterName('Name of a MemberCluster.'), { maxItems: 1000 }),
  geo: obj('Where clients and clusters are, for Geo.', {
    regionDistances: atomicList(
      'Distances between regions (symmetric). The same region is 0; a pair not listed is 1000.',
      obj(
        'The distance between two regions.',
        {
          from: str('A region.', { minLength: 1 }),
          to: str('Another region.', { minLength: 1 }),
          distance: int32('Any unit; only the order matters.', { minimum: 0, maximum: 1000000 }),
        },
        { required: ['from', 'to', 'distance'] },
      ),
      { maxItems: 10000 },
    ),
    clientNetworks: atomicList(
      'Client networks and the region (and zone) they are in, used when a client gives no region; the longest prefix wins.',
      obj(
        'One client network.',
        {
          cidr: str('An IPv4 or IPv6 network, such as 10.1.0.0/16.', { minLength: 1 }),
          region: str('Region of the network.', { minLength: 1 }),
          zone: str('Zone of the network.'),
        },
        { required: ['cidr', 'region'] },
      ),
      { maxItems: 10000 },
    ),
  }),
  capacity: obj('Spill-over for Capacity.', {
    minReadyEndpoints: int32('Ready endpoints the answered clusters must have together; the next cluster is added until they do. Defaults to 1.', {
      minimum: 1,
      default: 1,
    }),
  }),
});

const spec = obj(
  'What to balance and how.',
  {
    hostname: str('Fully qualified DNS name to answer for, inside Herd\'s zone. Defaults to <name>.<namespace>.<zone>.', {
      maxLength: 253,
      pattern: '^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\\.?$',
    }),
    backend: obj(
      'The Federated object, in this namespace, whose member copies receive the traffic: a FederatedService, or a ' +
        'FederatedDeployment (or any Federated kind) together with a member Service or an address annotation.',
      {
        kind: str('Kind of the Federated object, such as FederatedService or FederatedDeployment.', { minLength: 1 }),
        name: str('Name of the Federated object.', { minLength: 1 }),
        serviceName: str('Member Service to read addresses and ready endpoints from. Defaults to name.'),
        port: int32('Port answered in SRV records and probed. Defaults to the Service\'s first port.', { minimum: 1, maximum: 65535 }),
      },
      { required: ['kind', 'name'] },
    ),
    strategy,
    ttlSeconds: int32('TTL of DNS answers and decisions in seconds. Defaults to 30.', { minimum: 1, maximum: 86400, default: 30 }),
    healthCheck: obj('How often the backend is judged in each cluster, and an optional active probe of its addresses.', {
      type: oneOf('None trusts the member and its ready endpoints; HTTP and TCP also probe every address. Defaults to None.', ['None', 'HTTP', 'TCP'], {
        default: 'None',
      }),
      port: int32('Port to probe. Defaults to the backend port.', { minimum: 1, maximum: 65535 }),
      path: str('Path to request with HTTP; a 2xx or 3xx answer passes. Defaults to /.'),
      scheme: oneOf('Scheme for HTTP probes. Defaults to HTTP.', ['HTTP', 'HTTPS'], { default: 'HTTP' }),
      periodSeconds: seconds('Seconds between judgements. Defaults to 10.', 10),
      timeoutSeconds: int32('Seconds before a probe or a member read fails; at most periodSeconds. Defaults to 2, or periodSeconds when that is shorter.', { minimum: 1, maximum: 3600 }),
      failureThreshold: seconds('Consecutive failed judgements before a healthy cluster leaves the answers. Defaults to 3.', 3),
      successThreshold: seconds('Consecutive passed judgements before an unhealthy cluster returns. Defaults to 2.', 2),
    }),
  },
  { required: ['backend'] },
);

const status = obj('What the load balancer currently answers.', {
  observedGeneration: observedGeneration(),
  conditions: conditions('Ready is True while at least one cluster is healthy and answers are served.'),
  hostname: str('The DNS name Herd answers for.'),
  healthyClusters: int32('Number of healthy clusters.', { minimum: 0 }),
  clusters: listMap(
    'The backend in each cluster that runs it.',
    ['name'],
    obj(
      'One cluster.',
      {
        name: str('Name of the MemberCluster.'),
        healthy: bool('Whether answers may point at this cluster.'),
        addresses: atomicList('Addresses answers point at for this cluster.', { type: 'string' }),
        readyEndpoints: int32('Ready endpoints of the member Service.', { minimum: 0 }),
        weight: int32('Effective weight for Weighted.', { minimum: 0 }),
        reason: str('Why the cluster is healthy or not, in CamelCase.'),
        message: str('Details of the reason.'),
        lastTransitionTime: dateTime('When healthy last changed.'),
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
    'GlobalLoadBalancer sends global traffic for a federated application to its healthy member clusters: it ' +
    'answers DNS queries for its hostname and the decision subresource by the strategy chosen.',
  spec,
  status,
  specRequired: true,
  extraSubresources: [DECISION_SUBRESOURCE],
  extraSubresourceKinds: { [DECISION_SUBRESOURCE]: LOAD_BALANCING_DECISION_KIND },
  printerColumns: [
    { name: 'Hostname', type: 'string', description: 'The name Herd answers for.', jsonPath: '.status.hostname', priority: 0 },
    { name: 'Strategy', type: 'string', description: 'How answers pick clusters.', jsonPath: '.spec.strategy.type', priority: 0 },
    { name: 'Healthy', type: 'integer', description: 'Healthy clusters.', jsonPath: '.status.healthyClusters', priority: 0 },
    conditionColumn('Ready', CONDITION_READY, 'Whether answers are served.'),
    { name: 'Backend', type: 'string', description: 'Kind and name of the backend.', jsonPath: '.spec.backend.name', priority: 1 },
    { name: 'TTL', type: 'integer', description: 'TTL of answers in seconds.', jsonPath: '.spec.ttlSeconds', priority: 1 },
  ],
});
