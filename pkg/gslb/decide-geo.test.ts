import { describe, expect, it } from 'vitest';
import type { ClientQuery } from './client-location.js';
import { ALL, down, engine, GEO, healthy, M1, M2, M3, short } from './decide.fixture.js';
import type { TargetHealth } from './target-health.js';

const geo = () => engine({ type: 'Geo', geo: GEO });
const M4 = healthy('member-4', 'eu-west', { zone: 'eu-west-b' });

interface Row {
  client: ClientQuery;
  targets?: TargetHealth[];
  region: string | undefined;
  source: 'Query' | 'ClientNetwork' | 'Unknown';
  answered: string[];
  fallbacks: string[];
  distances?: number[];
  excluded?: string[];
  failOpen?: boolean;
}

describe('DecisionEngine: Geo', () => {
  it.each<Row>([
    { client: { region: 'eu-west' }, region: 'eu-west', source: 'Query', answered: ['member-1'], fallbacks: ['member-3', 'member-2'], distances: [0, 70, 80] },
    { client: { region: 'us-east' }, region: 'us-east', source: 'Query', answered: ['member-2'], fallbacks: ['member-1', 'member-3'], distances: [0, 80, 140] },
    { client: { region: 'ap-south' }, region: 'ap-south', source: 'Query', answered: ['member-3'], fallbacks: ['member-1', 'member-2'], distances: [0, 70, 140] },
    { client: { region: 'mars' }, region: 'mars', source: 'Query', answered: ['member-1', 'member-2', 'member-3'], fallbacks: [], distances: [1000, 1000, 1000] },
    { client: { region: 'ap-south', ip: '10.1.9.9' }, region: 'ap-south', source: 'Query', answered: ['member-3'], fallbacks: ['member-1', 'member-2'] },
    { client: { ip: '10.1.9.9' }, region: 'eu-west', source: 'ClientNetwork', answered: ['member-1'], fallbacks: ['member-3', 'member-2'] },
    { client: { ip: '10.1.2.5' }, region: 'us-east', source: 'ClientNetwork', answered: ['member-2'], fallbacks: ['member-1', 'member-3'] },
    { client: { ip: '::ffff:10.3.0.1' }, region: 'ap-south', source: 'ClientNetwork', answered: ['member-3'], fallbacks: ['member-1', 'member-2'] },
    { client: { ip: '2001:db8:3::1' }, region: 'ap-south', source: 'ClientNetwork', answered: ['member-3'], fallbacks: ['member-1', 'member-2'] },
    { client: { ip: '203.0.113.9' }, region: undefined, source: 'Unknown', answered: ['member-1', 'member-2', 'member-3'], fallbacks: [] },
    { client: {}, region: undefined, source: 'Unknown', answered: ['member-1', 'member-2', 'member-3'], fallbacks: [] },
    { client: { region: 'eu-west' }, targets: [down(M1), M2, M3], region: 'eu-west', source: 'Query', answered: ['member-3'], fallbacks: ['member-2'], distances: [70, 80], excluded: ['member-1:ProbeFailed'] },
    { client: { ip: '10.3.1.1' }, targets: [M1, M2, down(M3, 'MemberUnreachable')], region: 'ap-south', source: 'ClientNetwork', answered: ['member-1'], fallbacks: ['member-2'], distances: [70, 140], excluded: ['member-3:MemberUnreachable'] },
    { client: { region: 'eu-west' }, targets: [down(M1), down(M2), down(M3)], region: 'eu-west', source: 'Query', answered: ['member-1', 'member-3', 'member-2'], fallbacks: [], distances: [0, 70, 80], failOpen: true },
    { client: { region: 'eu-west', zone: 'eu-west-a' }, targets: [M1, M4, M2], region: 'eu-west', source: 'Query', answered: ['member-1'], fallbacks: ['member-4', 'member-2'], distances: [0, 0.5, 80] },
    { client: { region: 'eu-west', zone: 'eu-west-b' }, targets: [M1, M4, M2], region: 'eu-west', source: 'Query', answered: ['member-4'], fallbacks: ['member-1', 'member-2'], distances: [0, 0.5, 80] },
    { client: { region: 'eu-west' }, targets: [M1, M4, M2], region: 'eu-west', source: 'Query', answered: ['member-1', 'member-4'], fallbacks: ['member-2'], distances: [0, 0, 80] },
    { client: { region: 'eu-west', zone: 'eu-west-c' }, targets: [M1, M4, M2], region: 'eu-west', source: 'Query', answered: ['member-1', 'member-4'], fallbacks: ['member-2'], distances: [0.5, 0.5, 80] },
  ])('client $client → $answered', ({ client, targets, region, source, answered, fallbacks, distances, excluded = [], failOpen = false }) => {
    const d = geo().decide(targets ?? ALL, client);
    expect(d.client.region).toBe(region);
    expect(d.client.regionSource).toBe(source);
    expect(short(d)).toEqual({ answered, fallbacks, excluded, failOpen });
    if (distances) expect(d.targets.map((t) => t.distance)).toEqual(distances);
    if (!region) expect(d.targets.every((t) => t.distance === undefined)).toBe(true);
  });

  it('explains distances, and the lack of a region', () => {
    const near = geo().decide(ALL, { region: 'eu-west', zone: 'eu-west-a' });
    expect(near.targets.map((t) => t.explanation)).toEqual([
      'nearest to client region eu-west zone eu-west-a (distance 0)',
      'fallback 1: distance 70 from client region eu-west zone eu-west-a, the nearest is at 0',
      'fallback 2: distance 80 from client region eu-west zone eu-west-a, the nearest is at 0',
    ]);
    const zones = geo().decide([M4, M2], { region: 'eu-west', zone: 'eu-west-a' });
    expect(zones.targets[0]!.explanation).toBe('nearest to client region eu-west zone eu-west-a (same region, another zone, distance 0.5)');
    const nowhere = geo().decide([M1, healthy('member-5', undefined)], { region: 'us-east' });
    expect(nowhere.targets.map((t) => t.explanation)).toEqual([
      'nearest to client region us-east (distance 80)',
      'fallback 1: cluster region unknown, distance 1000 from client region us-east, the nearest is at 80',
    ]);
    const unknown = geo().decide(ALL, { ip: '203.0.113.9' });
    expect(unknown.targets[0]!.explanation).toBe('client region unknown, so every healthy cluster is answered as round robin does; 1 of 3 in the rotation');
  });

  it('rotates like RoundRobin while the client region is unknown', () => {
    const e = geo();
    const firsts = Array.from({ length: 4 }, () => e.decide(ALL, { ip: '192.0.2.200' }).targets[0]!.cluster);
    expect(firsts).toEqual(['member-1', 'member-2', 'member-3', 'member-1']);
  });

  it('fails open in distance order, saying why', () => {
    const d = geo().decide([down(M1), down(M2, 'NoReadyEndpoints')], { region: 'us-east' });
    expect(d.targets.map((t) => [t.cluster, t.answered, t.explanation])).toEqual([
      ['member-2', true, 'fail open, no cluster is healthy (this one: NoReadyEndpoints: NoReadyEndpoints here); distance 0 from client region us-east'],
      ['member-1', true, 'fail open, no cluster is healthy (this one: ProbeFailed: ProbeFailed here); distance 80 from client region us-east'],
    ]);
  });
});
