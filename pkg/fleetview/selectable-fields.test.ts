import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/meta/object-meta.js';
import { extraFieldValues, selectableFields } from './selectable-fields.js';

const obj = (kind: string, rest: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'ns' }, ...rest });

/** The extra field values of an object, by field. */
function byField(object: KubeObject, group: string, resource: string): Record<string, string | undefined> {
  const fields = selectableFields(group, resource, true).filter((f) => !f.startsWith('metadata.'));
  const values = extraFieldValues(object, selectableFields(group, resource, true)) ?? [];
  return Object.fromEntries(fields.map((f, i) => [f, values[i]]));
}

describe('selectableFields', () => {
  it('lists the metadata fields first, then the per-resource ones kube-apiserver supports', () => {
    expect(selectableFields('', 'configmaps', true)).toEqual(['metadata.namespace', 'metadata.name']);
    expect(selectableFields('', 'namespaces', false)).toEqual(['metadata.name', 'status.phase']);
    expect(selectableFields('', 'pods', true)).toEqual(expect.arrayContaining(['metadata.namespace', 'metadata.name', 'spec.nodeName', 'status.phase', 'status.podIP']));
    expect(selectableFields('apps', 'replicasets', true)).toContain('status.replicas');
    // A group's resource is not the core one of the same name.
    expect(selectableFields('example.io', 'pods', true)).toEqual(['metadata.namespace', 'metadata.name']);
  });
});

describe('extraFieldValues', () => {
  it('is undefined for a resource with metadata fields only', () => {
    expect(extraFieldValues(obj('ConfigMap', {}), selectableFields('', 'configmaps', true))).toBeUndefined();
  });

  it("reads a pod's fields, as strings, in the order of selectableFields", () => {
    const values = byField(obj('Pod', { spec: { nodeName: 'n1', hostNetwork: true, restartPolicy: 'Always' }, status: { phase: 'Running', podIP: '10.0.0.1' } }), '', 'pods');
    expect(values).toMatchObject({ 'spec.nodeName': 'n1', 'spec.hostNetwork': 'true', 'spec.restartPolicy': 'Always', 'status.phase': 'Running', 'status.podIP': '10.0.0.1', 'status.nominatedNodeName': '' });
  });

  it("gives a field the object leaves out the value upstream compares: Go's zero value", () => {
    expect(byField(obj('Pod', { spec: {} }), '', 'pods')).toMatchObject({ 'spec.hostNetwork': 'false', 'spec.nodeName': '', 'status.phase': '' });
    expect(extraFieldValues(obj('Node', { spec: {} }), selectableFields('', 'nodes', false))).toEqual(['false']);
    expect(extraFieldValues(obj('ReplicaSet', { status: {} }), selectableFields('apps', 'replicasets', true))).toEqual(['0']);
    expect(extraFieldValues(obj('ReplicationController', {}), selectableFields('', 'replicationcontrollers', true))).toEqual(['0']);
  });

  it("reads a job's status.successful from status.succeeded, as upstream does", () => {
    const fields = selectableFields('batch', 'jobs', true);
    expect(extraFieldValues(obj('Job', { status: { succeeded: 3 } }), fields)).toEqual(['3']);
    expect(extraFieldValues(obj('Job', { status: {} }), fields)).toEqual(['0']);
  });

  it("reads an event's source from source.component", () => {
    const values = byField(obj('Event', { involvedObject: { kind: 'Pod', name: 'p' }, reason: 'Started', source: { component: 'kubelet' }, type: 'Normal' }), '', 'events');
    expect(values).toMatchObject({ source: 'kubelet', 'involvedObject.kind': 'Pod', 'involvedObject.name': 'p', reason: 'Started', type: 'Normal' });
  });
});
