import { describe, expect, it } from 'vitest';
import type { Placement } from '../../api/federation/v1alpha1/placement.js';
import { CLUSTER_NAME_LABEL, NOT_READY_TAINT, REGION_LABEL } from '../../api/federation/v1alpha1/well-known.js';
import type { SchedulableCluster } from './schedulable-cluster.js';
import { schedulePlacement, type ScheduleInput } from './schedule-placement.js';

const now = Date.parse('2026-03-01T12:00:00Z');
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

function cluster(name: string, region: string, extra: Partial<SchedulableCluster> = {}): SchedulableCluster {
  return { name, labels: { [REGION_LABEL]: region, [CLUSTER_NAME_LABEL]: name }, ready: true, ...extra };
}

const fleet = [cluster('eu-west', 'eu-west'), cluster('us-east', 'us-east'), cluster('ap-south', 'ap-south')];

function schedule(input: Partial<ScheduleInput> & { placement: Placement | undefined }) {
  return schedulePlacement({ clusters: fleet, previous: [], target: { apiVersion: 'apps/v1', kind: 'Deployment' }, now, ...input });
}

describe('schedulePlacement', () => {
  it('divides 6 replicas 4/2 over the two selected regions by static weight', () => {
    const got = schedule({
      placement: {
        clusterSelector: { matchExpressions: [{ key: REGION_LABEL, operator: 'In', values: ['eu-west', 'us-east'] }] },
        replicaScheduling: {
          type: 'Divide',
          weighting: 'Static',
          clusters: [{ name: 'eu-west', weight: 2 }, { name: 'us-east', weight: 1 }],
        },
      },
      replicas: 6,
    });
    expect(got.clusters).toEqual([
      { name: 'eu-west', replicas: 4 },
      { name: 'us-east', replicas: 2 },
    ]);
    expect(got.explanations.map((e) => e.cluster)).toEqual(['ap-south', 'eu-west', 'us-east']);
    expect(got.explanations[0]).toMatchObject({ cluster: 'ap-south', selected: false, filter: 'ClusterSelector' });
    expect(got.explanations[1]).toMatchObject({ cluster: 'eu-west', selected: true, replicas: 4, reason: '4 of 6 replicas (Divide, weight 2)' });
    expect(got.unschedulable).toBeUndefined();
    expect(got.requeueAfterMs).toBeUndefined();
  });

  it('chooses no cluster without a placement', () => {
    const got = schedule({ placement: undefined, replicas: 2 });
    expect(got.clusters).toEqual([]);
    expect(got.explanations.every((e) => !e.selected && e.filter === 'NoPlacement')).toBe(true);
    expect(got.unschedulable).toBeUndefined();
  });

  it('reports replicas only when the input has them', () => {
    const got = schedule({ placement: {} });
    expect(got.clusters).toEqual([{ name: 'ap-south' }, { name: 'eu-west' }, { name: 'us-east' }]);
    expect(got.explanations.every((e) => e.replicas === undefined && e.reason === 'matches the placement')).toBe(true);
  });

  it('duplicates the replicas by default', () => {
    expect(schedule({ placement: {}, replicas: 2 }).clusters.map((c) => c.replicas)).toEqual([2, 2, 2]);
  });

  it('keeps a cluster Divide gives 0 replicas', () => {
    const got = schedule({ placement: { replicaScheduling: { type: 'Divide' } }, replicas: 1 });
    expect(got.clusters).toEqual([
      { name: 'ap-south', replicas: 1 },
      { name: 'eu-west', replicas: 0 },
      { name: 'us-east', replicas: 0 },
    ]);
    expect(got.explanations.find((e) => e.cluster === 'us-east')).toMatchObject({ selected: true, replicas: 0 });
  });

  it('explains every input cluster once, with the score of those that passed the filters', () => {
    const got = schedule({ placement: { maxClusters: 1, excludeClusters: ['us-east'] }, previous: ['eu-west'] });
    expect(got.explanations).toEqual([
      {
        cluster: 'ap-south',
        selected: false,
        filter: 'MaxClusters',
        reason: 'not among the 1 clusters ranked by score (maxClusters)',
        score: 15,
      },
      { cluster: 'eu-west', selected: true, reason: 'matches the placement', score: 75 },
      { cluster: 'us-east', selected: false, filter: 'Excluded', reason: 'listed in placement.excludeClusters' },
    ]);
  });

  it('keeps the current holder under maxClusters rather than moving to an emptier cluster', () => {
    const roomy = { resourceSummary: { allocatable: { cpu: '64' }, allocated: { cpu: '0' } } };
    const busy = { resourceSummary: { allocatable: { cpu: '64' }, allocated: { cpu: '60' } } };
    const clusters = [cluster('a', 'x', busy), cluster('b', 'x', roomy)];
    expect(schedule({ placement: { maxClusters: 1 }, clusters }).clusters).toEqual([{ name: 'b' }]);
    expect(schedule({ placement: { maxClusters: 1 }, clusters, previous: ['a'] }).clusters).toEqual([{ name: 'a' }]);
  });

  it('avoids a cluster with an untolerated PreferNoSchedule taint when it can', () => {
    const clusters = [cluster('a', 'x', { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] }), cluster('b', 'x')];
    expect(schedule({ placement: { maxClusters: 1 }, clusters }).clusters).toEqual([{ name: 'b' }]);
    const tolerating: Placement = { maxClusters: 1, tolerations: [{ key: 'spot', operator: 'Exists' }] };
    expect(schedule({ placement: tolerating, clusters }).clusters).toEqual([{ name: 'a' }]);
  });

  it('keeps what a cordoned cluster holds and places nothing new there', () => {
    const clusters = [cluster('a', 'x', { unschedulable: true }), cluster('b', 'x', { unschedulable: true })];
    const got = schedule({ placement: {}, clusters, previous: ['a'] });
    expect(got.clusters).toEqual([{ name: 'a' }]);
    expect(got.explanations[1]).toMatchObject({ cluster: 'b', filter: 'Unschedulable' });
  });

  it('never chooses a leaving cluster', () => {
    const got = schedule({ placement: {}, clusters: [cluster('a', 'x', { leaving: true })], previous: ['a'] });
    expect(got.clusters).toEqual([]);
    expect(got.explanations[0]).toMatchObject({ filter: 'Leaving' });
  });

  it('leaves out clusters that do not serve the target kind', () => {
    const clusters = [cluster('a', 'x', { apiEnablements: [{ groupVersion: 'v1', resources: [{ name: 'pods', kind: 'Pod' }] }] }), cluster('b', 'x')];
    const got = schedule({ placement: {}, clusters });
    expect(got.clusters).toEqual([{ name: 'b' }]);
    expect(got.explanations[0]).toMatchObject({ filter: 'APIUnavailable' });
  });

  describe('a cluster that is not Ready', () => {
    const down = (seconds: number) => cluster('eu-west', 'eu-west', { ready: false, notReadySince: ago(seconds) });
    const divide: Placement = { replicaScheduling: { type: 'Divide' } };

    it('gets no new placements', () => {
      const got = schedule({ placement: divide, clusters: [down(10), fleet[1]!], replicas: 4 });
      expect(got.clusters).toEqual([{ name: 'us-east', replicas: 4 }]);
      expect(got.explanations[0]).toMatchObject({ filter: 'Taint', reason: `taint ${NOT_READY_TAINT}:NoSchedule is not tolerated` });
      expect(got.requeueAfterMs).toBeUndefined();
    });

    it('keeps what it holds, replicas included, for the default 300s and asks to be called when that ends', () => {
      const got = schedule({ placement: divide, clusters: [down(100), fleet[1]!], previous: ['eu-west', 'us-east'], replicas: 4 });
      expect(got.clusters).toEqual([
        { name: 'eu-west', replicas: 2 },
        { name: 'us-east', replicas: 2 },
      ]);
      expect(got.requeueAfterMs).toBe(200_000);
      expect(got.explanations[0]?.reason).toBe(
        `taint ${NOT_READY_TAINT}:NoExecute is tolerated until 2026-03-01T12:03:20.000Z; 2 of 4 replicas (Divide, weight 1)`,
      );
    });

    it('loses it when the grace period has run out', () => {
      const got = schedule({ placement: divide, clusters: [down(300), fleet[1]!], previous: ['eu-west', 'us-east'], replicas: 4 });
      expect(got.clusters).toEqual([{ name: 'us-east', replicas: 4 }]);
      expect(got.explanations[0]).toMatchObject({ selected: false, filter: 'Taint' });
      expect(got.requeueAfterMs).toBeUndefined();
    });

    it('follows defaultNotReadyTolerationSeconds', () => {
      const got = schedule({ placement: {}, clusters: [down(100)], previous: ['eu-west'], defaultNotReadyTolerationSeconds: 60 });
      expect(got.clusters).toEqual([]);
    });

    it("follows the placement's own toleration of the not-ready taint instead", () => {
      const forever: Placement = { tolerations: [{ key: NOT_READY_TAINT, operator: 'Exists', effect: 'NoExecute' }] };
      const held = schedule({ placement: forever, clusters: [down(100_000)], previous: ['eu-west'] });
      expect(held.clusters).toEqual([{ name: 'eu-west' }]);
      expect(held.requeueAfterMs).toBeUndefined();
      const brief: Placement = { tolerations: [{ key: NOT_READY_TAINT, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }] };
      expect(schedule({ placement: brief, clusters: [down(100)], previous: ['eu-west'] }).clusters).toEqual([]);
    });

    it('is eligible again once Ready', () => {
      expect(schedule({ placement: {}, clusters: [cluster('eu-west', 'eu-west')] }).clusters).toEqual([{ name: 'eu-west' }]);
    });

    it('reports the soonest grace period among the chosen clusters', () => {
      const clusters = [down(100), cluster('us-east', 'us-east', { ready: false, notReadySince: ago(250) })];
      expect(schedule({ placement: {}, clusters, previous: ['eu-west', 'us-east'] }).requeueAfterMs).toBe(50_000);
    });
  });

  it('reports the end of a tolerated NoExecute taint on a new cluster', () => {
    const clusters = [cluster('a', 'x', { taints: [{ key: 'drain', effect: 'NoExecute', timeAdded: ago(10) }] })];
    const placement: Placement = { tolerations: [{ key: 'drain', operator: 'Exists', tolerationSeconds: 70 }] };
    const got = schedule({ placement, clusters });
    expect(got.clusters).toEqual([{ name: 'a' }]);
    expect(got.requeueAfterMs).toBe(60_000);
  });

  it('does not requeue for a grace period on a cluster left out for another reason', () => {
    const clusters = [cluster('a', 'x', { ready: false, notReadySince: ago(10) }), cluster('b', 'x')];
    const got = schedule({ placement: { maxClusters: 1, excludeClusters: ['a'] }, clusters, previous: ['a'] });
    expect(got.requeueAfterMs).toBeUndefined();
  });

  describe('spread constraints', () => {
    it('places nothing and says why when DoNotSchedule cannot hold', () => {
      const got = schedule({ placement: { spreadConstraints: [{ topologyKey: REGION_LABEL, minGroups: 4 }] }, replicas: 3 });
      expect(got.clusters).toEqual([]);
      expect(got.unschedulable).toBe(`spread constraint ${REGION_LABEL} needs 4 groups (minGroups) but the clusters that can be chosen span 3`);
      expect(got.explanations.every((e) => e.filter === 'SpreadConstraint' && e.score !== undefined)).toBe(true);
    });

    it('places what it can with ScheduleAnyway and says so', () => {
      const placement: Placement = { spreadConstraints: [{ topologyKey: REGION_LABEL, minGroups: 4, whenUnsatisfiable: 'ScheduleAnyway' }] };
      const got = schedule({ placement });
      expect(got.clusters).toHaveLength(3);
      expect(got.unschedulable).toBeUndefined();
      expect(got.explanations[0]?.reason).toContain('needs 4 groups');
    });

    it('chooses within maxGroups, holders first', () => {
      const placement: Placement = { spreadConstraints: [{ topologyKey: REGION_LABEL, maxGroups: 1 }] };
      const got = schedule({ placement, previous: ['us-east'] });
      expect(got.clusters).toEqual([{ name: 'us-east' }]);
      expect(got.explanations[0]).toMatchObject({ cluster: 'ap-south', filter: 'SpreadConstraint' });
    });
  });

  it('lists explicit cluster names and excludes as asked', () => {
    const got = schedule({ placement: { clusters: [{ name: 'eu-west' }, { name: 'us-east' }, { name: 'gone' }], excludeClusters: ['us-east'] } });
    expect(got.clusters).toEqual([{ name: 'eu-west' }]);
    expect(got.explanations.map((e) => e.filter)).toEqual(['ClusterNames', undefined, 'Excluded']);
  });
});
