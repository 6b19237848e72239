import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { undeclaredFields } from '../../meta/schema-structure.js';
import { overridesSchema, placementSchema, type ClusterOverride, type Placement } from './placement.js';

const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
const placement = placementSchema('p');
const overrides = overridesSchema();

function problems(schema: typeof placement, value: unknown): string[] {
  const validate = ajv.compile(schema);
  validate(value);
  const invalid = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  return [...invalid, ...undeclaredFields(schema, value).map((p) => `${p} is not declared`)];
}

describe('placementSchema', () => {
  const full: Placement = {
    clusters: [{ name: 'eu-1' }, { name: 'us-1' }],
    clusterSelector: { matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] },
    excludeClusters: ['ap-1'],
    maxClusters: 2,
    spreadConstraints: [{ topologyKey: 'topology.kubernetes.io/region', minGroups: 2, whenUnsatisfiable: 'ScheduleAnyway' }],
    tolerations: [{ key: 'maintenance', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    replicaScheduling: {
      type: 'Divide',
      weighting: 'Static',
      clusters: [{ name: 'eu-1', weight: 2, minReplicas: 1 }, { name: '*', weight: 1, maxReplicas: 10 }],
    },
  };

  it('accepts a placement that uses every field', () => {
    expect(problems(placement, full)).toEqual([]);
  });

  it('accepts an empty placement, which means every cluster', () => {
    expect(problems(placement, {})).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['rejects an unknown replica scheduling type', { replicaScheduling: { type: 'Spread' } }, '/replicaScheduling/type must be equal to one of the allowed values'],
    ['rejects dynamic weighting spelt wrong', { replicaScheduling: { weighting: 'Capacity' } }, '/replicaScheduling/weighting must be equal to one of the allowed values'],
    ['rejects maxClusters of zero', { maxClusters: 0 }, '/maxClusters must be >= 1'],
    ['rejects a negative weight', { replicaScheduling: { clusters: [{ name: 'a', weight: -1 }] } }, '/replicaScheduling/clusters/0/weight must be >= 0'],
    ['rejects a spread constraint without a topology key', { spreadConstraints: [{ maxGroups: 1 }] }, "/spreadConstraints/0 must have required property 'topologyKey'"],
    ['rejects an unknown taint effect', { tolerations: [{ effect: 'Evict' }] }, '/tolerations/0/effect must be equal to one of the allowed values'],
    ['rejects a misspelt field', { cluster: [{ name: 'a' }] }, 'cluster is not declared'],
  ])('%s', (_name, value, problem) => {
    expect(problems(placement, value)).toContain(problem);
  });
});

describe('overridesSchema', () => {
  it('accepts per-cluster JSON patches with any kind of value', () => {
    const value: ClusterOverride[] = [
      {
        clusterName: 'eu-1',
        patches: [
          { op: 'replace', path: '/spec/replicas', value: 5 },
          { op: 'add', path: '/metadata/labels/tier', value: 'gold' },
          { op: 'add', path: '/spec/template/spec/tolerations', value: [{ key: 'x' }] },
          { op: 'remove', path: '/spec/paused' },
        ],
      },
    ];
    expect(problems(overrides, value)).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['rejects a move operation', [{ clusterName: 'a', patches: [{ op: 'move', path: '/a' }] }], '/0/patches/0/op must be equal to one of the allowed values'],
    ['rejects a path that is not a JSON pointer', [{ clusterName: 'a', patches: [{ op: 'remove', path: 'spec' }] }], '/0/patches/0/path must match pattern "^(/.*)?$"'],
    ['rejects an override without patches', [{ clusterName: 'a', patches: [] }], '/0/patches must NOT have fewer than 1 items'],
    ['rejects an override without a cluster', [{ patches: [{ op: 'remove', path: '/a' }] }], "/0 must have required property 'clusterName'"],
  ])('%s', (_name, value, problem) => {
    expect(problems(overrides, value)).toContain(problem);
  });

  it('keys overrides by cluster name so each cluster has one entry', () => {
    expect(overrides['x-kubernetes-list-type']).toBe('map');
    expect(overrides['x-kubernetes-list-map-keys']).toEqual(['clusterName']);
    expect(overrides.items?.properties?.patches?.['x-kubernetes-list-type']).toBe('atomic');
  });
});
