import { describe, expect, it } from 'vitest';
import { FieldSet } from './field-set.js';
import { fieldElement as f, keyElement as k, printPath, valueElement as v } from './path-element.js';

describe('FieldSet', () => {
  it('reads and writes FieldsV1, marking nodes that are members and have children with "."', () => {
    const doc = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} } }, 'f:tags': { 'v:"a"': {} } } };
    const set = FieldSet.fromFieldsV1(doc);
    expect(set.has([f('metadata'), f('labels')])).toBe(true);
    expect(set.has([f('metadata')])).toBe(false);
    expect(set.has([f('spec'), f('ports'), k({ protocol: 'TCP', port: 80 })])).toBe(true);
    expect(set.toFieldsV1()).toEqual(doc);
  });

  it('refuses elements it cannot read', () => {
    expect(() => FieldSet.fromFieldsV1({ 'x:y': {} })).toThrow('parsing path element "x:y"');
    expect(() => FieldSet.fromFieldsV1({ 'k:[1]': {} })).toThrow();
    expect(() => FieldSet.fromFieldsV1({ 'i:01': {} })).toThrow();
  });

  it('unions, intersects and subtracts, never keeping empty subtrees', () => {
    const a = FieldSet.of([f('spec'), f('a')], [f('spec'), f('b')]);
    const b = FieldSet.of([f('spec'), f('b')], [f('status')]);
    expect(a.union(b).paths().map(printPath)).toEqual(['.status', '.spec.a', '.spec.b']);
    expect(a.intersection(b).paths().map(printPath)).toEqual(['.spec.b']);
    expect(a.difference(a).empty()).toBe(true);
    expect(a.difference(a).toFieldsV1()).toEqual({});
  });

  it('recursive difference drops whole subtrees under a member of the other set', () => {
    const a = FieldSet.of([f('status'), f('phase')], [f('spec'), f('x')]);
    expect(a.recursiveDifference(FieldSet.of([f('status')])).paths().map(printPath)).toEqual(['.spec.x']);
  });

  it('prints paths the way conflicts name them', () => {
    expect(printPath([f('spec'), f('ports'), k({ protocol: 'TCP', port: 80 }), f('name')])).toBe('.spec.ports[port=80,protocol="TCP"].name');
    expect(printPath([f('spec'), f('tags'), v('a')])).toBe('.spec.tags[="a"]');
  });
});
