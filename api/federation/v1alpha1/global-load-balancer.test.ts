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
    hostname: 'web.shop.global.example.com',
    backend: { kind: 'FederatedService', name: 'web', port: 443 },
    strategy: {
      type: 'Geo',
      failoverOrder: ['eu-1', 'us-1'],
      geo: { regionDistances: [{ from: 'eu-west', to: 'us-east', distance: 80 }], clientNetworks: [{ cidr: '10.1.0.0/16', region: 'eu-west' }] },
      capacity: { minReadyEndpoints: 3 },
    },
    ttlSeconds: 10,
    healthCheck: { type: 'HTTP', port: 8080, path: '/healthz', scheme: 'HTTPS', periodSeconds: 1, failureThreshold: 3 },
  },
  status: {
    hostname: 'web.shop.global.example.com',
    healthyClusters: 1,
    clusters: [
      { name: 'eu-1', healthy: true, addresses: ['203.0.113.10'], readyEndpoints: 2, reason: 'Healthy', message: '2 ready endpoints' },
      { name: 'us-1', healthy: false, reason: 'NoReadyEndpoints', message: 'no ready endpoints' },
    ],
  },
};

describe('GlobalLoadBalancer schema', () => {
  it('accepts a failover balancer probing over HTTPS', () => {
    expect(validate(glb), JSON.stringify(validate.errors)).toBe(true);
    expect(undeclaredFields(globalLoadBalancerDefinition.schema, glb)).toEqual([]);
  });

  it.each<[string, (g: GlobalLoadBalancer) => unknown]>([
    ['a backend without a name', (g) => ({ ...g, spec: { ...g.spec, backend: { kind: 'FederatedService' } } })],
    ['a hostname with a space', (g) => ({ ...g, spec: { ...g.spec, hostname: 'a b.example' } })],
    ['an upper-case hostname', (g) => ({ ...g, spec: { ...g.spec, hostname: 'Web.example' } })],
    ['an unknown strategy', (g) => ({ ...g, spec: { ...g.spec, strategy: { type: 'Random' } } })],
    ['a TTL of zero', (g) => ({ ...g, spec: { ...g.spec, ttlSeconds: 0 } })],
    ['a probe port out of range', (g) => ({ ...g, spec: { ...g.spec, healthCheck: { port: 70000 } } })],
    ['a weight above 1000', (g) => ({ ...g, spec: { ...g.spec, strategy: { weights: [{ clusterName: 'a', weight: 1001 }] } } })],
  ])('rejects %s', (_name, mutate) => {
    expect(validate(mutate(glb))).toBe(false);
  });

  it('serves the decision subresource', () => {
    expect(globalLoadBalancerDefinition.subresources).toEqual({ status: true, extra: ['decision'], extraKinds: { decision: 'LoadBalancingDecision' } });
  });
});
