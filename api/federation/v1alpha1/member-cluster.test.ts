import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { undeclaredFields } from '../../meta/schema-structure.js';
import { memberClusterDefinition, type MemberCluster } from './member-cluster.js';

const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(memberClusterDefinition.schema);

function problems(value: unknown): string[] {
  validate(value);
  const invalid = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  return [...invalid, ...undeclaredFields(memberClusterDefinition.schema, value).map((p) => `${p} is not declared`)];
}

const cluster: MemberCluster = {
  apiVersion: 'federation.herd.io/v1alpha1',
  kind: 'MemberCluster',
  metadata: { name: 'eu-west-a', labels: { env: 'prod' } },
  spec: {
    apiEndpoint: 'https://10.0.0.1:6443',
    secretRef: { namespace: 'herd-system', name: 'eu-west-a-credentials' },
    caBundle: 'LS0tLS1CRUdJTi0tLS0t',
    region: 'eu-west',
    zone: 'eu-west-a',
    taints: [{ key: 'maintenance', effect: 'NoSchedule' }],
    healthCheck: { periodSeconds: 5 },
  },
  status: {
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-07-01T10:00:00Z', reason: 'ProbeSucceeded', message: '' }],
    kubernetesVersion: 'v1.36.3',
    nodeSummary: { total: 3, ready: 3 },
    resourceSummary: { allocatable: { cpu: 12, memory: '48Gi' }, allocated: { cpu: '3500m', memory: '10Gi' } },
    apiEnablements: [{ groupVersion: 'apps/v1', resources: [{ name: 'deployments', kind: 'Deployment' }] }],
  },
};

describe('MemberCluster schema', () => {
  it('accepts a cluster with credentials, topology, taints and a probed status', () => {
    expect(problems(cluster)).toEqual([]);
  });

  it.each<[string, (c: MemberCluster) => unknown, string]>([
    ['rejects an endpoint that is not a URL', (c) => ({ ...c, spec: { ...c.spec, apiEndpoint: '10.0.0.1:6443' } }), '/spec/apiEndpoint must match pattern "^https?://"'],
    ['rejects credentials without a namespace', (c) => ({ ...c, spec: { ...c.spec, secretRef: { name: 'x' } } }), "/spec/secretRef must have required property 'namespace'"],
    ['rejects a taint with an unknown effect', (c) => ({ ...c, spec: { ...c.spec, taints: [{ key: 'a', effect: 'Drain' }] } }), '/spec/taints/0/effect must be equal to one of the allowed values'],
    ['rejects a probe period of zero', (c) => ({ ...c, spec: { ...c.spec, healthCheck: { periodSeconds: 0 } } }), '/spec/healthCheck/periodSeconds must be >= 1'],
    ['rejects a quantity that is not one', (c) => ({ ...c, status: { resourceSummary: { allocatable: { cpu: 'lots' } } } }), '/status/resourceSummary/allocatable/cpu must match pattern'],
    ['rejects a condition without a reason', (c) => ({ ...c, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 't', message: '' }] } }), "/status/conditions/0 must have required property 'reason'"],
  ])('%s', (_name, mutate, problem) => {
    expect(problems(mutate(cluster)).some((p) => p.startsWith(problem))).toBe(true);
  });

  it('is cluster-scoped and prints readiness, version and region', () => {
    expect(memberClusterDefinition.namespaced).toBe(false);
    expect(memberClusterDefinition.printerColumns.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(['Ready', 'Version', 'Region']);
  });
});
