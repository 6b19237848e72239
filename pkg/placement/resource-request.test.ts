import { describe, expect, it } from 'vitest';
import { estimateReplicaRequest } from './resource-request.js';

type Resources = { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
type Container = { name: string; resources?: Resources; restartPolicy?: string };

function workload(containers: Container[], initContainers?: Container[]): unknown {
  return { spec: { replicas: 3, template: { spec: { containers, ...(initContainers ? { initContainers } : {}) } } } };
}

const c = (name: string, requests?: Record<string, unknown>, limits?: Record<string, unknown>): Container => ({
  name,
  resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
});

describe('estimateReplicaRequest', () => {
  it('sums the requests of the containers', () => {
    const got = estimateReplicaRequest(workload([c('a', { cpu: '250m', memory: '64Mi' }), c('b', { cpu: 1, memory: '1Gi' })]));
    expect(got?.cpu).toBeCloseTo(1.25);
    expect(got?.memory).toBe(64 * 2 ** 20 + 2 ** 30);
  });

  it('uses a limit for a resource the container does not request', () => {
    const got = estimateReplicaRequest(workload([c('a', { cpu: '500m' }, { cpu: '2', memory: '128Mi' })]));
    expect(got).toEqual({ cpu: 0.5, memory: 128 * 2 ** 20 });
  });

  it('leaves out a resource nothing asks for', () => {
    expect(estimateReplicaRequest(workload([c('a', { cpu: '100m' }), c('b')]))).toEqual({ cpu: 0.1 });
  });

  it('counts an init container when it asks for more than the containers together', () => {
    const got = estimateReplicaRequest(
      workload([c('a', { cpu: '100m', memory: '10Mi' }), c('b', { cpu: '100m', memory: '10Mi' })], [c('init', { cpu: '1', memory: '1Mi' })]),
    );
    expect(got?.cpu).toBe(1);
    expect(got?.memory).toBe(20 * 2 ** 20);
  });

  it('takes the largest init container, not their sum', () => {
    const got = estimateReplicaRequest(workload([c('a', { cpu: '100m' })], [c('i1', { cpu: '1' }), c('i2', { cpu: '2' })]));
    expect(got).toEqual({ cpu: 2 });
  });

  it('runs sidecars alongside the containers and the later init containers', () => {
    const sidecar: Container = { ...c('proxy', { cpu: '500m' }), restartPolicy: 'Always' };
    const got = estimateReplicaRequest(workload([c('a', { cpu: '1' })], [sidecar, c('migrate', { cpu: '2' })]));
    // migrate runs next to the sidecar (2.5); afterwards the sidecar runs next to the container (1.5).
    expect(got).toEqual({ cpu: 2.5 });
  });

  it('skips a quantity it cannot read', () => {
    expect(estimateReplicaRequest(workload([c('a', { cpu: 'lots', memory: '1Ki' }), c('b', { cpu: '1' })]))).toEqual({
      cpu: 1,
      memory: 1024,
    });
  });

  it.each<[string, unknown]>([
    ['nothing', undefined],
    ['a template without a pod template', { spec: { replicas: 1 } }],
    ['a pod template without requests', workload([{ name: 'a' }])],
    ['malformed containers', { spec: { template: { spec: { containers: 'x' } } } }],
  ])('is undefined for %s', (_, template) => {
    expect(estimateReplicaRequest(template)).toBeUndefined();
  });
});
