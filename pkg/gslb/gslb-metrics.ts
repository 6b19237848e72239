import { Counter, Histogram, type Registry } from 'prom-client';

/** Load-balancing metrics: decisions by strategy and source, health transitions, DNS queries. */
export interface GslbMetrics {
  readonly decisions: Counter<'strategy' | 'source'>;
  readonly decisionSeconds: Histogram<'source'>;
  readonly transitions: Counter<'to'>;
  readonly dnsQueries: Counter<'qtype' | 'rcode' | 'transport'>;
  readonly dnsSeconds: Histogram<'transport'>;
}

// Record types worth a label of their own; the rest count as OTHER so a scan of odd types cannot grow the series.
const QTYPES = new Set(['A', 'AAAA', 'SRV', 'SOA', 'NS', 'ANY', 'TXT', 'MX', 'CNAME', 'PTR', 'HTTPS', 'SVCB', 'CAA']);

/** The qtype label for a query type. */
export function qtypeLabel(type: string): string {
  return QTYPES.has(type) ? type : 'OTHER';
}

export function createGslbMetrics(registry: Registry): GslbMetrics {
  const small = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05];
  return {
    decisions: new Counter({
      name: 'herd_gslb_decisions_total',
      help: 'Load-balancing decisions by strategy and by where they were asked for (api or dns).',
      labelNames: ['strategy', 'source'],
      registers: [registry],
    }),
    decisionSeconds: new Histogram({
      name: 'herd_gslb_decision_duration_seconds',
      help: 'Time to compute one decision, by source.',
      labelNames: ['source'],
      buckets: small,
      registers: [registry],
    }),
    transitions: new Counter({
      name: 'herd_gslb_health_transitions_total',
      help: 'Clusters of GlobalLoadBalancers turning Healthy or Unhealthy.',
      labelNames: ['to'],
      registers: [registry],
    }),
    dnsQueries: new Counter({
      name: 'herd_dns_queries_total',
      help: 'DNS queries by type, response code and transport.',
      labelNames: ['qtype', 'rcode', 'transport'],
      registers: [registry],
    }),
    dnsSeconds: new Histogram({
      name: 'herd_dns_query_duration_seconds',
      help: 'Time from a DNS query read to its answer written, by transport.',
      labelNames: ['transport'],
      buckets: small,
      registers: [registry],
    }),
  };
}
