import { describe, expect, it } from 'vitest';
import { simulatedNode } from './simulated-nodes.js';

describe('simulatedNode', () => {
  it('is annotated for kwok and labelled with the member topology', () => {
    const node = simulatedNode('kwok-node-0', { region: 'eu-west', zone: 'eu-west-a' }) as {
      metadata: { annotations: Record<string, string>; labels: Record<string, string> };
      status: { allocatable: Record<string, string> };
    };
    expect(node.metadata.annotations['kwok.x-k8s.io/node']).toBe('fake');
    expect(node.metadata.labels['topology.kubernetes.io/region']).toBe('eu-west');
    expect(node.metadata.labels['topology.kubernetes.io/zone']).toBe('eu-west-a');
    expect(node.status.allocatable).toEqual({ cpu: '8', memory: '32Gi', pods: '110' });
  });
});
