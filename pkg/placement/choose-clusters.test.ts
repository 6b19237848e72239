import { describe, expect, it } from 'vitest';
import type { Placement } from '../../api/federation/v1alpha1/placement.js';
import { CLUSTER_NAME_LABEL, REGION_LABEL, ZONE_LABEL } from '../../api/federation/v1alpha1/well-known.js';
import { chooseClusters, rankClusters, type RankedCluster } from './choose-clusters.js';

const c = (name: string, score: number, region?: string, zone?: string): RankedCluster => ({
  name,
  score,
  labels: { ...(region ? { [REGION_LABEL]: region } : {}), ...(zone ? { [ZONE_LABEL]: zone } : {}) },
});

const names = (clusters: readonly RankedCluster[]) => clusters.map((x) => x.name);

function choose(clusters: RankedCluster[], placement: Placement) {
  return chooseClusters(rankClusters(clusters), placement);
}

describe('rankClusters', () => {
  it('orders by score, then name', () => {
    expect(names(rankClusters([c('b', 10), c('c', 50), c('a', 10)]))).toEqual(['c', 'a', 'b']);
  });
});

describe('chooseClusters', () => {
  it('chooses every candidate without maxClusters or constraints', () => {
    const got = choose([c('a', 1), c('b', 2)], {});
    expect(names(got.chosen).sort()).toEqual(['a', 'b']);
    expect(got.dropped.size).toBe(0);
  });

  it('keeps the best maxClusters, name breaking ties', () => {
    const got = choose([c('a', 10), c('b', 80), c('c', 10), c('d', 5)], { maxClusters: 2 });
    expect(names(got.chosen)).toEqual(['b', 'a']);
    expect(got.dropped.get('c')).toEqual({ filter: 'MaxClusters', reason: 'not among the 2 clusters ranked by score (maxClusters)' });
    expect(got.dropped.get('d')?.filter).toBe('MaxClusters');
  });

  describe('spread constraints', () => {
    const fleet = [c('eu-1', 90, 'eu'), c('eu-2', 80, 'eu'), c('us-1', 70, 'us'), c('us-2', 60, 'us'), c('ap-1', 10, 'ap'), c('bare', 100)];

    it('drops clusters without the topology label', () => {
      const got = choose(fleet, { spreadConstraints: [{ topologyKey: REGION_LABEL }] });
      expect(got.dropped.get('bare')).toEqual({ filter: 'SpreadConstraint', reason: `no label ${REGION_LABEL} to spread by` });
      expect(names(got.chosen)).toHaveLength(5);
    });

    it('takes maxClusters round-robin across groups, best group first', () => {
      const got = choose(fleet, { maxClusters: 4, spreadConstraints: [{ topologyKey: REGION_LABEL }] });
      expect(names(got.chosen)).toEqual(['eu-1', 'us-1', 'ap-1', 'eu-2']);
      expect(got.dropped.get('us-2')?.filter).toBe('MaxClusters');
    });

    it('keeps only the maxGroups groups with the best clusters', () => {
      const got = choose(fleet, { spreadConstraints: [{ topologyKey: REGION_LABEL, maxGroups: 2 }] });
      expect(names(got.chosen)).toEqual(['eu-1', 'us-1', 'eu-2', 'us-2']);
      expect(got.dropped.get('ap-1')).toEqual({
        filter: 'SpreadConstraint',
        reason: `group ${REGION_LABEL}=ap is not among the 2 best (maxGroups)`,
      });
    });

    it('places nothing when minGroups cannot be reached and the constraint is DoNotSchedule', () => {
      const got = choose([c('eu-1', 90, 'eu'), c('eu-2', 80, 'eu')], { spreadConstraints: [{ topologyKey: REGION_LABEL, minGroups: 2 }] });
      const message = `spread constraint ${REGION_LABEL} needs 2 groups (minGroups) but the clusters that can be chosen span 1`;
      expect(got.chosen).toEqual([]);
      expect(got.unschedulable).toBe(message);
      expect(got.dropped.get('eu-1')).toEqual({ filter: 'SpreadConstraint', reason: message });
      expect(got.dropped.get('eu-2')).toEqual({ filter: 'SpreadConstraint', reason: message });
    });

    it('places what it can when minGroups cannot be reached and the constraint is ScheduleAnyway', () => {
      const got = choose([c('eu-1', 90, 'eu'), c('eu-2', 80, 'eu')], {
        spreadConstraints: [{ topologyKey: REGION_LABEL, minGroups: 2, whenUnsatisfiable: 'ScheduleAnyway' }],
      });
      expect(names(got.chosen)).toEqual(['eu-1', 'eu-2']);
      expect(got.unschedulable).toBeUndefined();
      expect(got.unsatisfied).toHaveLength(1);
    });

    it('fails minGroups when maxClusters is smaller', () => {
      const got = choose(fleet, { maxClusters: 1, spreadConstraints: [{ topologyKey: REGION_LABEL, minGroups: 2 }] });
      expect(got.chosen).toEqual([]);
      expect(got.unschedulable).toContain('span 1');
    });

    it('holds minGroups when maxGroups is smaller only by failing', () => {
      const got = choose(fleet, { spreadConstraints: [{ topologyKey: REGION_LABEL, minGroups: 3, maxGroups: 2 }] });
      expect(got.unschedulable).toContain('span 2');
    });

    it('reports nothing unschedulable when no cluster was a candidate', () => {
      const got = choose([], { spreadConstraints: [{ topologyKey: REGION_LABEL, minGroups: 2 }] });
      expect(got).toEqual({ chosen: [], dropped: new Map(), unsatisfied: [] });
    });

    it('makes every cluster its own group with the cluster-name key, label or not', () => {
      const got = choose([c('a', 3), c('b', 2), c('c', 1)], {
        maxClusters: 2,
        spreadConstraints: [{ topologyKey: CLUSTER_NAME_LABEL, minGroups: 2, maxGroups: 2 }],
      });
      expect(names(got.chosen)).toEqual(['a', 'b']);
      expect(got.dropped.get('c')?.filter).toBe('SpreadConstraint');
    });

    it('spreads over regions first, then zones, with two constraints', () => {
      const zoned = [
        c('eu-a1', 90, 'eu', 'eu-a'),
        c('eu-a2', 85, 'eu', 'eu-a'),
        c('eu-b1', 80, 'eu', 'eu-b'),
        c('us-a1', 20, 'us', 'us-a'),
        c('us-a2', 15, 'us', 'us-a'),
      ];
      const got = choose(zoned, {
        maxClusters: 3,
        spreadConstraints: [{ topologyKey: REGION_LABEL, minGroups: 2 }, { topologyKey: ZONE_LABEL, minGroups: 3 }],
      });
      expect(names(got.chosen)).toEqual(['eu-a1', 'us-a1', 'eu-b1']);
      expect(got.unschedulable).toBeUndefined();
    });
  });
});
