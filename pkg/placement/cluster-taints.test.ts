import { describe, expect, it } from 'vitest';
import type { ClusterTaint } from '../../api/federation/v1alpha1/member-cluster.js';
import type { Toleration } from '../../api/federation/v1alpha1/placement.js';
import { NOT_READY_TAINT } from '../../api/federation/v1alpha1/well-known.js';
import { clusterTaints, effectiveTolerations, formatTaint, taintVerdict, tolerationMatches } from './cluster-taints.js';

const taint: ClusterTaint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

describe('tolerationMatches', () => {
  it.each<[string, Toleration, boolean]>([
    ['Equal with the same key and value', { key: 'dedicated', value: 'gpu' }, true],
    ['Equal with another value', { key: 'dedicated', value: 'cpu' }, false],
    ['Equal without a value against a taint with one', { key: 'dedicated' }, false],
    ['Exists on the key, whatever the value', { key: 'dedicated', operator: 'Exists' }, true],
    ['Exists on another key', { key: 'other', operator: 'Exists' }, false],
    ['Exists with an empty key, matching every taint', { operator: 'Exists' }, true],
    ['the same effect', { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, true],
    ['another effect', { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
  ])('%s: %j', (_, toleration, want) => {
    expect(tolerationMatches(toleration, taint)).toBe(want);
  });

  it('matches a taint without a value with Equal and no value', () => {
    expect(tolerationMatches({ key: 'maintenance', operator: 'Equal' }, { key: 'maintenance', effect: 'NoExecute' })).toBe(true);
  });
});

describe('formatTaint', () => {
  it('prints as kubectl does', () => {
    expect(formatTaint(taint)).toBe('dedicated=gpu:NoSchedule');
    expect(formatTaint({ key: 'x', effect: 'NoExecute' })).toBe('x:NoExecute');
  });
});

describe('clusterTaints', () => {
  const base = { name: 'a', labels: {}, taints: [taint] };

  it('is spec.taints for a Ready cluster', () => {
    expect(clusterTaints({ ...base, ready: true })).toEqual([taint]);
  });

  it('adds the not-ready taints, NoExecute from notReadySince', () => {
    expect(clusterTaints({ ...base, ready: false, notReadySince: '2026-01-01T00:00:00Z' })).toEqual([
      taint,
      { key: NOT_READY_TAINT, effect: 'NoSchedule' },
      { key: NOT_READY_TAINT, effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' },
    ]);
  });

  it('does not repeat a not-ready taint spec.taints already has', () => {
    const own: ClusterTaint = { key: NOT_READY_TAINT, effect: 'NoExecute', timeAdded: '2026-01-01T00:05:00Z' };
    expect(clusterTaints({ name: 'a', labels: {}, ready: false, notReadySince: '2026-01-01T00:00:00Z', taints: [own] })).toEqual([
      own,
      { key: NOT_READY_TAINT, effect: 'NoSchedule' },
    ]);
  });
});

describe('effectiveTolerations', () => {
  it('adds the implicit not-ready toleration', () => {
    expect(effectiveTolerations([{ key: 'x', operator: 'Exists' }], 120)).toEqual([
      { key: 'x', operator: 'Exists' },
      { key: NOT_READY_TAINT, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 120 },
    ]);
  });

  it.each<[string, Toleration]>([
    ['tolerates that taint by key', { key: NOT_READY_TAINT, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }],
    ['tolerates every taint', { operator: 'Exists' }],
  ])('adds nothing when the placement %s', (_, toleration) => {
    expect(effectiveTolerations([toleration], 300)).toEqual([toleration]);
  });
});

describe('taintVerdict', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const noExecute: ClusterTaint = { key: 'maintenance', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' };

  it('keeps new objects off a NoSchedule taint but lets a holder stay', () => {
    expect(taintVerdict([taint], [], false, t0).blocked).toBe('taint dedicated=gpu:NoSchedule is not tolerated');
    expect(taintVerdict([taint], [], true, t0).blocked).toBeUndefined();
  });

  it('lets a tolerated NoSchedule taint through', () => {
    expect(taintVerdict([taint], [{ key: 'dedicated', value: 'gpu' }], false, t0)).toEqual({ preferNoSchedule: 0 });
  });

  it('removes even a holder from an untolerated NoExecute taint', () => {
    expect(taintVerdict([noExecute], [], true, t0).blocked).toBe('taint maintenance:NoExecute is not tolerated');
  });

  it('keeps a tolerated NoExecute taint forever without tolerationSeconds', () => {
    expect(taintVerdict([noExecute], [{ key: 'maintenance', operator: 'Exists' }], true, t0 + 1e9)).toEqual({ preferNoSchedule: 0 });
  });

  it('counts the grace period from timeAdded and reports when it ends', () => {
    const tolerations: Toleration[] = [{ key: 'maintenance', operator: 'Exists', tolerationSeconds: 60 }];
    expect(taintVerdict([noExecute], tolerations, true, t0 + 59_000)).toEqual({
      preferNoSchedule: 0,
      graceEndsAt: t0 + 60_000,
      graceTaint: noExecute,
    });
    expect(taintVerdict([noExecute], tolerations, true, t0 + 60_000).blocked).toBe(
      'taint maintenance:NoExecute was tolerated for 60s from 2026-01-01T00:00:00Z, until 2026-01-01T00:01:00.000Z',
    );
  });

  it('takes the shortest tolerationSeconds of the matching tolerations', () => {
    const tolerations: Toleration[] = [
      { key: 'maintenance', operator: 'Exists', tolerationSeconds: 600 },
      { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
      { key: 'other', operator: 'Exists', tolerationSeconds: 1 },
    ];
    expect(taintVerdict([noExecute], tolerations, true, t0).graceEndsAt).toBe(t0 + 30_000);
  });

  it('reports the soonest of several grace periods', () => {
    const later: ClusterTaint = { key: 'drain', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:30Z' };
    const tolerations: Toleration[] = [{ operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }];
    expect(taintVerdict([later, noExecute], tolerations, true, t0)).toMatchObject({ graceEndsAt: t0 + 60_000, graceTaint: noExecute });
  });

  it('removes at once with tolerationSeconds 0', () => {
    const tolerations: Toleration[] = [{ key: 'maintenance', operator: 'Exists', tolerationSeconds: 0 }];
    expect(taintVerdict([noExecute], tolerations, true, t0 - 1000).blocked).toBe('taint maintenance:NoExecute is tolerated for 0s');
  });

  it('does not start the grace period without timeAdded', () => {
    const tolerations: Toleration[] = [{ key: 'maintenance', operator: 'Exists', tolerationSeconds: 60 }];
    expect(taintVerdict([{ key: 'maintenance', effect: 'NoExecute' }], tolerations, true, t0)).toEqual({ preferNoSchedule: 0 });
  });

  it('counts untolerated PreferNoSchedule taints without blocking', () => {
    const prefer: ClusterTaint[] = [
      { key: 'a', effect: 'PreferNoSchedule' },
      { key: 'b', effect: 'PreferNoSchedule' },
    ];
    expect(taintVerdict(prefer, [{ key: 'a', operator: 'Exists' }], false, t0)).toEqual({ preferNoSchedule: 1 });
  });
});
