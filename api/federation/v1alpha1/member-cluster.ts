// MemberCluster: one Kubernetes cluster Herd propagates to and reads from. Cluster-scoped.
import type { Condition, ObjectMeta } from '../../meta/object-meta.js';
import type { ResourceDefinition } from '../../meta/resource-definition.js';
import { conditions, observedGeneration } from '../../meta/common-schemas.js';
import {
  atomicList,
  bool,
  dateTime,
  int32,
  listMap,
  obj,
  oneOf,
  quantityMap,
  str,
} from '../../meta/schema-builders.js';
import { TAINT_EFFECTS, type TaintEffect } from './placement.js';
import { conditionColumn, defineResource } from './define-resource.js';
import { API_VERSION, CONDITION_READY } from './well-known.js';

export interface ClusterTaint {
  key: string;
  value?: string;
  effect: TaintEffect;
  timeAdded?: string;
}

export interface MemberClusterSpec {
  apiEndpoint: string;
  secretRef: { namespace: string; name: string };
  caBundle?: string;
  tlsServerName?: string;
  insecureSkipTLSVerify?: boolean;
  proxyURL?: string;
  provider?: string;
  region?: string;
  zone?: string;
  unschedulable?: boolean;
  taints?: ClusterTaint[];
  healthCheck?: { periodSeconds?: number; timeoutSeconds?: number; failureThreshold?: number; successThreshold?: number };
}

export interface MemberClusterStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  kubernetesVersion?: string;
  lastProbeTime?: string;
  apiEnablements?: { groupVersion: string; resources?: { name: string; kind: string }[] }[];
  nodeSummary?: { total?: number; ready?: number };
  resourceSummary?: { allocatable?: Record<string, number | string>; allocated?: Record<string, number | string> };
}

export interface MemberCluster {
  apiVersion: typeof API_VERSION;
  kind: 'MemberCluster';
  metadata: ObjectMeta;
  spec: MemberClusterSpec;
  status?: MemberClusterStatus;
}

const positive = (description: string, dflt: number) => int32(description, { minimum: 1, default: dflt });

const spec = obj(
  'How to reach the cluster and where it sits.',
  {
    apiEndpoint: str('URL of the kube-apiserver of the cluster, such as https://10.0.0.1:6443.', { pattern: '^https?://' }),
    secretRef: obj(
      'Secret holding the credentials Herd uses: a bearer token (key token), a client certificate and key ' +
        '(keys tls.crt and tls.key), or a kubeconfig (key kubeconfig).',
      {
        namespace: str('Namespace of the Secret.', { minLength: 1 }),
        name: str('Name of the Secret.', { minLength: 1 }),
      },
      { required: ['namespace', 'name'] },
    ),
    caBundle: str('PEM certificates that verify the serving certificate of the apiserver; base64 in JSON.', { format: 'byte' }),
    tlsServerName: str('Server name to verify the serving certificate against, when it differs from the host.'),
    insecureSkipTLSVerify: bool('Skips verifying the serving certificate. For tests only.'),
    proxyURL: str('HTTP(S) proxy to reach the apiserver through.'),
    provider: str('Cloud or platform running the cluster, such as aws, gcp or on-prem.'),
    region: str('Region of the cluster; copied to the topology.kubernetes.io/region label.'),
    zone: str('Zone of the cluster; copied to the topology.kubernetes.io/zone label.'),
    unschedulable: bool('Cordons the cluster: placement chooses it for nothing new, and what it already runs stays.'),
    taints: listMap(
      'Repels objects that do not tolerate them, as node taints repel pods.',
      ['key', 'effect'],
      obj(
        'A taint on the cluster.',
        {
          key: str('Taint key.', { minLength: 1 }),
          value: str('Taint value.'),
          effect: oneOf(
            'NoSchedule keeps new objects off; PreferNoSchedule avoids the cluster when possible; NoExecute also ' +
              'moves objects away.',
            TAINT_EFFECTS,
          ),
          timeAdded: dateTime('When the NoExecute taint was added; set by Herd.'),
        },
        { required: ['key', 'effect'] },
      ),
    ),
    healthCheck: obj('How Herd probes the cluster.', {
      periodSeconds: positive('Seconds between probes. Defaults to 10.', 10),
      timeoutSeconds: positive('Seconds before a probe counts as failed. Defaults to 5.', 5),
      failureThreshold: positive(
        'Consecutive failed probes before the cluster is not Ready. Defaults to 2, so an outage shows within two probe periods.',
        2,
      ),
      successThreshold: positive('Consecutive successes before the cluster is Ready again. Defaults to 1.', 1),
    }),
  },
  { required: ['apiEndpoint', 'secretRef'] },
);

const status = obj('What Herd last observed of the cluster.', {
  observedGeneration: observedGeneration(),
  conditions: conditions('Ready is True while probes succeed. Offline is True while the apiserver cannot be reached or is not ready; CredentialsInvalid is True while it refuses Herd\'s credentials.'),
  kubernetesVersion: str('Git version the apiserver reports, such as v1.36.3.'),
  lastProbeTime: dateTime('When the last probe finished.'),
  apiEnablements: listMap(
    'API resources the cluster serves, read from its discovery.',
    ['groupVersion'],
    obj(
      'Resources of one group version.',
      {
        groupVersion: str('Group version, such as apps/v1 (v1 for the core group).'),
        resources: atomicList(
          'Resources of this group version.',
          obj(
            'One resource.',
            { name: str('Plural resource name.'), kind: str('Kind of the resource.') },
            { required: ['name', 'kind'] },
          ),
        ),
      },
      { required: ['groupVersion'] },
    ),
  ),
  nodeSummary: obj('Node counts.', {
    total: int32('Number of nodes.', { minimum: 0 }),
    ready: int32('Number of Ready nodes.', { minimum: 0 }),
  }),
  resourceSummary: obj('Capacity summed over schedulable nodes; dynamic replica division reads it.', {
    allocatable: quantityMap('Allocatable resources, such as cpu and memory.'),
    allocated: quantityMap('Resources requested by pods already running.'),
  }),
});

export const memberClusterDefinition: ResourceDefinition = defineResource({
  kind: 'MemberCluster',
  plural: 'memberclusters',
  shortNames: ['member'],
  namespaced: false,
  description:
    'MemberCluster is a Kubernetes cluster that Herd propagates Federated objects to and reads fleet views from.',
  spec,
  status,
  specRequired: true,
  printerColumns: [
    conditionColumn('Ready', CONDITION_READY, 'Whether Herd can reach the cluster.'),
    { name: 'Version', type: 'string', description: 'Kubernetes version of the cluster.', jsonPath: '.status.kubernetesVersion', priority: 0 },
    { name: 'Region', type: 'string', description: 'Region of the cluster.', jsonPath: '.spec.region', priority: 0 },
    { name: 'Zone', type: 'string', description: 'Zone of the cluster.', jsonPath: '.spec.zone', priority: 1 },
    { name: 'Endpoint', type: 'string', description: 'URL of the apiserver of the cluster.', jsonPath: '.spec.apiEndpoint', priority: 1 },
    { name: 'Nodes', type: 'integer', description: 'Ready nodes.', jsonPath: '.status.nodeSummary.ready', priority: 1 },
  ],
});
