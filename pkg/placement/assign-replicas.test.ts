import { describe, expect, it } from 'vitest';
import type { ClusterReplicaPreference, ReplicaScheduling } from '../../api/federation/v1alpha1/placement.js';
import { assignReplicas, type ReplicaCandidate } from './assign-replicas.js';

const cl = (name: string, extra: Partial<ReplicaCandidate> = {}): ReplicaCandidate => ({ name, holds: false, ...extra });
const counts = (total: number, clusters: ReplicaCandidate[], scheduling?: ReplicaScheduling, request?: { cpu?: number }) =>
  Object.fromEntries(assignReplicas(total, clusters, scheduling, request).map((a) => [a.name, a.replicas]));

const divide = (clusters?: ClusterReplicaPreference[]): ReplicaScheduling => ({ type: 'Divide', ...(clusters ? { clusters } : {}) });
const dynamic = (clusters?: ClusterReplicaPreference[]): ReplicaScheduling => ({ ...divide(clusters), weighting: 'Dynamic' });
const room = (pods: number) => ({ resourceSummary: { allocatable: { pods }, allocated: { pods: 0 } } });

describe('assignReplicas', () => {
  describe('Duplicate', () => {
    it('gives every cluster the full count by default', () => {
      expect(counts(3, [cl('a'), cl('b')])).toEqual({ a: 3, b: 3 });
      expect(assignReplicas(3, [cl('a')], undefined, undefined)[0]?.reason).toBe('3 replicas (Duplicate)');
    });

    it('clamps to maxReplicas and raises to minReplicas per cluster', () => {
      const scheduling: ReplicaScheduling = {
        type: 'Duplicate',
        clusters: [{ name: 'a', maxReplicas: 2 }, { name: 'b', minReplicas: 5 }, { name: '*', maxReplicas: 1 }],
      };
      expect(counts(3, [cl('a'), cl('b'), cl('c')], scheduling)).toEqual({ a: 2, b: 5, c: 1 });
      expect(assignReplicas(3, [cl('a')], scheduling, undefined)[0]?.reason).toBe('2 replicas (Duplicate, bounded by minReplicas/maxReplicas)');
    });

    it('lets minReplicas win over a smaller maxReplicas', () => {
      expect(counts(3, [cl('a')], { clusters: [{ name: 'a', minReplicas: 4, maxReplicas: 2 }] })).toEqual({ a: 4 });
    });
  });

  describe('Divide, Static', () => {
    it('splits by weight', () => {
      expect(counts(6, [cl('eu'), cl('us')], divide([{ name: 'eu', weight: 2 }, { name: 'us', weight: 1 }]))).toEqual({ eu: 4, us: 2 });
    });

    it('gives equal weights when none is given', () => {
      expect(counts(7, [cl('a'), cl('b'), cl('c')], divide())).toEqual({ a: 3, b: 2, c: 2 });
    });

    it('takes the weight of the * entry for clusters not named', () => {
      expect(counts(8, [cl('a'), cl('b'), cl('c')], divide([{ name: 'a', weight: 2 }, { name: '*', weight: 3 }]))).toEqual({ a: 2, b: 3, c: 3 });
    });

    it('breaks remainder ties in favour of holders, then by name', () => {
      expect(counts(1, [cl('a'), cl('b', { holds: true })], divide())).toEqual({ a: 0, b: 1 });
      expect(counts(1, [cl('b'), cl('a')], divide())).toEqual({ a: 1, b: 0 });
    });

    it('keeps a cluster given 0 replicas', () => {
      const got = assignReplicas(1, [cl('a'), cl('b')], divide(), undefined);
      expect(got).toEqual([
        { name: 'a', replicas: 1, reason: '1 of 1 replicas (Divide, weight 1)' },
        { name: 'b', replicas: 0, reason: '0 of 1 replicas (Divide, weight 1)' },
      ]);
    });

    it('hands out minReplicas first and the rest by weight', () => {
      // a: 3 + 2 of the remaining 3 ... b: 0 + 1.
      const scheduling = divide([{ name: 'a', minReplicas: 3, weight: 2 }, { name: 'b', weight: 1 }]);
      expect(counts(6, [cl('a'), cl('b')], scheduling)).toEqual({ a: 5, b: 1 });
    });

    it('never passes maxReplicas and gives the surplus to the others', () => {
      const scheduling = divide([{ name: 'a', weight: 10, maxReplicas: 2 }]);
      expect(counts(10, [cl('a'), cl('b'), cl('c')], scheduling)).toEqual({ a: 2, b: 4, c: 4 });
    });

    it('gives weight 0 only its minReplicas', () => {
      expect(counts(6, [cl('a'), cl('b')], divide([{ name: 'b', weight: 0, minReplicas: 1 }]))).toEqual({ a: 5, b: 1 });
    });

    it('spreads over weight-0 clusters only what the full weighted ones cannot take', () => {
      const scheduling = divide([{ name: 'a', maxReplicas: 2 }, { name: '*', weight: 0 }]);
      expect(counts(6, [cl('a'), cl('b'), cl('c')], scheduling)).toEqual({ a: 2, b: 2, c: 2 });
    });

    it('says so when the minReplicas add up to more than asked', () => {
      const got = assignReplicas(3, [cl('a'), cl('b')], divide([{ name: '*', minReplicas: 2 }]), undefined);
      expect(got.map((a) => a.replicas)).toEqual([2, 2]);
      expect(got[0]?.reason).toBe('2 of 3 replicas (Divide, weight 1); the minReplicas of the chosen clusters add up to 4, more than the 3 asked for');
    });

    it('says so when the maxReplicas add up to fewer than asked', () => {
      const got = assignReplicas(10, [cl('a'), cl('b')], divide([{ name: '*', maxReplicas: 3 }]), undefined);
      expect(got.map((a) => a.replicas)).toEqual([3, 3]);
      expect(got[1]?.reason).toContain('the maxReplicas of the chosen clusters add up to 6, fewer than the 10 asked for');
    });

    it('assigns nothing for 0 replicas', () => {
      expect(counts(0, [cl('a'), cl('b')], divide())).toEqual({ a: 0, b: 0 });
    });
  });

  describe('Divide, Dynamic', () => {
    it('splits by how many more replicas each cluster fits', () => {
      const got = assignReplicas(6, [cl('a', room(20)), cl('b', room(10))], dynamic(), undefined);
      expect(got.map((a) => a.replicas)).toEqual([4, 2]);
      expect(got[0]?.reason).toBe('4 of 6 replicas (Divide, room for 20 more)');
    });

    it('reads cpu against the per-replica request', () => {
      const summary = (cpu: string) => ({ resourceSummary: { allocatable: { cpu, pods: 1000 }, allocated: { cpu: '0' } } });
      // 0.5 cpu each: a fits 2, b fits 6.
      expect(counts(8, [cl('a', summary('1')), cl('b', summary('3'))], dynamic(), { cpu: 0.5 })).toEqual({ a: 2, b: 6 });
    });

    it('weighs a cluster of unknown capacity as the average of the known', () => {
      const got = assignReplicas(9, [cl('a', room(4)), cl('b', room(8)), cl('c')], dynamic(), undefined);
      expect(got.map((a) => a.replicas)).toEqual([2, 4, 3]);
      expect(got[2]?.reason).toBe('3 of 9 replicas (Divide, room unknown, weighted as the average 6 of the others)');
    });

    it('falls back to equal weights when no cluster has room or none is known', () => {
      const full = assignReplicas(4, [cl('a', room(0)), cl('b', room(0))], dynamic(), undefined);
      expect(full.map((a) => a.replicas)).toEqual([2, 2]);
      expect(full[0]?.reason).toContain('no cluster reports room for more, so equal weights');
      expect(counts(4, [cl('a'), cl('b')], dynamic())).toEqual({ a: 2, b: 2 });
    });

    it('still honours minReplicas and maxReplicas', () => {
      const scheduling = dynamic([{ name: 'a', maxReplicas: 1 }, { name: 'b', minReplicas: 3 }]);
      expect(counts(6, [cl('a', room(100)), cl('b', room(1)), cl('c', room(1))], scheduling)).toEqual({ a: 1, b: 4, c: 1 });
    });

    it('spreads over clusters without room what the others cannot take', () => {
      expect(counts(5, [cl('a', room(10)), cl('b', room(0))], dynamic([{ name: 'a', maxReplicas: 3 }]))).toEqual({ a: 3, b: 2 });
    });
  });

  it('adds up to the replicas whenever the min/max bounds allow it (random cases)', () => {
    let seed = 1234567;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const int = (n: number) => Math.floor(next() * n);
    for (let run = 0; run < 1500; run++) {
      const clusters = Array.from({ length: 1 + int(6) }, (_, i) =>
        cl(`c${i}`, { holds: int(2) === 0, ...(int(3) > 0 ? room(int(30)) : {}) }),
      );
      const prefs: ClusterReplicaPreference[] = clusters.flatMap((c) => {
        if (int(2) === 0) return [];
        const min = int(3) === 0 ? int(4) : undefined;
        const max = int(3) === 0 ? int(8) : undefined;
        return [{ name: c.name, weight: int(5), ...(min !== undefined ? { minReplicas: min } : {}), ...(max !== undefined ? { maxReplicas: max } : {}) }];
      });
      const scheduling: ReplicaScheduling = { type: 'Divide', weighting: int(2) === 0 ? 'Static' : 'Dynamic', clusters: prefs };
      const total = int(50);
      const got = assignReplicas(total, clusters, scheduling, int(2) === 0 ? { cpu: 0.5 } : undefined);

      const bounds = clusters.map((c) => {
        const p = prefs.find((x) => x.name === c.name);
        const min = p?.minReplicas ?? 0;
        return { min, max: Math.max(min, p?.maxReplicas ?? Number.POSITIVE_INFINITY) };
      });
      const lowest = bounds.reduce((s, b) => s + b.min, 0);
      const highest = bounds.reduce((s, b) => s + b.max, 0);
      const sum = got.reduce((s, a) => s + a.replicas, 0);
      const context = JSON.stringify({ total, clusters, scheduling });
      expect(sum, context).toBe(Math.min(Math.max(total, lowest), highest));
      got.forEach((a, i) => {
        expect(Number.isInteger(a.replicas), context).toBe(true);
        expect(a.replicas, context).toBeGreaterThanOrEqual(bounds[i]!.min);
        expect(a.replicas, context).toBeLessThanOrEqual(bounds[i]!.max);
      });
    }
  });
});
