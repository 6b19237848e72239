import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/meta/object-meta.js';
import type { Table } from '../apimachinery/table.js';
import { FakeTableMember, pod, POD_PRINTER, startMembers, syncedResource } from './fake-table-member.fixture.js';
import type { MergedResource } from './merged-resource.js';
import { encodeBookmark, encodeObject, listFrame, tableRow, viewColumns, type ViewEncoding } from './view-presenter.js';

const PODS = '/api/v1/pods';
const CREATED = '2024-01-01T00:00:00Z';
const NOW = Date.parse('2024-01-03T05:00:00Z');

let members: FakeTableMember[];
let pods: MergedResource;
let plain: MergedResource;

const json: ViewEncoding = { target: { mediaType: 'application/json' }, includeObject: 'Metadata' };
const table = (includeObject: ViewEncoding['includeObject']): ViewEncoding => ({ target: { mediaType: 'application/json', as: 'Table' }, includeObject });

beforeAll(async () => {
  const [m1, m2] = await startMembers(['m1', 'm2'], { [PODS]: POD_PRINTER });
  members = [m1, m2];
  m1.put(PODS, pod('a', 'web', { creationTimestamp: CREATED, podIP: '10.0.0.1' }));
  m2.put(PODS, pod('a', 'db', { creationTimestamp: CREATED, phase: 'Pending' }));
  pods = await syncedResource(members, 'pods', 'Pod');
  // A member that cannot print: the view falls back to Name and Age.
  m2.printsTables = false;
  plain = await syncedResource([m2], 'pods', 'Pod');
});

afterAll(async () => {
  await Promise.all([pods.stop(), plain.stop()]);
  await Promise.all(members.map((m) => m.close()));
});

describe('view presenter', () => {
  it("puts CLUSTER after NAME in the members' columns, or in Name and Age", () => {
    expect(viewColumns(pods).map((c) => `${c.name}:${c.priority}`)).toEqual(['Name:0', 'Cluster:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1']);
    expect(viewColumns(plain).map((c) => c.name)).toEqual(['Name', 'Cluster', 'Age']);
  });

  it("prints a row with the served name, the cluster, the member's cells and the Age as of now", () => {
    const e = pods.get('m1', 'a', 'web')!;
    const row = JSON.parse(tableRow(e, viewColumns(pods), 'None', NOW)) as { cells: unknown[]; object?: unknown };
    expect(row).toEqual({ cells: ['web', 'm1', '1/1', 'Running', '0', '2d5h', '10.0.0.1'] });
    // Without member cells: the name, the cluster, blanks, and the Age.
    const p = plain.get('m2', 'a', 'db')!;
    expect(JSON.parse(tableRow(p, viewColumns(plain), 'None', NOW))).toEqual({ cells: ['db', 'm2', '2d5h'] });
    expect(JSON.parse(tableRow(p, viewColumns(pods), 'None', NOW))).toEqual({ cells: ['db', 'm2', '', '', '', '2d5h', ''] });
  });

  it('keeps a first column that is not the name (Events lead with LAST SEEN) and puts CLUSTER after it', async () => {
    const EVENTS = '/api/v1/events';
    const lastSeen = { name: 'Last Seen', type: 'string', format: '', description: 'when', priority: 0 };
    const [m3] = await startMembers(['m3'], {
      [EVENTS]: {
        columns: [lastSeen, { name: 'Reason', type: 'string', format: '', description: 'why', priority: 0 }, { name: 'Name', type: 'string', format: 'name', description: 'name', priority: 1 }],
        cells: (o) => ['5m', 'Started', o.metadata.name],
      },
    });
    m3.put(EVENTS, { apiVersion: 'v1', kind: 'Event', metadata: { namespace: 'a', name: 'ev-1', creationTimestamp: CREATED } });
    const events = await syncedResource([m3], 'events', 'Event');
    try {
      expect(viewColumns(events).map((c) => c.name)).toEqual(['Last Seen', 'Reason', 'Name', 'Cluster']);
      const row = JSON.parse(tableRow(events.get('m3', 'a', 'ev-1')!, viewColumns(events), 'None', NOW)) as { cells: unknown[] };
      expect(row.cells).toEqual(['5m', 'Started', 'ev-1', 'm3']);
    } finally {
      await events.stop();
      await m3.close();
    }
  });

  it('includes the object as asked: None, Metadata (PartialObjectMetadata) or Object', () => {
    const e = pods.get('m1', 'a', 'web')!;
    const rowOf = (io: ViewEncoding['includeObject']) => JSON.parse(tableRow(e, viewColumns(pods), io, NOW)) as { object?: KubeObject };
    expect(rowOf('None').object).toBeUndefined();
    expect(rowOf('Metadata').object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'web', labels: { 'herd.io/cluster': 'm1' }, resourceVersion: e.token } });
    expect(rowOf('Metadata').object).not.toHaveProperty('spec');
    expect(rowOf('Object').object).toMatchObject({ kind: 'Pod', apiVersion: 'v1', spec: { containers: [{ name: 'c' }] }, metadata: { resourceVersion: e.token } });
  });

  it('encodes an object for a get or an event as JSON, PartialObjectMetadata or a one-row Table', () => {
    const e = pods.get('m2', 'a', 'db')!;
    expect(encodeObject(pods, e, json, NOW, true)).toBe(e.json);
    expect(JSON.parse(encodeObject(pods, e, { target: { mediaType: 'application/json', as: 'PartialObjectMetadata' }, includeObject: 'Metadata' }, NOW, true))).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'db' } });
    const t = JSON.parse(encodeObject(pods, e, table('None'), NOW, true, 'tok.1')) as Table;
    expect(t.metadata).toEqual({ resourceVersion: 'tok.1' });
    expect(t.columnDefinitions?.map((c) => c.name)).toEqual(viewColumns(pods).map((c) => c.name));
    expect(t.rows).toEqual([{ cells: ['db', 'm2', '1/1', 'Pending', '0', '2d5h', '<none>'] }]);
    expect((JSON.parse(encodeObject(pods, e, table('None'), NOW, false)) as Table).columnDefinitions).toBeNull();
  });

  it('encodes a bookmark in the form asked, annotated at the end of initial events', () => {
    expect(JSON.parse(encodeBookmark(pods, json, 'e.5', false))).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: 'e.5' } });
    expect(JSON.parse(encodeBookmark(pods, json, 'e.5', true))).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: 'e.5', annotations: { 'k8s.io/initial-events-end': 'true' } } });
    expect(JSON.parse(encodeBookmark(pods, table('None'), 'e.5', false))).toEqual({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: 'e.5' }, columnDefinitions: null, rows: [] });
    expect(JSON.parse(encodeBookmark(pods, { target: { mediaType: 'application/json', as: 'PartialObjectMetadataList' }, includeObject: 'Metadata' }, 'e.5', false))).toMatchObject({ kind: 'PartialObjectMetadata' });
  });

  it('frames a list as <Kind>List, PartialObjectMetadataList or a Table', () => {
    const frame = (enc: ViewEncoding) => {
      const { head, tail } = listFrame(pods, enc, { resourceVersion: 'e.1', continue: 'c' });
      return JSON.parse(`${head}${tail}`) as Record<string, unknown>;
    };
    expect(frame(json)).toEqual({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: 'e.1', continue: 'c' }, items: [] });
    expect(frame({ target: { mediaType: 'application/json', as: 'PartialObjectMetadataList' }, includeObject: 'Metadata' })).toMatchObject({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1' });
    expect(frame(table('None'))).toMatchObject({ kind: 'Table', rows: [], metadata: { resourceVersion: 'e.1', continue: 'c' } });
  });
});
