import { describe, expect, it } from 'vitest';
import type { ObjectEvent, StoredObject } from '../../pkg/storage/storage.js';
import { selectEvent } from './resource-handler.js';

const obj = (rv: string, app: string): StoredObject => ({
  key: '/g/r/ns/a',
  json: `{"metadata":{"name":"a","resourceVersion":"${rv}","labels":{"app":"${app}"}}}`,
  resourceVersion: rv,
  name: 'a',
  namespace: 'ns',
  labels: JSON.stringify({ app }),
});
const isWeb = (o: StoredObject) => (JSON.parse(o.labels) as { app: string }).app === 'web';

describe('selectEvent (what a watcher with a selector is sent)', () => {
  it.each([
    ['an ADDED object that matches is ADDED', { type: 'ADDED', resourceVersion: '5', object: obj('5', 'web') }, 'ADDED', '5'],
    ['an ADDED object that does not match is not sent', { type: 'ADDED', resourceVersion: '5', object: obj('5', 'db') }, undefined, undefined],
    ['a change that keeps matching is MODIFIED', { type: 'MODIFIED', resourceVersion: '6', object: obj('6', 'web'), prevObject: obj('5', 'web') }, 'MODIFIED', '6'],
    ['a change that starts matching is ADDED', { type: 'MODIFIED', resourceVersion: '6', object: obj('6', 'web'), prevObject: obj('5', 'db') }, 'ADDED', '6'],
    ['a change that stops matching is DELETED, with the previous state at the new resourceVersion', { type: 'MODIFIED', resourceVersion: '6', object: obj('6', 'db'), prevObject: obj('5', 'web') }, 'DELETED', '6'],
    ['a change that never matched is not sent', { type: 'MODIFIED', resourceVersion: '6', object: obj('6', 'db'), prevObject: obj('5', 'db') }, undefined, undefined],
    ['a deletion of a matching object is DELETED', { type: 'DELETED', resourceVersion: '7', object: obj('7', 'web'), prevObject: obj('6', 'web') }, 'DELETED', '7'],
  ] as const)('%s', (_, event, type, rv) => {
    const selected = selectEvent(event as ObjectEvent, isWeb);
    expect(selected?.type).toBe(type);
    if (rv) {
      expect(selected!.object.resourceVersion).toBe(rv);
      expect(JSON.parse(selected!.object.json).metadata.resourceVersion).toBe(rv);
    }
    if (type === 'DELETED' && event.type === 'MODIFIED') expect(JSON.parse(selected!.object.json).metadata.labels.app).toBe('web');
  });
});
