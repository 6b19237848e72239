import { describe, expect, it } from 'vitest';
import { defaultFederatedTypeConfigs } from '../../api/federation/v1alpha1/default-federated-types.js';
import { federatedResourceDefinition } from '../../api/federation/v1alpha1/federated-resource.js';
import { memberClusterDefinition } from '../../api/federation/v1alpha1/member-cluster.js';
import type { KubeObject } from '../../api/meta/object-meta.js';
import type { PrinterColumn } from '../../api/meta/resource-definition.js';
import { isStatusError } from './status-error.js';
import { parseIncludeObject, TableConvertor } from './table.js';

const NOW = Date.parse('2026-07-01T10:00:00Z');
const config = (kind: string) => defaultFederatedTypeConfigs().find((c) => c.spec.targetType.kind === kind)!;

const deployment: KubeObject = {
  apiVersion: 'federation.herd.io/v1alpha1',
  kind: 'FederatedDeployment',
  metadata: { name: 'web', namespace: 'shop', uid: 'u1', resourceVersion: '42', creationTimestamp: '2026-07-01T09:56:40Z' },
  spec: { template: { spec: { replicas: 3 } }, placement: { clusters: [{ name: 'eu-1' }] } },
  status: {
    placedClusters: 2,
    propagatedClusters: 1,
    replicas: 6,
    availableReplicas: 4,
    conditions: [{ type: 'Ready', status: 'False', reason: 'ReplicasUnavailable', message: '', lastTransitionTime: '2026-07-01T09:59:00Z' }],
  },
};

describe('TableConvertor', () => {
  const deployments = new TableConvertor(federatedResourceDefinition(config('Deployment')));

  it('puts NAME first and AGE last, with -o wide columns marked by priority', () => {
    expect(deployments.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['Replicas', 'integer', '', 0],
      ['Available', 'integer', '', 0],
      ['Clusters', 'integer', '', 0],
      ['Propagated', 'integer', '', 0],
      ['Ready', 'string', '', 0],
      ['Reason', 'string', '', 1],
      ['Age', 'date', '', 0],
    ]);
  });

  it('prints a row of typed cells, the age read like kubectl reads it', () => {
    const table = deployments.convertObject(deployment, { now: NOW });
    expect(table.rows[0]?.cells).toEqual(['web', 6, 4, 2, 1, 'False', 'ReplicasUnavailable', '3m20s']);
    expect(table.metadata).toEqual({ resourceVersion: '42' });
  });

  it('prints null for columns whose field is missing', () => {
    const bare: KubeObject = { ...deployment, metadata: { name: 'new' }, status: undefined };
    expect(deployments.convertObject(bare, { now: NOW }).rows[0]?.cells).toEqual(['new', null, null, null, null, null, null, '<unknown>']);
  });

  it.each([
    ['Metadata', { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: deployment.metadata }],
    ['Object', deployment],
  ] as const)('carries the object as includeObject=%s asks', (include, object) => {
    expect(deployments.convertObject(deployment, { includeObject: include, now: NOW }).rows[0]?.object).toEqual(object);
  });

  it('leaves the object out with includeObject=None', () => {
    expect(deployments.convertObject(deployment, { includeObject: 'None', now: NOW }).rows[0]).not.toHaveProperty('object');
  });

  it('defaults to PartialObjectMetadata', () => {
    expect(deployments.convertObject(deployment, { now: NOW }).rows[0]?.object?.kind).toBe('PartialObjectMetadata');
  });

  it('copies resourceVersion, continue and remainingItemCount from the list', () => {
    const table = deployments.convertList([deployment, deployment], { resourceVersion: '99', continue: 'tok', remainingItemCount: 5 }, { now: NOW });
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '99', continue: 'tok', remainingItemCount: 5 } });
    expect(table.rows).toHaveLength(2);
  });

  it('prints an empty list as a table without rows', () => {
    const table = deployments.convertList([], { resourceVersion: '7' });
    expect(table.rows).toEqual([]);
    expect(table.metadata).toEqual({ resourceVersion: '7' });
  });

  it('sends no column definitions on later watch events', () => {
    expect(deployments.convertObject(deployment, { noHeaders: true }).columnDefinitions).toBeNull();
  });

  it('never shows the data of a FederatedSecret in a cell, whatever includeObject says', () => {
    const secrets = new TableConvertor(federatedResourceDefinition(config('Secret')));
    const secret: KubeObject = {
      apiVersion: 'federation.herd.io/v1alpha1',
      kind: 'FederatedSecret',
      metadata: { name: 'db', namespace: 'shop', creationTimestamp: '2026-06-29T07:00:00Z' },
      spec: { template: { type: 'Opaque', data: { password: 'c2VjcmV0LXBhc3N3b3Jk' }, stringData: { token: 'secret-token' } } },
    };
    for (const includeObject of ['None', 'Metadata', 'Object'] as const) {
      const cells = JSON.stringify(secrets.convertObject(secret, { includeObject, now: NOW }).rows.map((r) => r.cells));
      expect(cells).not.toContain('c2VjcmV0LXBhc3N3b3Jk');
      expect(cells).not.toContain('secret-token');
    }
    expect(secrets.convertObject(secret, { now: NOW }).rows[0]?.cells).toEqual(['db', 'Opaque', null, null, null, null, '2d3h']);
  });

  it('prints a cluster-scoped kind with columns from spec and status', () => {
    const clusters = new TableConvertor(memberClusterDefinition);
    const cluster: KubeObject = {
      apiVersion: 'federation.herd.io/v1alpha1',
      kind: 'MemberCluster',
      metadata: { name: 'eu-1', creationTimestamp: '2026-06-01T10:00:00Z' },
      spec: { apiEndpoint: 'https://10.0.0.1:6443', region: 'eu-west' },
      status: { kubernetesVersion: 'v1.36.3', conditions: [{ type: 'Ready', status: 'True' }], nodeSummary: { ready: 3 } },
    };
    expect(clusters.convertObject(cluster, { now: NOW }).rows[0]?.cells).toEqual(['eu-1', 'True', 'v1.36.3', 'eu-west', null, 'https://10.0.0.1:6443', 3, '30d']);
  });

  it.each<[string, PrinterColumn['type'], unknown, unknown]>([
    ['a string column prints a number as text', 'string', 3, '3'],
    ['a string column prints an object as JSON', 'string', { a: 1 }, '{"a":1}'],
    ['an integer column drops the fraction', 'integer', 2.7, 2],
    ['an integer column ignores a string', 'integer', '3', null],
    ['a number column keeps the fraction', 'number', 2.5, 2.5],
    ['a boolean column keeps a boolean', 'boolean', true, true],
    ['a boolean column ignores a string', 'boolean', 'true', null],
    ['a date column prints an age', 'date', '2026-07-01T09:00:00Z', '60m'],
    ['a date column marks a bad date', 'date', 'soon', '<invalid>'],
  ])('%s', (_name, type, value, expected) => {
    const convertor = new TableConvertor({ printerColumns: [{ name: 'X', type, description: 'x', jsonPath: '.spec.x', priority: 0 }] });
    const obj: KubeObject = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: { x: value } };
    expect(convertor.convertObject(obj, { now: NOW }).rows[0]?.cells[1]).toEqual(expected);
  });
});

describe('parseIncludeObject', () => {
  it.each([
    [undefined, 'Metadata'],
    ['', 'Metadata'],
    ['None', 'None'],
    ['Metadata', 'Metadata'],
    ['Object', 'Object'],
  ])('reads %j as %s', (value, expected) => {
    expect(parseIncludeObject(value)).toBe(expected);
  });

  it('answers an unknown value with BadRequest, worded as kube-apiserver words it', () => {
    try {
      parseIncludeObject('Everything');
      expect.unreachable();
    } catch (e) {
      expect(isStatusError(e)).toBe(true);
      if (isStatusError(e)) {
        expect(e.status.code).toBe(400);
        expect(e.status.message).toBe('unrecognized includeObject value: "Everything"');
      }
    }
  });
});
