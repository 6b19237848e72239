import { describe, expect, it } from 'vitest';
import type { LoadBalancingStrategy } from '../../api/federation/v1alpha1/global-load-balancer.js';
import type { ClientQuery } from './client-location.js';
import type { Decision } from './decide.js';
import { ALL, down, engine, GEO, M1, M2, M3, short } from './decide.fixture.js';
import type { TargetHealth } from './target-health.js';

const TWO_TO_ONE: LoadBalancingStrategy = { type: 'Weighted', weights: [{ clusterName: 'member-1', weight: 2 }, { clusterName: 'member-2', weight: 1 }], geo: GEO };
const IMPLICIT: LoadBalancingStrategy = { type: 'Weighted', geo: GEO };

/** How often each cluster is answered over `n` decisions of one engine. */
function run(strategy: LoadBalancingStrategy, targets: readonly TargetHealth[], client: ClientQuery, n: number): { counts: Record<string, number>; last: Decision } {
  const e = engine(strategy);
  const counts: Record<string, number> = {};
  let last!: Decision;
  for (let i = 0; i < n; i++) {
    last = e.decide(targets, client);
    const answered = last.targets.filter((t) => t.answered).map((t) => t.cluster);
    for (const c of answered) counts[c] = (counts[c] ?? 0) + 1;
    if (!last.failOpen && answered.length > 0) {
      expect(answered).toHaveLength(1);
      expect(last.targets[0]!.answered).toBe(true);
    }
  }
  return { counts, last };
}

describe('DecisionEngine: Weighted', () => {
  it.each<{ name: string; strategy: LoadBalancingStrategy; targets: TargetHealth[]; client: ClientQuery; n: number; counts: Record<string, number>; excluded: string[]; failOpen?: boolean }>([
    { name: 'explicit 2:1 from eu-west', strategy: TWO_TO_ONE, targets: ALL, client: { region: 'eu-west' }, n: 300, counts: { 'member-1': 200, 'member-2': 100 }, excluded: ['member-3:ZeroWeight'] },
    { name: 'explicit 2:1 from us-east', strategy: TWO_TO_ONE, targets: ALL, client: { region: 'us-east' }, n: 300, counts: { 'member-1': 200, 'member-2': 100 }, excluded: ['member-3:ZeroWeight'] },
    { name: 'explicit 2:1 from ap-south by IP', strategy: TWO_TO_ONE, targets: ALL, client: { ip: '10.3.0.1' }, n: 300, counts: { 'member-1': 200, 'member-2': 100 }, excluded: ['member-3:ZeroWeight'] },
    { name: 'explicit 2:1 from nowhere', strategy: TWO_TO_ONE, targets: ALL, client: {}, n: 300, counts: { 'member-1': 200, 'member-2': 100 }, excluded: ['member-3:ZeroWeight'] },
    { name: 'implicit, by ready endpoints 3:2:1', strategy: IMPLICIT, targets: ALL, client: { region: 'ap-south' }, n: 600, counts: { 'member-1': 300, 'member-2': 200, 'member-3': 100 }, excluded: [] },
    { name: 'implicit, unknown ready endpoints weigh 1', strategy: IMPLICIT, targets: [M1, M2, { ...M3, readyEndpoints: undefined }], client: {}, n: 60, counts: { 'member-1': 30, 'member-2': 20, 'member-3': 10 }, excluded: [] },
    { name: 'implicit, 0 ready endpoints weigh 0', strategy: IMPLICIT, targets: [M1, { ...M2, readyEndpoints: 0 }], client: {}, n: 10, counts: { 'member-1': 10 }, excluded: ['member-2:ZeroWeight'] },
    { name: 'the heavy cluster unhealthy', strategy: TWO_TO_ONE, targets: [down(M1), M2, M3], client: { region: 'eu-west' }, n: 30, counts: { 'member-2': 30 }, excluded: ['member-1:ProbeFailed', 'member-3:ZeroWeight'] },
    { name: 'only a cluster weighing 0 healthy: it answers rather than failing open', strategy: TWO_TO_ONE, targets: [down(M1), down(M2), M3], client: {}, n: 10, counts: { 'member-3': 10 }, excluded: ['member-1:ProbeFailed', 'member-2:ProbeFailed'] },
    { name: 'no healthy cluster: fail open to all', strategy: TWO_TO_ONE, targets: [down(M1), down(M2), down(M3, 'NotPlaced', [])], client: {}, n: 10, counts: { 'member-1': 10, 'member-2': 10 }, excluded: ['member-3:NotPlaced'], failOpen: true },
  ])('$name', ({ strategy, targets, client, n, counts, excluded, failOpen = false }) => {
    const { counts: got, last } = run(strategy, targets, client, n);
    expect(got).toEqual(counts);
    expect(short(last)).toMatchObject({ excluded, failOpen });
    for (const t of last.targets) expect(t.weight).toBeTypeOf('number');
  });

  it('answers the picked cluster first, the others by weight, and explains both', () => {
    const e = engine({ type: 'Weighted', weights: [{ clusterName: 'member-1', weight: 2 }, { clusterName: 'member-2', weight: 1 }, { clusterName: 'member-3', weight: 1 }] });
    const rows = Array.from({ length: 4 }, () => e.decide(ALL, {}).targets.map((t) => `${t.cluster}${t.answered ? '*' : ''} ${t.explanation}`));
    expect(rows[0]).toEqual(['member-1* picked by weight 2 of 4', 'member-2 weight 1 of 4, not picked this time', 'member-3 weight 1 of 4, not picked this time']);
    expect(rows[1]).toEqual(['member-2* picked by weight 1 of 4', 'member-1 weight 2 of 4, not picked this time', 'member-3 weight 1 of 4, not picked this time']);
    expect(rows.map((r) => r[0]!.split(' ')[0])).toEqual(['member-1*', 'member-2*', 'member-3*', 'member-1*']);
  });

  it('explains exclusions for weight 0 and the equal share of clusters weighing 0', () => {
    const spec: LoadBalancingStrategy = { type: 'Weighted', weights: [{ clusterName: 'member-1', weight: 1 }, { clusterName: 'member-2', weight: 0 }] };
    expect(engine(spec).decide(ALL, {}).excluded).toEqual([
      { cluster: 'member-2', reason: 'ZeroWeight', message: 'weight 0 in spec.strategy.weights' },
      { cluster: 'member-3', reason: 'ZeroWeight', message: 'not in spec.strategy.weights, so it weighs 0' },
    ]);
    expect(engine(IMPLICIT).decide([M1, { ...M2, readyEndpoints: 0 }], {}).excluded[0]!.message).toBe('its weight is its ready endpoints, and it has 0');
    const shared = engine(spec).decide([down(M1), M2, M3], {});
    expect(shared.targets.map((t) => [t.cluster, t.answered, t.weight])).toEqual([['member-2', true, 1], ['member-3', false, 1]]);
    expect(shared.targets[0]!.explanation).toBe('every cluster weighing more than 0 is unhealthy, so those weighing 0 share the answers equally; picked by weight 1 of 2');
  });

  it('keeps the shares exact across a cluster leaving and coming back', () => {
    const e = engine(TWO_TO_ONE);
    const answered = (targets: readonly TargetHealth[], n: number) => Array.from({ length: n }, () => e.decide(targets, {}).targets[0]!.cluster);
    answered(ALL, 2);
    expect(answered([down(M1), M2, M3], 5)).toEqual(Array(5).fill('member-2'));
    const back = answered(ALL, 30);
    for (let i = 0; i + 3 <= back.length; i++) expect(back.slice(i, i + 3).filter((c) => c === 'member-1')).toHaveLength(2);
  });
});
