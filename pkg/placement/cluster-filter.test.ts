import { describe, expect, it } from 'vitest';
import type { Placement } from '../../api/federation/v1alpha1/placement.js';
import { NOT_READY_TAINT } from '../../api/federation/v1alpha1/well-known.js';
import { clusterFilter, type FilterOptions } from './cluster-filter.js';
import { effectiveTolerations } from './cluster-taints.js';
import type { SchedulableCluster } from './schedulable-cluster.js';

const now = Date.parse('2026-01-01T01:00:00Z');
const options = (o: Partial<FilterOptions> = {}): FilterOptions => ({
  previous: new Set(),
  target: { apiVersion: 'apps/v1', kind: 'Deployment' },
  tolerations: effectiveTolerations([], 300),
  now,
  ...o,
});
const cluster = (c: Partial<SchedulableCluster> = {}): SchedulableCluster => ({
  name: 'eu-1',
  labels: { env: 'prod', 'topology.kubernetes.io/region': 'eu' },
  ready: true,
  ...c,
});

function verdict(placement: Placement | undefined, c: SchedulableCluster, o: Partial<FilterOptions> = {}) {
  const outcome = clusterFilter(placement, options(o))(c);
  return outcome.passed ? 'passed' : { filter: outcome.filter, reason: outcome.reason };
}

describe('clusterFilter', () => {
  it('passes a ready cluster for an empty placement', () => {
    expect(verdict({}, cluster())).toBe('passed');
  });

  it('NoPlacement: without a placement no cluster passes', () => {
    expect(verdict(undefined, cluster())).toEqual({ filter: 'NoPlacement', reason: 'no placement applies to the object' });
  });

  it('Leaving: a leaving cluster never passes, even when it holds the object', () => {
    expect(verdict({}, cluster({ leaving: true }), { previous: new Set(['eu-1']) })).toMatchObject({ filter: 'Leaving' });
  });

  it('ClusterNames: a cluster not listed is left out', () => {
    expect(verdict({ clusters: [{ name: 'us-1' }] }, cluster())).toMatchObject({ filter: 'ClusterNames' });
    expect(verdict({ clusters: [{ name: 'eu-1' }] }, cluster())).toBe('passed');
  });

  it('ClusterNames: an empty list chooses no cluster', () => {
    expect(verdict({ clusters: [] }, cluster())).toMatchObject({ filter: 'ClusterNames' });
  });

  it('ClusterSelector: matchLabels and matchExpressions must both hold', () => {
    const placement: Placement = {
      clusterSelector: {
        matchLabels: { env: 'prod' },
        matchExpressions: [{ key: 'topology.kubernetes.io/region', operator: 'In', values: ['us'] }],
      },
    };
    expect(verdict(placement, cluster())).toEqual({
      filter: 'ClusterSelector',
      reason: 'labels do not match placement.clusterSelector env=prod,topology.kubernetes.io/region in (us)',
    });
    expect(verdict(placement, cluster({ labels: { env: 'prod', 'topology.kubernetes.io/region': 'us' } }))).toBe('passed');
  });

  it('ClusterSelector: an empty selector matches every cluster', () => {
    expect(verdict({ clusterSelector: {} }, cluster())).toBe('passed');
  });

  it('ClusterSelector: an invalid selector matches nothing and says why', () => {
    const placement = { clusterSelector: { matchExpressions: [{ key: 'env', operator: 'Near' }] } } as unknown as Placement;
    expect(verdict(placement, cluster())).toEqual({
      filter: 'ClusterSelector',
      reason: 'placement.clusterSelector is invalid: "Near" is not a valid label selector operator',
    });
  });

  it('ClusterNames is checked before ClusterSelector', () => {
    expect(verdict({ clusters: [{ name: 'x' }], clusterSelector: { matchLabels: { env: 'dev' } } }, cluster())).toMatchObject({
      filter: 'ClusterNames',
    });
  });

  it('Excluded: excludeClusters wins over everything that matches', () => {
    expect(verdict({ clusters: [{ name: 'eu-1' }], excludeClusters: ['eu-1'] }, cluster())).toMatchObject({ filter: 'Excluded' });
  });

  describe('APIUnavailable', () => {
    const served = { groupVersion: 'apps/v1', resources: [{ name: 'deployments', kind: 'Deployment' }] };

    it.each<[string, SchedulableCluster['apiEnablements'], boolean]>([
      ['enablements not known yet', undefined, true],
      ['the kind served', [served], true],
      ['the group version listed without resources', [{ groupVersion: 'apps/v1' }], true],
      ['another kind of the group version', [{ groupVersion: 'apps/v1', resources: [{ name: 'statefulsets', kind: 'StatefulSet' }] }], false],
      ['the group version missing', [{ groupVersion: 'v1', resources: [{ name: 'pods', kind: 'Pod' }] }], false],
    ])('%s', (_, apiEnablements, passes) => {
      const got = verdict({}, cluster(apiEnablements ? { apiEnablements } : {}));
      if (passes) expect(got).toBe('passed');
      else expect(got).toEqual({ filter: 'APIUnavailable', reason: 'the cluster does not serve apps/v1 Deployment' });
    });

    it('names the core group "v1"', () => {
      const c = cluster({ apiEnablements: [{ groupVersion: 'v1', resources: [{ name: 'configmaps', kind: 'ConfigMap' }] }] });
      expect(verdict({}, c, { target: { apiVersion: 'v1', kind: 'ConfigMap' } })).toBe('passed');
    });
  });

  it('Unschedulable: a cordon blocks new placements only', () => {
    expect(verdict({}, cluster({ unschedulable: true }))).toMatchObject({ filter: 'Unschedulable' });
    expect(verdict({}, cluster({ unschedulable: true }), { previous: new Set(['eu-1']) })).toBe('passed');
  });

  describe('Taint', () => {
    const noSchedule = cluster({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });

    it('keeps new objects off a NoSchedule taint and keeps a holder', () => {
      expect(verdict({}, noSchedule)).toEqual({ filter: 'Taint', reason: 'taint dedicated=gpu:NoSchedule is not tolerated' });
      expect(verdict({}, noSchedule, { previous: new Set(['eu-1']) })).toBe('passed');
    });

    it('lets a placement that tolerates the taint through', () => {
      const tolerations = effectiveTolerations([{ key: 'dedicated', operator: 'Exists' }], 300);
      expect(verdict({}, noSchedule, { tolerations })).toBe('passed');
    });

    it('removes a holder from an untolerated NoExecute taint', () => {
      const c = cluster({ taints: [{ key: 'evacuate', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' }] });
      expect(verdict({}, c, { previous: new Set(['eu-1']) })).toMatchObject({ filter: 'Taint' });
    });

    it('keeps new objects off a not-ready cluster and keeps a holder for the grace period', () => {
      const notReady = cluster({ ready: false, notReadySince: '2026-01-01T00:58:00Z' });
      expect(verdict({}, notReady)).toEqual({ filter: 'Taint', reason: `taint ${NOT_READY_TAINT}:NoSchedule is not tolerated` });
      const outcome = clusterFilter({}, options({ previous: new Set(['eu-1']) }))(notReady);
      expect(outcome).toMatchObject({ passed: true, taints: { graceEndsAt: Date.parse('2026-01-01T01:03:00Z') } });
    });

    it('checks cordons before taints', () => {
      expect(verdict({}, cluster({ unschedulable: true, ready: false }))).toMatchObject({ filter: 'Unschedulable' });
    });
  });
});
