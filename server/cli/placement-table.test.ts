import { describe, expect, it } from 'vitest';
import { formatPlacementTable } from './placement-table.js';

describe('formatPlacementTable', () => {
  it('names the policy and lists chosen clusters first with their replicas and the filter that rejected the rest', () => {
    const text = formatPlacementTable('FederatedDeployment', {
      metadata: { name: 'web', namespace: 'demo' },
      source: 'PropagationPolicy',
      policy: { kind: 'PropagationPolicy', namespace: 'demo', name: 'eu-us' },
      clusters: [
        { cluster: 'member-3', selected: false, filter: 'ClusterSelector', reason: 'labels do not match' },
        { cluster: 'member-1', selected: true, score: 100, replicas: 4, reason: '4 of 6 replicas' },
        { cluster: 'member-2', selected: true, score: 100, replicas: 2 },
      ],
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('FederatedDeployment demo/web');
    expect(lines[1]).toBe('placement: from PropagationPolicy demo/eu-us');
    expect(lines[3]).toMatch(/^CLUSTER\s+CHOSEN\s+REPLICAS\s+SCORE\s+FILTER\s+REASON$/);
    expect(lines[4]).toMatch(/^member-1\s+yes\s+4\s+100\s+4 of 6 replicas$/);
    expect(lines[5]).toMatch(/^member-2\s+yes\s+2\s+100$/);
    expect(lines[6]).toMatch(/^member-3\s+no\s+ClusterSelector\s+labels do not match$/);
  });
});
