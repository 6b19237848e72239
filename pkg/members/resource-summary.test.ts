import { describe, expect, it } from 'vitest';
import { podFactsOf, summarizeResources, type NodeFacts, type PodFacts } from './resource-summary.js';

const node = (name: string, allocatable: Record<string, string>, ready = true, unschedulable = false): NodeFacts => ({
  metadata: { name },
  spec: { unschedulable },
  status: { allocatable, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const pod = (nodeName: string | undefined, containers: Record<string, string>[], extra: Partial<NonNullable<PodFacts['spec']>> = {}): PodFacts => ({
  spec: { ...(nodeName ? { nodeName } : {}), containers: containers.map((requests) => ({ resources: { requests } })), ...extra },
});

describe('summarizeResources', () => {
  it('sums allocatable over schedulable Ready nodes and requests of the pods bound to them', () => {
    const nodes = [
      node('a', { cpu: '8', memory: '32Gi', pods: '110' }),
      node('b', { cpu: '3500m', memory: '16Gi', pods: '110' }),
      node('down', { cpu: '8', memory: '32Gi', pods: '110' }, false),
      node('cordoned', { cpu: '8', memory: '32Gi', pods: '110' }, true, true),
    ];
    const pods = [
      pod('a', [{ cpu: '250m', memory: '64Mi' }, { cpu: '0.5', memory: '1Gi' }]),
      pod('b', [{ cpu: '100m' }]),
      pod('cordoned', [{ cpu: '4' }]),
      pod(undefined, [{ cpu: '1' }]),
    ];
    expect(summarizeResources(nodes, pods)).toEqual({
      nodeSummary: { total: 4, ready: 3 },
      resourceSummary: {
        allocatable: { cpu: '11500m', memory: String(48 * 2 ** 30), pods: 220 },
        allocated: { cpu: '850m', memory: String(64 * 2 ** 20 + 2 ** 30), pods: 2 },
      },
    });
  });

  it('counts the larger of the app containers and the biggest init container, plus the overhead', () => {
    const nodes = [node('a', { cpu: '4', memory: '8Gi', pods: '10' })];
    const pods = [pod('a', [{ cpu: '100m' }, { cpu: '100m' }], { initContainers: [{ resources: { requests: { cpu: '1', memory: '1Gi' } } }], overhead: { cpu: '10m' } })];
    expect(summarizeResources(nodes, pods).resourceSummary.allocated).toEqual({ cpu: '1010m', memory: String(2 ** 30), pods: 1 });
  });

  it('skips a field that is not a quantity instead of failing', () => {
    const nodes = [node('a', { cpu: 'lots', memory: '1Gi', pods: '10' })];
    expect(summarizeResources(nodes, []).resourceSummary.allocatable).toEqual({ cpu: '0m', memory: String(2 ** 30), pods: 10 });
  });
});

describe('podFactsOf', () => {
  it('keeps exactly what the summary reads: the same summary from slim pods as from whole ones', () => {
    const n1: NodeFacts = { metadata: { name: 'n1' }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] } };
    const whole = [
      { metadata: { name: 'a', labels: { big: 'x'.repeat(500) } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1' } } }], initContainers: [{ name: 'init', resources: { requests: { cpu: '1' } } }], overhead: { cpu: '10m' } } },
      { metadata: { name: 'b' }, spec: { nodeName: 'n1', containers: [{ name: 'c' }] } },
      { metadata: { name: 'c' }, spec: { containers: [{ resources: { requests: { memory: '1Gi' } } }] } },
    ];
    const slim = (whole as PodFacts[]).map(podFactsOf);
    expect(summarizeResources([n1], slim)).toEqual(summarizeResources([n1], whole as PodFacts[]));
    expect(JSON.stringify(slim)).not.toContain('image');
    expect(JSON.stringify(slim)).not.toContain('labels');
  });
});
