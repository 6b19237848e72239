import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { undeclaredFields } from '../../meta/schema-structure.js';
import { globalLoadBalancerDefinition, type GlobalLoadBalancer } from './global-load-balancer.js';

const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(globalLoadBalancerDefinition.schema);

const glb: GlobalLoadBalancer = {
  apiVersion: 'federation.herd.io/v1alpha1',
  kind: 'GlobalLoadBalancer',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    backend: { kind: 'Service', name: 'web' },
    strategy: { type: 'Failover', failoverOrder: ['eu-1', 'us-1'] },
    ttlSeconds: 10,
    healthCheck: { mode: 'HTTP', port: 8080, path: '/healthz', scheme: 'HTTPS' },
  },
  status: {
    dnsName: 'web.shop.global.example.com',
    healthyClusters: 1,
    clusters: [
      { name: 'eu-1', healthy: true, addresses: ['203.0.113.10'] },
      { name: 'us-1', healthy: false, message: 'no ready endpoints' },
    ],
  },
};

describe('GlobalLoadBalancer schema', () => {
  it('accepts a failover balancer probing over HTTPS', () => {
    expect(validate(glb), JSON.stringify(validate.errors)).toBe(true);
    expect(undeclaredFields(globalLoadBalancerDefinition.schema, glb)).toEqual([]);
  });

  it.each<[string, (g: GlobalLoadBalancer) => unknown]>([
    ['a backend of another kind', (g) => ({ ...g, spec: { ...g.spec, backend: { kind: 'Pod', name: 'x' } } })],
    ['an unknown strategy', (g) => ({ ...g, spec: { ...g.spec, strategy: { type: 'Random' } } })],
    ['a TTL of zero', (g) => ({ ...g, spec: { ...g.spec, ttlSeconds: 0 } })],
    ['a probe port out of range', (g) => ({ ...g, spec: { ...g.spec, healthCheck: { port: 70000 } } })],
    ['a weight above 1000', (g) => ({ ...g, spec: { ...g.spec, strategy: { weights: [{ clusterName: 'a', weight: 1001 }] } } })],
  ])('rejects %s', (_name, mutate) => {
    expect(validate(mutate(glb))).toBe(false);
  });

  it('serves no decision subresource yet', () => {
    expect(globalLoadBalancerDefinition.subresources).toEqual({ status: true });
  });
});
