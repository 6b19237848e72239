import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/meta/object-meta.js';
import { memberObjectState, type MemberObjectState } from './member-object-state.js';

function obj(kind: string, fields: Record<string, unknown>, generation = 2): KubeObject {
  return { apiVersion: 'x/v1', kind, metadata: { name: 'a', namespace: 'n', generation }, ...fields };
}

const ready = (group: string, kind: string, fields: Record<string, unknown>, generation?: number): MemberObjectState['ready'] =>
  memberObjectState(group, kind, obj(kind, fields, generation)).ready;

const rolledOut = { observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 };

describe('memberObjectState: Deployment', () => {
  it.each<[string, Record<string, unknown>, MemberObjectState['ready']]>([
    ['rolled out', { spec: { replicas: 3 }, status: rolledOut }, 'True'],
    ['no status yet', { spec: { replicas: 3 } }, 'Unknown'],
    ['the new generation not yet observed', { spec: { replicas: 3 }, status: { ...rolledOut, observedGeneration: 1 } }, 'Unknown'],
    ['status without observedGeneration', { spec: { replicas: 3 }, status: { ...rolledOut, observedGeneration: undefined } }, 'Unknown'],
    ['an observedGeneration ahead counts as observed', { spec: { replicas: 3 }, status: { ...rolledOut, observedGeneration: 5 } }, 'True'],
    ['not every replica updated', { spec: { replicas: 3 }, status: { ...rolledOut, updatedReplicas: 2 } }, 'False'],
    ['not every replica available', { spec: { replicas: 3 }, status: { ...rolledOut, availableReplicas: 2 } }, 'False'],
    ['old replicas still terminating', { spec: { replicas: 3 }, status: { ...rolledOut, replicas: 4 } }, 'False'],
    ['the progress deadline exceeded', { spec: { replicas: 3 }, status: { ...rolledOut, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } }, 'False'],
    ['spec.replicas defaults to 1', { spec: {}, status: { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1 } }, 'True'],
    ['scaled to zero: status leaves zero counts out', { spec: { replicas: 0 }, status: { observedGeneration: 2 } }, 'True'],
  ])('%s', (_name, fields, expected) => {
    expect(ready('apps', 'Deployment', fields)).toBe(expected);
  });

  it('reports generation, observedGeneration and replica counts, spec.replicas as replicas', () => {
    const state = memberObjectState('apps', 'Deployment', obj('Deployment', { spec: { replicas: 4 }, status: { observedGeneration: 2, replicas: 5, updatedReplicas: 2, readyReplicas: 3 } }));
    expect(state).toEqual({ generation: 2, observedGeneration: 2, ready: 'False', replicas: 4, readyReplicas: 3, availableReplicas: 0, updatedReplicas: 2 });
  });

  it('only knows apps/Deployment by its group', () => {
    expect(ready('example.com', 'Deployment', { spec: { replicas: 3 }, status: rolledOut })).toBe('Unknown');
  });
});

describe('memberObjectState: StatefulSet', () => {
  const done = { observedGeneration: 2, replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3, currentRevision: 'r2', updateRevision: 'r2' };
  it.each<[string, Record<string, unknown>, MemberObjectState['ready']]>([
    ['rolled out', { spec: { replicas: 3 }, status: done }, 'True'],
    ['not observed', { spec: { replicas: 3 }, status: { ...done, observedGeneration: 1 } }, 'Unknown'],
    ['not every replica ready', { spec: { replicas: 3 }, status: { ...done, readyReplicas: 2 } }, 'False'],
    ['not every replica updated', { spec: { replicas: 3 }, status: { ...done, updatedReplicas: 2 } }, 'False'],
    ['revisions differ', { spec: { replicas: 3 }, status: { ...done, currentRevision: 'r1' } }, 'False'],
    ['a partitioned rollout done above the partition', { spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }, status: { ...done, updatedReplicas: 1, currentRevision: 'r1' } }, 'True'],
    ['a partitioned rollout not done', { spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }, status: { ...done, updatedReplicas: 1, currentRevision: 'r1' } }, 'False'],
    ['OnDelete waits only for ready replicas', { spec: { replicas: 3, updateStrategy: { type: 'OnDelete' } }, status: { ...done, updatedReplicas: 0, currentRevision: 'r1' } }, 'True'],
  ])('%s', (_name, fields, expected) => {
    expect(ready('apps', 'StatefulSet', fields)).toBe(expected);
  });

  it('reports the counts', () => {
    expect(memberObjectState('apps', 'StatefulSet', obj('StatefulSet', { spec: { replicas: 3 }, status: { ...done, readyReplicas: 1 } }))).toMatchObject({
      replicas: 3,
      readyReplicas: 1,
      availableReplicas: 3,
      updatedReplicas: 3,
    });
  });
});

describe('memberObjectState: DaemonSet', () => {
  const done = { observedGeneration: 2, desiredNumberScheduled: 4, numberReady: 4, numberAvailable: 4, updatedNumberScheduled: 4 };
  it.each<[string, Record<string, unknown>, MemberObjectState['ready']]>([
    ['rolled out', { spec: {}, status: done }, 'True'],
    ['not observed', { spec: {}, status: { ...done, observedGeneration: 1 } }, 'Unknown'],
    ['not every pod ready', { spec: {}, status: { ...done, numberReady: 3 } }, 'False'],
    ['not every pod available', { spec: {}, status: { ...done, numberAvailable: 3 } }, 'False'],
    ['not every pod updated', { spec: {}, status: { ...done, updatedNumberScheduled: 3 } }, 'False'],
    ['OnDelete does not wait for updates', { spec: { updateStrategy: { type: 'OnDelete' } }, status: { ...done, updatedNumberScheduled: 0 } }, 'True'],
    ['no node to run on', { spec: {}, status: { observedGeneration: 2 } }, 'True'],
  ])('%s', (_name, fields, expected) => {
    expect(ready('apps', 'DaemonSet', fields)).toBe(expected);
  });

  it('maps the scheduled numbers to replica counts', () => {
    expect(memberObjectState('apps', 'DaemonSet', obj('DaemonSet', { spec: {}, status: { ...done, numberReady: 2 } }))).toEqual({
      generation: 2,
      observedGeneration: 2,
      ready: 'False',
      replicas: 4,
      readyReplicas: 2,
      availableReplicas: 4,
      updatedReplicas: 4,
    });
  });
});

describe('memberObjectState: ReplicaSet and ReplicationController', () => {
  it.each<[string, string, Record<string, unknown>, MemberObjectState['ready']]>([
    ['apps', 'ReplicaSet', { spec: { replicas: 2 }, status: { observedGeneration: 2, replicas: 2, readyReplicas: 2, availableReplicas: 2 } }, 'True'],
    ['apps', 'ReplicaSet', { spec: { replicas: 2 }, status: { observedGeneration: 2, replicas: 2, readyReplicas: 1, availableReplicas: 1 } }, 'False'],
    ['apps', 'ReplicaSet', { spec: { replicas: 2 }, status: { observedGeneration: 2, replicas: 3, readyReplicas: 2, availableReplicas: 2 } }, 'False'],
    ['apps', 'ReplicaSet', { spec: { replicas: 2 } }, 'Unknown'],
    ['', 'ReplicationController', { spec: { replicas: 1 }, status: { observedGeneration: 2, replicas: 1, readyReplicas: 1, availableReplicas: 1 } }, 'True'],
  ])('%s/%s %#', (group, kind, fields, expected) => {
    expect(ready(group, kind, fields)).toBe(expected);
  });
});

describe('memberObjectState: Job', () => {
  it.each<[string, unknown[] | undefined, MemberObjectState['ready']]>([
    ['complete', [{ type: 'Complete', status: 'True' }], 'True'],
    ['failed', [{ type: 'Failed', status: 'True' }], 'False'],
    ['running', [], 'Unknown'],
    ['no status', undefined, 'Unknown'],
    ['a condition that is not True does not count', [{ type: 'Complete', status: 'False' }], 'Unknown'],
  ])('%s', (_name, conditions, expected) => {
    expect(ready('batch', 'Job', conditions ? { status: { conditions } } : {})).toBe(expected);
  });
});

describe('memberObjectState: kinds without a rollout', () => {
  it.each<[string, string, Record<string, unknown>, MemberObjectState['ready']]>([
    ['', 'ConfigMap', { data: {} }, 'True'],
    ['', 'Secret', { type: 'Opaque' }, 'True'],
    ['', 'ServiceAccount', {}, 'True'],
    ['rbac.authorization.k8s.io', 'Role', { rules: [] }, 'True'],
    ['rbac.authorization.k8s.io', 'RoleBinding', {}, 'True'],
    ['batch', 'CronJob', { spec: { schedule: '* * * * *' } }, 'True'],
    ['networking.k8s.io', 'Ingress', { spec: {} }, 'True'],
    ['', 'Service', { spec: { type: 'ClusterIP' } }, 'True'],
    ['', 'Service', { spec: {} }, 'True'],
    ['', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: {} } }, 'False'],
    ['', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } } }, 'True'],
    ['', 'Namespace', { status: { phase: 'Active' } }, 'True'],
    ['', 'Namespace', { status: { phase: 'Terminating' } }, 'False'],
    ['', 'PersistentVolumeClaim', { status: { phase: 'Bound' } }, 'True'],
    ['', 'PersistentVolumeClaim', { status: { phase: 'Pending' } }, 'False'],
  ])('%s/%s %#', (group, kind, fields, expected) => {
    expect(ready(group, kind, fields)).toBe(expected);
  });
});

describe('memberObjectState: other kinds', () => {
  it.each<[string, Record<string, unknown>, MemberObjectState['ready']]>([
    ['a Ready condition', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, 'True'],
    ['a false Ready condition', { status: { conditions: [{ type: 'Ready', status: 'False' }] } }, 'False'],
    ['Ready wins over Available', { status: { conditions: [{ type: 'Available', status: 'True' }, { type: 'Ready', status: 'False' }] } }, 'False'],
    ['an Available condition', { status: { conditions: [{ type: 'Available', status: 'True' }] } }, 'True'],
    ['a stale condition', { status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] } }, 'Unknown'],
    ['a current condition', { status: { observedGeneration: 2, conditions: [{ type: 'Ready', status: 'True' }] } }, 'True'],
    ['other conditions only', { status: { conditions: [{ type: 'Synced', status: 'True' }] } }, 'Unknown'],
    ['no status', { spec: {} }, 'Unknown'],
    ['a condition status outside True/False/Unknown', { status: { conditions: [{ type: 'Ready', status: 'yes' }] } }, 'Unknown'],
  ])('%s', (_name, fields, expected) => {
    expect(ready('example.com', 'Widget', fields)).toBe(expected);
  });

  it('takes replica counts from a custom kind that has them', () => {
    const state = memberObjectState('argoproj.io', 'Rollout', obj('Rollout', { spec: { replicas: 5 }, status: { readyReplicas: 4, availableReplicas: 3, conditions: [{ type: 'Available', status: 'False' }] } }));
    expect(state).toEqual({ generation: 2, ready: 'False', replicas: 5, readyReplicas: 4, availableReplicas: 3 });
  });

  it('reads a Pod by its Ready condition', () => {
    expect(ready('', 'Pod', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } })).toBe('True');
  });

  it('leaves out what the object does not say', () => {
    const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } };
    expect(memberObjectState('', 'ConfigMap', object)).toEqual({ ready: 'True' });
  });
});
