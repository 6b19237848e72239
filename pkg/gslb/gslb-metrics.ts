import { Counter, Histogram, type Registry } from 'prom-client';

/** Load-balancing metrics: decisions by strategy and source, health transitions, DNS queries. */
export interface GslbMetrics {
  readonly decisions: Counter<'strategy' | 'source'>;
  readonly decisionSeconds: Histogram<'source'>;
  readonly transitions: Counter<'to'>;
  readonly dnsQueries: Counter<'qtype' | 'rcode' | 'transport'>;
  readonly dnsSeconds: Histogram<'transport'>;
  /** Counts one decision asked for through the API, and its time. */
  recordDecision(strategy: string, source: 'api' | 'dns', seconds: number): void;
  /**
   * Counts one decision made for a DNS answer, untimed (the DNS query's duration holds it). Counted in memory and
   * added to `decisions` when the metrics are read: per-query work stays a few nanoseconds.
   */
  countDnsDecision(strategy: string): void;
  /** Counts one DNS query and observes its time (qtype as the responder names it); the count is added when read. */
  recordDnsQuery(qtype: string, rcode: string, transport: 'udp' | 'tcp', seconds: number): void;
}

// Record types worth a label of their own; the rest count as OTHER so a scan of odd types cannot grow the series.
const QTYPES = new Set(['A', 'AAAA', 'SRV', 'SOA', 'NS', 'ANY', 'TXT', 'MX', 'CNAME', 'PTR', 'HTTPS', 'SVCB', 'CAA']);

/** The qtype label for a query type. */
export function qtypeLabel(type: string): string {
  return QTYPES.has(type) ? type : 'OTHER';
}

/** Counts kept in memory per label values, added to a counter when it is read (prom-client's collect hook). */
class PendingCounts {
  private readonly counts = new Map<string, { readonly values: readonly string[]; n: number }>();

  add(...values: string[]): void {
    const key = values.join(' ');
    const c = this.counts.get(key);
    if (c) c.n++;
    else this.counts.set(key, { values, n: 1 });
  }

  /** Hands every non-zero count to `inc` and starts again from zero. */
  flush(inc: (values: readonly string[], n: number) => void): void {
    for (const c of this.counts.values()) {
      if (c.n === 0) continue;
      inc(c.values, c.n);
      c.n = 0;
    }
  }
}

export function createGslbMetrics(registry: Registry): GslbMetrics {
  const small = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05];
  const dnsDecisions = new PendingCounts();
  const dnsQueries = new PendingCounts();
  const m = {
    decisions: new Counter({
      name: 'herd_gslb_decisions_total',
      help: 'Load-balancing decisions by strategy and by where they were asked for (api or dns).',
      labelNames: ['strategy', 'source'],
      registers: [registry],
      collect(this: Counter<'strategy' | 'source'>) {
        dnsDecisions.flush(([strategy], n) => this.labels({ strategy: strategy!, source: 'dns' }).inc(n));
      },
    }),
    decisionSeconds: new Histogram({
      name: 'herd_gslb_decision_duration_seconds',
      help: 'Time to compute one decision asked for through the API (a DNS answer\'s decision is in herd_dns_query_duration_seconds).',
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
      collect(this: Counter<'qtype' | 'rcode' | 'transport'>) {
        dnsQueries.flush(([qtype, rcode, transport], n) => this.labels({ qtype: qtype!, rcode: rcode!, transport: transport! }).inc(n));
      },
    }),
    dnsSeconds: new Histogram({
      name: 'herd_dns_query_duration_seconds',
      help: 'Time from a DNS query read to its answer written, by transport.',
      labelNames: ['transport'],
      buckets: small,
      registers: [registry],
    }),
  };
  // The DNS duration's children, bound once: finding a child by its labels on every query costs more than observing.
  const queryTime = { udp: m.dnsSeconds.labels({ transport: 'udp' }), tcp: m.dnsSeconds.labels({ transport: 'tcp' }) };
  return {
    ...m,
    recordDecision(strategy, source, seconds) {
      m.decisions.inc({ strategy, source });
      m.decisionSeconds.observe({ source }, seconds);
    },
    countDnsDecision(strategy) {
      dnsDecisions.add(strategy);
    },
    recordDnsQuery(qtype, rcode, transport, seconds) {
      dnsQueries.add(qtypeLabel(qtype), rcode, transport);
      queryTime[transport].observe(seconds);
    },
  };
}
