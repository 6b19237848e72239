import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Herd's API server metrics, in one registry with one prefix (`herd_apiserver_`). */
export interface ApiMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'verb' | 'resource' | 'code'>;
  readonly latency: Histogram<'verb' | 'resource'>;
  readonly watches: Gauge<'resource'>;
  readonly storage: Histogram<'operation' | 'outcome'>;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'herd_' });
  return {
    registry,
    requests: new Counter({
      name: 'herd_apiserver_request_total',
      help: 'API requests by verb, resource and HTTP status code.',
      labelNames: ['verb', 'resource', 'code'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'herd_apiserver_request_duration_seconds',
      help: 'API request latency by verb and resource (watches excluded).',
      labelNames: ['verb', 'resource'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    storage: new Histogram({
      name: 'herd_storage_request_duration_seconds',
      help: 'Storage call latency by operation and outcome.',
      labelNames: ['operation', 'outcome'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    watches: new Gauge({
      name: 'herd_apiserver_watches',
      help: 'Open watches by resource.',
      labelNames: ['resource'],
      registers: [registry],
    }),
  };
}
