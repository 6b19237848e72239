import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JOIN_POD_MARKER, POD_MARKER, PodTemplate, joinPodName, podName, viewPath } from './fleet-payload.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('PodTemplate', () => {
  const template = new PodTemplate(root);

  it('makes a create body from the canonical Pod with the name and namespace set, and no server-set fields', () => {
    const pod = JSON.parse(template.createBody(podName(42))) as { kind: string; metadata: Record<string, unknown>; spec: unknown };
    expect(pod.kind).toBe('Pod');
    expect(pod.metadata.name).toBe('pod-000042');
    expect(pod.metadata.namespace).toBe('bench');
    expect(pod.metadata).not.toHaveProperty('uid');
    expect(pod.metadata).not.toHaveProperty('resourceVersion');
    expect(pod.metadata).not.toHaveProperty('creationTimestamp');
    expect(pod.spec).toBeDefined();
  });

  it('puts each marker in a body exactly once', () => {
    for (const [name, marker] of [[podName(7), POD_MARKER], [joinPodName(7), JOIN_POD_MARKER]] as const) {
      const body = template.createBody(name);
      expect(body.split(marker).length - 1).toBe(1);
    }
  });
});

describe('viewPath', () => {
  it('puts a collection under the view prefix', () => {
    expect(viewPath('/api/v1/namespaces/bench/pods')).toBe('/apis/fleet.herd.io/v1alpha1/views/global/proxy/api/v1/namespaces/bench/pods');
  });

  it('narrows to one cluster with the herd.io/cluster label', () => {
    expect(viewPath('/api/v1/pods', 'member-5')).toBe('/apis/fleet.herd.io/v1alpha1/views/global/proxy/api/v1/pods?labelSelector=herd.io%2Fcluster%3Dmember-5');
  });
});
