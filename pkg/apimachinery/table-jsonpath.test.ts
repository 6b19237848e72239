import { describe, expect, it } from 'vitest';
import { compileJSONPath, JSONPathError } from './table-jsonpath.js';

const obj = {
  metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'shop', tier: 'front' } },
  spec: { replicas: 3, paused: false, containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:2' }] },
  status: {
    conditions: [
      { type: 'Propagated', status: 'True', reason: 'Done', observedGeneration: 2 },
      { type: 'Ready', status: 'False', reason: 'Waiting', observedGeneration: 1 },
    ],
  },
};

describe('compileJSONPath', () => {
  it.each<[string, string, unknown[]]>([
    ['reads a field', '.spec.replicas', [3]],
    ['reads a false field', '.spec.paused', [false]],
    ['accepts braces around the path', '{.metadata.name}', ['web']],
    ['reads a key with escaped dots', '.metadata.labels.app\\.kubernetes\\.io/name', ['shop']],
    ['reads a bracketed key', "['metadata']['labels']['app.kubernetes.io/name']", ['shop']],
    ['reads an index', '.spec.containers[1].image', ['b:2']],
    ['reads an index from the end', '.spec.containers[-1].name', ['b']],
    ['reads every item', '.spec.containers[*].name', ['a', 'b']],
    ['reads every value of a map in key order', '.metadata.labels.*', ['shop', 'front']],
    ['filters by equality', '.status.conditions[?(@.type=="Ready")].status', ['False']],
    ['filters with single quotes', ".status.conditions[?(@.type=='Propagated')].reason", ['Done']],
    ['filters by inequality', '.status.conditions[?(@.type!="Ready")].type', ['Propagated']],
    ['filters numbers', '.status.conditions[?(@.observedGeneration>1)].type', ['Propagated']],
    ['filters by presence', '.spec.containers[?(@.image)].name', ['a', 'b']],
    ['finds nothing for a missing field', '.spec.missing.deeper', []],
    ['finds nothing for an index out of range', '.spec.containers[5]', []],
    ['finds nothing when the filter matches nothing', '.status.conditions[?(@.type=="Scheduled")].status', []],
  ])('%s', (_name, path, expected) => {
    expect(compileJSONPath(path)(obj)).toEqual(expected);
  });

  it.each([
    ['recursive descent', '..name'],
    ['slices', '.spec.containers[0:1]'],
    ['unions', '.spec.containers[0,1]'],
    ['a path without a leading dot', 'spec.replicas'],
    ['an unterminated filter', '.status.conditions[?(@.type=="Ready"'],
    ['a filter on something other than @', '.status.conditions[?($.type=="Ready")]'],
  ])('refuses %s', (_name, path) => {
    expect(() => compileJSONPath(path)).toThrow(JSONPathError);
  });
});
