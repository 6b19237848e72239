import { afterEach, describe, expect, it } from 'vitest';
import { FakeNetworkClient, fakeNetwork } from '../members/fake-member.fixture.js';
import { observeBackend } from './backend-observer.js';

const ORIGIN = 'https://member.example:6443';
const SERVICE = '/api/v1/namespaces/shop/services/web';
const SLICES = `/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices?labelSelector=${encodeURIComponent('kubernetes.io/service-name=web')}`;
const INGRESS = '/apis/networking.k8s.io/v1/namespaces/shop/ingresses/web';
const DEPLOYMENT = '/apis/apps/v1/namespaces/shop/deployments/web';

let mock = fakeNetwork();
afterEach(async () => {
  await mock.close();
  mock = fakeNetwork();
});

function serve(path: string, status: number, body: unknown): void {
  mock.get(ORIGIN).intercept({ path, method: 'GET' }).reply(status, JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
}
const client = () => new FakeNetworkClient({ server: ORIGIN }, mock);
const slices = (...ready: (boolean | null)[]) => ({ items: [{ endpoints: ready.map((r) => ({ conditions: r === null ? {} : { ready: r } })) }] });

describe('observeBackend', () => {
  it('prefers load-balancer IPs, counts ready endpoints (unset ready counts) and takes the first port', async () => {
    serve(SERVICE, 200, {
      metadata: { annotations: { 'federation.herd.io/gslb-addresses': '192.0.2.1' } },
      spec: { externalIPs: ['198.51.100.1'], ports: [{ port: 443 }, { port: 80 }] },
      status: { loadBalancer: { ingress: [{ hostname: 'lb.example' }, { ip: '203.0.113.5' }] } },
    });
    serve(SLICES, 200, slices(true, null, false));
    expect(await observeBackend(client(), { namespace: 'shop', serviceName: 'web' }, 1000)).toEqual({ found: true, addresses: ['203.0.113.5'], readyEndpoints: 2, port: 443, source: 'Service load balancer' });
  });

  it('falls back to externalIPs, then the annotation (IP literals only), then an Ingress', async () => {
    serve(SERVICE, 200, { spec: { externalIPs: ['198.51.100.1'] } });
    serve(SLICES, 200, slices(true));
    expect(await observeBackend(client(), { namespace: 'shop', serviceName: 'web', port: 8080 }, 1000)).toMatchObject({ addresses: ['198.51.100.1'], port: 8080, source: 'Service externalIPs' });
    serve(SERVICE, 200, { metadata: { annotations: { 'federation.herd.io/gslb-addresses': ' 192.0.2.1, not-an-ip ,2001:db8::1' } } });
    serve(SLICES, 200, slices(true));
    expect(await observeBackend(client(), { namespace: 'shop', serviceName: 'web' }, 1000)).toMatchObject({ addresses: ['192.0.2.1', '2001:db8::1'], source: 'Service annotation' });
    serve(SERVICE, 200, {});
    serve(SLICES, 200, slices(true));
    serve(INGRESS, 200, { status: { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } } });
    expect(await observeBackend(client(), { namespace: 'shop', serviceName: 'web' }, 1000)).toMatchObject({ addresses: ['203.0.113.9'], source: 'Ingress load balancer' });
  });

  it('reads a workload without a Service by its ready replicas and its annotation', async () => {
    serve(SERVICE, 404, { kind: 'Status' });
    serve(DEPLOYMENT, 200, { metadata: { annotations: { 'federation.herd.io/gslb-addresses': '192.0.2.7' } }, status: { readyReplicas: 3 } });
    expect(await observeBackend(client(), { namespace: 'shop', serviceName: 'web', workloadPath: DEPLOYMENT, port: 8080 }, 1000)).toEqual({
      found: true,
      addresses: ['192.0.2.7'],
      readyEndpoints: 3,
      port: 8080,
      source: 'workload',
    });
  });

  it('says BackendNotFound for a missing Service and MemberUnreachable for errors, without credentials in the message', async () => {
    serve(SERVICE, 404, { kind: 'Status' });
    expect(await observeBackend(client(), { namespace: 'shop', serviceName: 'web' }, 1000)).toMatchObject({ found: false, reason: 'BackendNotFound' });
    serve(SERVICE, 503, { kind: 'Status', message: 'etcd is down' });
    expect(await observeBackend(client(), { namespace: 'shop', serviceName: 'web' }, 1000)).toMatchObject({ found: false, reason: 'MemberUnreachable', message: expect.stringContaining('503') });
    mock.get(ORIGIN).intercept({ path: SERVICE, method: 'GET' }).replyWithError(new Error('connect ECONNREFUSED'));
    expect(await observeBackend(client(), { namespace: 'shop', serviceName: 'web' }, 1000)).toMatchObject({ found: false, reason: 'MemberUnreachable' });
  });
});
