import { describe, expect, it } from 'vitest';
import {
  MAX_DRIFT_FIELDS,
  MAX_STATUS_CLUSTERS,
  MAX_STATUS_MESSAGE,
  type ClusterPropagationStatus,
  type FederatedStatus,
} from '../../api/federation/v1alpha1/federated-status.js';
import type { Condition } from '../../api/meta/object-meta.js';
import { buildFederatedStatus, sameStatus, type StatusInput } from './federated-status-builder.js';

const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:05:00Z';

const applied = (name: string, extra: Partial<ClusterPropagationStatus> = {}): ClusterPropagationStatus => ({
  name,
  phase: 'Applied',
  ready: 'True',
  ...extra,
});

function build(clusters: ClusterPropagationStatus[], extra: Partial<StatusInput> = {}): FederatedStatus {
  return buildFederatedStatus({
    generation: 4,
    previous: undefined,
    scheduled: { ok: true, clusters: clusters.filter((c) => c.phase !== 'Deleting').length },
    clusters,
    hasReplicas: false,
    now: T0,
    ...extra,
  });
}

const condition = (status: FederatedStatus, type: string): Condition => {
  const c = status.conditions?.find((x) => x.type === type);
  if (!c) throw new Error(`no ${type} condition`);
  return c;
};

describe('buildFederatedStatus: conditions', () => {
  it('is Scheduled, Propagated and Ready when every placed copy is applied and ready', () => {
    const status = build([applied('west'), applied('east')]);
    expect(status.conditions).toEqual([
      { type: 'Scheduled', status: 'True', observedGeneration: 4, lastTransitionTime: T0, reason: 'Scheduled', message: 'placed in 2 clusters' },
      { type: 'Propagated', status: 'True', observedGeneration: 4, lastTransitionTime: T0, reason: 'Applied', message: 'applied in 2 clusters' },
      { type: 'Ready', status: 'True', observedGeneration: 4, lastTransitionTime: T0, reason: 'Ready', message: 'ready in 2 clusters' },
    ]);
    expect(status.observedGeneration).toBe(4);
  });

  it('says one cluster, not one clusters', () => {
    expect(condition(build([applied('a')]), 'Scheduled').message).toBe('placed in 1 cluster');
  });

  it('reports a failed schedule with its reason, and nothing propagated or ready', () => {
    const status = build([], { scheduled: { ok: false, reason: 'NoClusters', message: 'no member cluster matches the placement' } });
    expect(condition(status, 'Scheduled')).toMatchObject({ status: 'False', reason: 'NoClusters', message: 'no member cluster matches the placement' });
    expect(condition(status, 'Propagated')).toMatchObject({ status: 'False', reason: 'NotScheduled' });
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'NotPropagated' });
    expect(status).toMatchObject({ placedClusters: 0, propagatedClusters: 0, readyClusters: 0 });
    expect(status.clusters).toBeUndefined();
  });

  it.each<[string, ClusterPropagationStatus['phase'][], string]>([
    ['Failed beats everything', ['Pending', 'Deleting', 'ClusterNotReady', 'Conflict', 'Failed'], 'Failed'],
    ['Conflict beats ClusterNotReady', ['Pending', 'ClusterNotReady', 'Conflict'], 'Conflict'],
    ['ClusterNotReady beats Deleting', ['Pending', 'Deleting', 'ClusterNotReady'], 'ClusterNotReady'],
    ['Deleting beats Pending', ['Pending', 'Deleting'], 'Deleting'],
    ['Pending alone', ['Applied', 'Pending'], 'Pending'],
  ])('Propagated is False with the most serious phase: %s', (_name, phases, reason) => {
    const status = build(phases.map((phase, i) => ({ name: `c${i}`, phase })));
    expect(condition(status, 'Propagated')).toMatchObject({ status: 'False', reason });
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'NotPropagated' });
  });

  it('is not Propagated while a copy is still being removed from a cluster no longer placed', () => {
    const status = build([applied('a'), { name: 'old', phase: 'Deleting', reason: 'Removing' }]);
    expect(condition(status, 'Propagated')).toMatchObject({ status: 'False', reason: 'Deleting', message: 'Deleting in 1 cluster: old (Removing)' });
    expect(status.placedClusters).toBe(1);
  });

  it('names at most three clusters in that phase, by name, with their reason, and counts them', () => {
    const failed = ['e', 'b', 'd', 'a', 'c'].map((name) => ({ name, phase: 'Failed' as const, reason: name === 'a' ? 'OverrideFailed' : undefined }));
    const status = build([...failed, { name: 'p', phase: 'Pending' }]);
    expect(condition(status, 'Propagated').message).toBe('Failed in 5 clusters: a (OverrideFailed), b, c and 2 more');
  });

  it('is not Ready, status False, when a copy reports itself not ready', () => {
    const status = build([applied('a'), applied('b', { ready: 'False' }), applied('c', { ready: 'Unknown' })]);
    expect(condition(status, 'Propagated').status).toBe('True');
    expect(condition(status, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'NotReady',
      message: 'not ready in 1 cluster: b; readiness unknown in 1 cluster: c',
    });
  });

  it('is Ready Unknown when some copies have not told and none is not ready', () => {
    const status = build([applied('a'), applied('b', { ready: 'Unknown' }), { name: 'c', phase: 'Applied' }]);
    expect(condition(status, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NotReady', message: 'readiness unknown in 2 clusters: b, c' });
  });

  it('keeps lastTransitionTime of a condition whose status did not change, and sets it on a change', () => {
    const previous = build([applied('a'), { name: 'b', phase: 'Pending' }]);
    const next = build([applied('a'), applied('b')], { previous, now: T1 });
    expect(condition(next, 'Scheduled').lastTransitionTime).toBe(T0);
    expect(condition(next, 'Propagated').lastTransitionTime).toBe(T1);
    expect(condition(next, 'Ready').lastTransitionTime).toBe(T1);
    // A new reason or message with the same status keeps the time.
    const again = build([applied('a'), applied('b'), applied('c')], { previous: next, now: '2025-01-01T00:09:00Z' });
    expect(condition(again, 'Propagated')).toMatchObject({ lastTransitionTime: T1, message: 'applied in 3 clusters' });
  });

  it('stamps observedGeneration on every condition', () => {
    const status = build([applied('a')], { generation: 9 });
    expect(status.observedGeneration).toBe(9);
    expect(status.conditions?.map((c) => c.observedGeneration)).toEqual([9, 9, 9]);
  });

  it('cuts long messages to MAX_STATUS_MESSAGE characters with an ellipsis', () => {
    const long = 'x'.repeat(MAX_STATUS_MESSAGE + 50);
    const status = build([{ name: 'a', phase: 'Failed', message: long }], { scheduled: { ok: false, reason: 'Unschedulable', message: long } });
    const scheduled = condition(status, 'Scheduled').message;
    expect(scheduled).toHaveLength(MAX_STATUS_MESSAGE);
    expect(scheduled.endsWith('…')).toBe(true);
    expect(status.clusters?.[0]?.message).toHaveLength(MAX_STATUS_MESSAGE);
    const exact = 'y'.repeat(MAX_STATUS_MESSAGE);
    expect(condition(build([], { scheduled: { ok: false, reason: 'R', message: exact } }), 'Scheduled').message).toBe(exact);
  });

  it('counts characters, not UTF-16 units, and never splits one', () => {
    const message = '😀'.repeat(MAX_STATUS_MESSAGE + 1);
    const cut = condition(build([], { scheduled: { ok: false, reason: 'R', message } }), 'Scheduled').message;
    expect(Array.from(cut)).toHaveLength(MAX_STATUS_MESSAGE);
    expect(cut).toBe(`${'😀'.repeat(MAX_STATUS_MESSAGE - 1)}…`);
  });
});

describe('buildFederatedStatus: counters and replicas', () => {
  it('counts placed, propagated and ready clusters, leaving clusters being removed out', () => {
    const status = build([
      applied('a'),
      applied('b', { ready: 'False' }),
      { name: 'c', phase: 'Failed', ready: 'True' },
      { name: 'd', phase: 'Pending' },
      { name: 'gone', phase: 'Deleting', ready: 'True' },
    ]);
    expect(status).toMatchObject({ placedClusters: 4, propagatedClusters: 2, readyClusters: 2 });
  });

  it('sums the replica counts over placed clusters when the kind has replicas', () => {
    const status = build(
      [
        applied('a', { replicas: 3, readyReplicas: 3, availableReplicas: 2, updatedReplicas: 3 }),
        applied('b', { replicas: 2, readyReplicas: 1 }),
        { name: 'gone', phase: 'Deleting', replicas: 5, readyReplicas: 5 },
      ],
      { hasReplicas: true },
    );
    expect(status).toMatchObject({ replicas: 5, readyReplicas: 4, availableReplicas: 2, updatedReplicas: 3 });
  });

  it('leaves out a sum no cluster reports, and every sum without replicas', () => {
    const withReplicas = build([applied('a', { replicas: 2 })], { hasReplicas: true });
    expect(withReplicas.replicas).toBe(2);
    expect('readyReplicas' in withReplicas).toBe(false);
    const zero = build([applied('a', { replicas: 0, readyReplicas: 0 })], { hasReplicas: true });
    expect(zero).toMatchObject({ replicas: 0, readyReplicas: 0 });
    const without = build([applied('a', { replicas: 2, readyReplicas: 2 })], { hasReplicas: false });
    expect('replicas' in without || 'readyReplicas' in without).toBe(false);
  });

  it('names the policy when given', () => {
    const policy = { kind: 'PropagationPolicy' as const, namespace: 'shop', name: 'spread' };
    expect(build([applied('a')], { policy }).policy).toEqual(policy);
    expect('policy' in build([applied('a')])).toBe(false);
  });
});

describe('buildFederatedStatus: the cluster list', () => {
  it('lists problems first by name, then the rest by name', () => {
    const status = build([
      applied('d'),
      applied('a'),
      applied('c', { ready: 'False' }),
      { name: 'b', phase: 'Pending' },
      { name: 'z', phase: 'Deleting' },
      { name: 'e', phase: 'Applied' },
    ]);
    expect(status.clusters?.map((c) => c.name)).toEqual(['b', 'c', 'e', 'z', 'a', 'd']);
  });

  it('keeps a cluster lastTransitionTime while its phase is unchanged, and sets it on a change', () => {
    const previous = build([applied('a'), { name: 'b', phase: 'Pending' }]);
    const next = build([applied('a', { ready: 'False' }), applied('b'), applied('new')], { previous, now: T1 });
    const times = Object.fromEntries((next.clusters ?? []).map((c) => [c.name, c.lastTransitionTime]));
    expect(times).toEqual({ a: T0, b: T1, new: T1 });
  });

  it('ignores a stale lastTransitionTime in the input', () => {
    const status = build([applied('a', { lastTransitionTime: '2020-01-01T00:00:00Z' })]);
    expect(status.clusters?.[0]?.lastTransitionTime).toBe(T0);
  });

  it('keeps at most MAX_DRIFT_FIELDS drifted fields and the full count', () => {
    const fields = Array.from({ length: MAX_DRIFT_FIELDS + 3 }, (_, i) => `/spec/f${i}`);
    const input = applied('a', { drift: { count: fields.length, fields, lastDetectedTime: T0 } });
    const status = build([input]);
    expect(status.clusters?.[0]?.drift).toEqual({ count: fields.length, fields: fields.slice(0, MAX_DRIFT_FIELDS), lastDetectedTime: T0 });
    expect(input.drift?.fields).toHaveLength(MAX_DRIFT_FIELDS + 3);
  });

  it('keeps at most MAX_STATUS_CLUSTERS entries, problems first, and counts the rest', () => {
    const many = Array.from({ length: MAX_STATUS_CLUSTERS + 10 }, (_, i) => applied(`c${String(i).padStart(4, '0')}`));
    const broken: ClusterPropagationStatus = { name: 'zz-broken', phase: 'Failed', reason: 'ApplyFailed' };
    const status = build([...many, broken]);
    expect(status.clusters).toHaveLength(MAX_STATUS_CLUSTERS);
    expect(status.clusters?.[0]?.name).toBe('zz-broken');
    expect(status.clusters?.[1]?.name).toBe('c0000');
    expect(status.clustersOmitted).toBe(11);
    expect(status.placedClusters).toBe(MAX_STATUS_CLUSTERS + 11);
    expect('clustersOmitted' in build([applied('a')])).toBe(false);
  });

  it('leaves the input alone and drops undefined fields', () => {
    const input = [applied('a', { message: 'x'.repeat(MAX_STATUS_MESSAGE + 1), reason: undefined })];
    const before = structuredClone(input);
    const status = build(input);
    expect(input).toEqual(before);
    expect('reason' in (status.clusters?.[0] ?? {})).toBe(false);
  });
});

/** The same value with the keys of every object in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  return value;
}

describe('sameStatus', () => {
  it('is true for the same status whatever the key order, and for a rebuild from unchanged input', () => {
    const status = build([applied('a', { replicas: 2 })], { hasReplicas: true });
    const reversed = reverseKeys(status) as FederatedStatus;
    expect(JSON.stringify(reversed)).not.toBe(JSON.stringify(status));
    expect(sameStatus(reversed, status)).toBe(true);
    const rebuilt = build([applied('a', { replicas: 2 })], { hasReplicas: true, previous: status, now: T1 });
    expect(sameStatus(status, rebuilt)).toBe(true);
  });

  it('is true against a stored copy that went through JSON', () => {
    const status = build([applied('a')]);
    expect(sameStatus(JSON.parse(JSON.stringify(status)) as FederatedStatus, status)).toBe(true);
  });

  it('is false without a previous status or when anything differs', () => {
    const status = build([applied('a')]);
    expect(sameStatus(undefined, status)).toBe(false);
    expect(sameStatus(status, { ...status, readyClusters: 0 })).toBe(false);
    expect(sameStatus(status, build([applied('a')], { generation: 5 }))).toBe(false);
    expect(sameStatus(status, build([applied('a', { ready: 'False' })], { previous: status }))).toBe(false);
  });
});
