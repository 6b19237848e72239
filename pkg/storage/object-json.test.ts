import { describe, expect, it } from 'vitest';
import { scanObjectJson, stampResourceVersion } from './object-json.js';
import { isStorageError } from './storage-error.js';

const stamp = (json: string, rv = '42') => stampResourceVersion(scanObjectJson('/k', json), rv);

describe('scanObjectJson and stampResourceVersion', () => {
  it.each([
    ['replaces an existing resourceVersion', '{"metadata":{"name":"a","resourceVersion":"7"},"spec":{}}', '{"metadata":{"name":"a","resourceVersion":"42"},"spec":{}}'],
    ['replaces a non-string resourceVersion', '{"metadata":{"resourceVersion":null,"name":"a"}}', '{"metadata":{"resourceVersion":"42","name":"a"}}'],
    ['appends one to metadata that has none', '{"kind":"X","metadata":{"name":"a"},"spec":{"x":1}}', '{"kind":"X","metadata":{"name":"a","resourceVersion":"42"},"spec":{"x":1}}'],
    ['keeps whitespace around it', '{ "metadata" : { "name" : "a" , "resourceVersion" : "1" } }', '{ "metadata" : { "name" : "a" , "resourceVersion" : "42" } }'],
    [
      'skips look-alikes before metadata',
      '{"spec":{"metadata":{"resourceVersion":"1"},"s":"\\"metadata\\":{"},"metadata":{"name":"a"}}',
      '{"spec":{"metadata":{"resourceVersion":"1"},"s":"\\"metadata\\":{"},"metadata":{"name":"a","resourceVersion":"42"}}',
    ],
    [
      'skips nested values and escaped quotes inside metadata',
      '{"metadata":{"annotations":{"x":"}\\\\","y":"[\\"]"},"managedFields":[{"a":[1,{"b":"]"}]}],"name":"a"}}',
      '{"metadata":{"annotations":{"x":"}\\\\","y":"[\\"]"},"managedFields":[{"a":[1,{"b":"]"}]}],"name":"a","resourceVersion":"42"}}',
    ],
  ])('%s', (_, input, expected) => {
    expect(stamp(input)).toBe(expected);
    expect(JSON.parse(stamp(input))).toBeTruthy();
  });

  it('reads name, namespace and labels, decoding escapes', () => {
    const scanned = scanObjectJson('/k', '{"metadata":{"namespace":"n\\u0073","name":"caf\\u00e9","labels":{"a":"b"}}}');
    expect(scanned).toMatchObject({ name: 'café', namespace: 'ns', labels: '{"a":"b"}' });
    expect(scanObjectJson('/k', '{"metadata":{"name":"a","namespace":null,"labels":null}}')).toMatchObject({ namespace: '', labels: '{}' });
  });

  it('stamps a realistic object byte-for-byte apart from the resourceVersion', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-7d4b9c',
        namespace: 'default',
        labels: { app: 'web', 'pod-template-hash': '7d4b9c' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"metadata":{"resourceVersion":"9"}}\n' },
        resourceVersion: '1',
        managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {} } } } }],
      },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', args: ['-c', '"quoted" ] }'] }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    };
    const stamped = stamp(JSON.stringify(pod), '123456');
    pod.metadata.resourceVersion = '123456';
    expect(stamped).toBe(JSON.stringify(pod));
  });

  it.each([
    ['an array', '[]'],
    ['not JSON', 'nope'],
    ['no metadata', '{"kind":"X"}'],
    ['metadata that is not an object', '{"metadata":"x"}'],
    ['no name', '{"metadata":{"namespace":"a"}}'],
    ['an empty name', '{"metadata":{"name":""}}'],
    ['a numeric namespace', '{"metadata":{"name":"a","namespace":1}}'],
    ['labels that are not an object', '{"metadata":{"name":"a","labels":[]}}'],
    ['an unterminated string', '{"metadata":{"name":"a'],
    ['a bad escape in the name', '{"metadata":{"name":"\\q"}}'],
  ])('refuses %s with InvalidObject', (_, json) => {
    let caught: unknown;
    try {
      scanObjectJson('/k', json);
    } catch (err) {
      caught = err;
    }
    expect(isStorageError(caught, 'InvalidObject')).toBe(true);
  });
});
