import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createGslbMetrics } from './gslb-metrics.js';

const valueOf = async (registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> => {
  // A histogram's series are named <name>_count, _sum and _bucket within the metric <name>.
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name || name === `${m.name}_count`);
  const series = (metric?.values ?? []) as { value: number; labels: Record<string, string | number>; metricName?: string }[];
  const found = series.find((v) => (v.metricName ?? metric?.name) === name && Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return found?.value;
};

describe('createGslbMetrics', () => {
  it('adds the DNS counts kept in memory when read, once', async () => {
    const registry = new Registry();
    const m = createGslbMetrics(registry);
    for (let i = 0; i < 5; i++) m.recordDnsQuery('A', 'NOERROR', 'udp', 0.00002);
    m.recordDnsQuery('UNKNOWN_65280', 'NOERROR', 'tcp', 0.00003);
    m.countDnsDecision('RoundRobin');
    m.countDnsDecision('RoundRobin');
    m.recordDecision('Geo', 'api', 0.0001);
    expect(await valueOf(registry, 'herd_dns_queries_total', { qtype: 'A', rcode: 'NOERROR', transport: 'udp' })).toBe(5);
    expect(await valueOf(registry, 'herd_dns_queries_total', { qtype: 'OTHER', transport: 'tcp' })).toBe(1);
    expect(await valueOf(registry, 'herd_gslb_decisions_total', { strategy: 'RoundRobin', source: 'dns' })).toBe(2);
    expect(await valueOf(registry, 'herd_gslb_decisions_total', { strategy: 'Geo', source: 'api' })).toBe(1);
    // Read again with nothing new: the same totals, not doubled.
    expect(await valueOf(registry, 'herd_dns_queries_total', { qtype: 'A', rcode: 'NOERROR', transport: 'udp' })).toBe(5);
    m.recordDnsQuery('A', 'NOERROR', 'udp', 0.00002);
    expect(await valueOf(registry, 'herd_dns_queries_total', { qtype: 'A', rcode: 'NOERROR', transport: 'udp' })).toBe(6);
    expect(await valueOf(registry, 'herd_dns_query_duration_seconds_count', { transport: 'udp' })).toBe(6);
    expect(await valueOf(registry, 'herd_gslb_decision_duration_seconds_count', { source: 'api' })).toBe(1);
    expect(await registry.metrics()).toMatch(/herd_dns_queries_total\{qtype="A",rcode="NOERROR",transport="udp"\} 6/);
  });
});
