import { describe, expect, it } from 'vitest';
import type { LoadBalancingStrategy } from '../../api/federation/v1alpha1/global-load-balancer.js';
import type { LoadBalancingDecision } from '../../api/federation/v1alpha1/load-balancing-decision.js';
import type { ClientQuery } from './client-location.js';
import { ALL, down, engine, GEO, M1, M2, M3, short } from './decide.fixture.js';
import type { TargetHealth } from './target-health.js';

describe('DecisionEngine: common rules', () => {
  it('fills the decision body: strategy, ttl (default 30), resolved client, and a full entry per target', () => {
    const d = engine({ type: 'Failover', failoverOrder: ['member-1'] }).decide(ALL, { region: 'eu-west', ip: '10.9.9.9' });
    expect(d).toMatchObject({ strategy: 'Failover', ttlSeconds: 30, client: { region: 'eu-west', ip: '10.9.9.9', regionSource: 'Query' }, failOpen: false, excluded: [] });
    expect(d.targets[0]).toEqual({ cluster: 'member-1', addresses: ['192.0.2.1'], port: 8080, region: 'eu-west', zone: 'eu-west-a', answered: true, explanation: 'first healthy cluster in failoverOrder' });
    expect(engine({}, { ttlSeconds: 5 }).decide(ALL, {})).toMatchObject({ strategy: 'RoundRobin', ttlSeconds: 5, client: { regionSource: 'Unknown' } });
    const body: Omit<LoadBalancingDecision, 'apiVersion' | 'kind' | 'metadata' | 'hostname'> = d;
    expect(Object.keys(body).sort()).toEqual(['client', 'excluded', 'failOpen', 'strategy', 'targets', 'ttlSeconds']);
  });

  it('hands out copies: changing a decision changes no target', () => {
    const d = engine({}).decide(ALL, {});
    d.targets[0]!.addresses.push('198.51.100.1');
    expect(ALL.map((t) => t.addresses.length)).toEqual([1, 2, 1]);
  });

  const placedNowhere: TargetHealth = { cluster: 'member-0', addresses: [], healthy: false, reason: 'NotPlaced', message: 'not placed' };
  it.each([
    { name: 'unhealthy clusters are excluded with their own reason', targets: [M1, down(M2), down(M3, 'MemberNotReady')], answered: ['member-1'], excluded: ['member-2:ProbeFailed', 'member-3:MemberNotReady'], failOpen: false },
    { name: 'a healthy cluster without addresses is NoAddresses', targets: [M1, { ...M2, addresses: [] }], answered: ['member-1'], excluded: ['member-2:NoAddresses'], failOpen: false },
    { name: 'clusters the backend is not placed on are excluded, even failing open', targets: [placedNowhere, down(M1)], answered: ['member-1'], excluded: ['member-0:NotPlaced'], failOpen: true },
    { name: 'no healthy cluster: fail open to every cluster with addresses', targets: [down(M1), down(M2, 'NoReadyEndpoints'), down(M3, 'MemberUnreachable', [])], answered: ['member-1', 'member-2'], excluded: ['member-3:MemberUnreachable'], failOpen: true },
    { name: 'nothing has addresses: no targets, and nothing to fail open to', targets: [down(M1, 'NoAddresses', []), { ...M2, addresses: [] }], answered: [], excluded: ['member-1:NoAddresses', 'member-2:NoAddresses'], failOpen: false },
    { name: 'no targets at all', targets: [], answered: [], excluded: [], failOpen: false },
  ])('$name', ({ targets, answered, excluded, failOpen }) => {
    const d = engine({}).decide(targets, {});
    expect(short(d)).toMatchObject({ answered, excluded, failOpen });
    for (const t of d.targets) expect(t.explanation).toMatch(failOpen ? /^fail open, no cluster is healthy \(this one: \w+: / : /^round robin/);
    for (const e of d.excluded) expect(e.message).not.toBe('');
  });

  it('lists exclusions by name whatever the order of the targets', () => {
    const d = engine({}).decide([down(M3), M2, down(M1, 'MemberNotReady')], {});
    expect(d.excluded.map((e) => e.cluster)).toEqual(['member-1', 'member-3']);
  });
});

describe('DecisionEngine: RoundRobin', () => {
  it('answers every healthy cluster, starting one further each decision', () => {
    const e = engine({ type: 'RoundRobin' });
    const orders = Array.from({ length: 4 }, () => e.decide([M3, M1, M2], {}).targets.map((t) => `${t.cluster}${t.answered ? '' : '?'}`));
    expect(orders).toEqual([
      ['member-1', 'member-2', 'member-3'],
      ['member-2', 'member-3', 'member-1'],
      ['member-3', 'member-1', 'member-2'],
      ['member-1', 'member-2', 'member-3'],
    ]);
  });

  it.each([
    { client: { region: 'eu-west' }, targets: ALL, answered: ['member-1', 'member-2', 'member-3'] },
    { client: { region: 'us-east' }, targets: [M1, down(M2), M3], answered: ['member-1', 'member-3'] },
    { client: { ip: '10.3.0.1' }, targets: [down(M1), down(M2), M3], answered: ['member-3'] },
    { client: {}, targets: [down(M1), down(M2), down(M3)], answered: ['member-1', 'member-2', 'member-3'] },
  ])('for $client answers $answered whatever the client region', ({ client, targets, answered }) => {
    const d = engine({ type: 'RoundRobin', geo: GEO }).decide(targets, client as ClientQuery);
    expect(short(d).answered).toEqual(answered);
    expect(d.targets[0]!.explanation).toMatch(d.failOpen ? /1 of 3 in the rotation$/ : new RegExp(`^round robin: healthy, 1 of ${answered.length} in the rotation`));
  });
});

describe('DecisionEngine: Failover', () => {
  const strategy: LoadBalancingStrategy = { type: 'Failover', failoverOrder: ['member-2', 'member-9', 'member-1'] };
  it.each([
    { name: 'the first of failoverOrder', targets: ALL, order: ['member-2', 'member-1', 'member-3'], answered: 'member-2', why: 'first healthy cluster in failoverOrder' },
    { name: 'the next when the first is unhealthy', targets: [M1, down(M2), M3], order: ['member-1', 'member-3'], answered: 'member-1', why: 'first healthy cluster in failoverOrder; ahead of it: member-2 (ProbeFailed)' },
    { name: 'unlisted clusters by name after the list', targets: [down(M1, 'MemberNotReady'), down(M2), M3], order: ['member-3'], answered: 'member-3', why: 'first healthy cluster: failoverOrder lists none of the healthy ones, and unlisted clusters follow by name; ahead of it: member-2 (ProbeFailed), member-1 (MemberNotReady)' },
    { name: 'fail open in order', targets: [down(M1), down(M2), down(M3)], order: ['member-2', 'member-1', 'member-3'], answered: 'member-2', why: 'fail open, no cluster is healthy (this one: ProbeFailed: ProbeFailed here); position 1 in failoverOrder' },
  ])('answers $name', ({ targets, order, answered, why }) => {
    for (const client of [{ region: 'eu-west' }, { region: 'ap-south' }, { ip: '10.1.2.3' }, {}]) {
      const d = engine({ ...strategy, geo: GEO }).decide(targets, client);
      expect(d.targets.map((t) => t.cluster)).toEqual(order);
      expect(d.targets[0]).toMatchObject({ cluster: answered, answered: true, explanation: why });
      expect(d.targets.slice(1).every((t) => t.answered === d.failOpen)).toBe(true);
    }
  });

  it('explains the fallbacks by their place', () => {
    const d = engine(strategy).decide(ALL, {});
    expect(d.targets.map((t) => t.explanation)).toEqual([
      'first healthy cluster in failoverOrder',
      'fallback 1, position 3 in failoverOrder',
      'fallback 2, not in failoverOrder (unlisted clusters follow by name)',
    ]);
  });

  it('without failoverOrder goes by name', () => {
    const d = engine({ type: 'Failover' }).decide([M3, M2, M1], {});
    expect(short(d)).toMatchObject({ answered: ['member-1'], fallbacks: ['member-2', 'member-3'] });
    expect(d.targets.map((t) => t.explanation)).toEqual(['first healthy cluster by name (there is no failoverOrder)', 'fallback 1, by name (there is no failoverOrder)', 'fallback 2, by name (there is no failoverOrder)']);
  });
});

describe('DecisionEngine: Capacity', () => {
  const order = ['member-1', 'member-2', 'member-3'];
  it.each([
    { min: undefined, targets: ALL, answered: ['member-1'], fallbacks: ['member-2', 'member-3'] },
    { min: 3, targets: ALL, answered: ['member-1'], fallbacks: ['member-2', 'member-3'] },
    { min: 4, targets: ALL, answered: ['member-1', 'member-2'], fallbacks: ['member-3'] },
    { min: 6, targets: ALL, answered: ['member-1', 'member-2', 'member-3'], fallbacks: [] },
    { min: 100, targets: ALL, answered: ['member-1', 'member-2', 'member-3'], fallbacks: [] },
    { min: 3, targets: [down(M1), M2, M3], answered: ['member-2', 'member-3'], fallbacks: [] },
    { min: 1, targets: [{ ...M1, readyEndpoints: undefined }, M2, M3], answered: ['member-1', 'member-2'], fallbacks: ['member-3'] },
    { min: 2, targets: [down(M1), down(M2), M3], answered: ['member-3'], fallbacks: [] },
    { min: 2, targets: [down(M1), down(M2), down(M3)], answered: order, fallbacks: [] },
  ])('minReadyEndpoints $min answers $answered', ({ min, targets, answered, fallbacks }) => {
    const d = engine({ type: 'Capacity', failoverOrder: order, ...(min ? { capacity: { minReadyEndpoints: min } } : {}) }).decide(targets, { region: 'ap-south' });
    expect(short(d)).toMatchObject({ answered, fallbacks });
    for (const t of d.targets) expect(t.readyEndpoints).toBe(targets.find((x) => x.cluster === t.cluster)!.readyEndpoints);
  });

  it('explains the spill', () => {
    const d = engine({ type: 'Capacity', failoverOrder: order, capacity: { minReadyEndpoints: 4 } }).decide(ALL, {});
    expect(d.targets.map((t) => t.explanation)).toEqual([
      'first healthy cluster in failoverOrder, 3 ready endpoints; ready endpoints 3 < 4 needed, spilling to the next cluster',
      'spill 1, 2 ready endpoints; ready endpoints 5 ≥ 4 needed',
      'fallback 1: the clusters before it have 5 ≥ 4 ready endpoints needed; position 3 in failoverOrder',
    ]);
    const short2 = engine({ type: 'Capacity', capacity: { minReadyEndpoints: 10 } }).decide([{ ...M1, readyEndpoints: undefined }, M2], {});
    expect(short2.targets.map((t) => t.explanation)).toEqual([
      'first healthy cluster by name (there is no failoverOrder), ready endpoints unknown (counted as 0); ready endpoints 0 < 10 needed, spilling to the next cluster',
      'spill 1, 2 ready endpoints; ready endpoints 2 < 10 needed even with every healthy cluster, so all are answered',
    ]);
  });
});

describe('DecisionEngine: unexplained decisions (DNS)', () => {
  // Two engines with the same spec, one explaining and one not, fed the same targets and clients in the same order:
  // every decision must answer the same clusters in the same order, including the rotations' turns.
  const some = [M1, down(M2), M3];
  const none = [down(M1), down(M2, 'NoReadyEndpoints'), down(M3, 'MemberUnreachable', [])];
  const clients: ClientQuery[] = [{}, { ip: '10.1.4.4' }, { ip: '10.3.0.9' }, { region: 'us-east' }, { region: 'eu-west', zone: 'eu-west-a' }];
  it.each([
    { type: 'RoundRobin' },
    { type: 'Weighted', weights: [{ clusterName: 'member-1', weight: 2 }, { clusterName: 'member-2', weight: 1 }] },
    { type: 'Weighted' },
    { type: 'Failover', failoverOrder: ['member-2', 'member-3'] },
    { type: 'Geo', geo: GEO },
    { type: 'Capacity', failoverOrder: ['member-3', 'member-1'], capacity: { minReadyEndpoints: 4 } },
  ] as LoadBalancingStrategy[])('$type answers as the explained decision does, with empty explanations', (strategy) => {
    const explained = engine(strategy);
    const lean = engine(strategy);
    for (let round = 0; round < 4; round++) {
      for (const targets of [ALL, some, none]) {
        for (const client of clients) {
          const full = explained.decide(targets, client);
          const d = lean.decide(targets, client, { explain: false });
          expect(d.targets.map((t) => [t.cluster, t.answered, t.addresses])).toEqual(full.targets.map((t) => [t.cluster, t.answered, t.addresses]));
          expect(short(d)).toEqual(short(full));
          expect(d.targets.every((t) => t.explanation === '')).toBe(true);
          expect(full.targets.every((t) => t.explanation !== '')).toBe(true);
        }
      }
    }
  });

  it('explains again on the next explained decision', () => {
    const e = engine({ type: 'RoundRobin' });
    e.decide(ALL, {}, { explain: false });
    expect(e.decide(ALL, {}).targets[0]!.explanation).toMatch(/^round robin/);
  });
});
