import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStatusError, type StatusError } from '../apimachinery/status-error.js';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import { ResourceStore, type StoreResource } from './resource-store.js';

const resource: StoreResource = {
  group: 'lab.herd.io',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
  hasStatus: true,
  schema: {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: { type: 'object', properties: { replicas: { type: 'integer', minimum: 0 }, image: { type: 'string' } } },
      status: { type: 'object', properties: { ready: { type: 'integer' } } },
    },
  },
};

const widget = (name: string, spec: Record<string, unknown> = { replicas: 1 }, meta: Record<string, unknown> = {}) => ({
  object: { apiVersion: 'lab.herd.io/v1', kind: 'Widget', metadata: { name, ...meta }, spec },
});

async function failure(p: Promise<unknown>): Promise<StatusError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isStatusError(err)) throw new Error(`expected a StatusError, got ${String(err)}`);
  return err;
}

let storage: SqliteStorage;
let store: ResourceStore;
beforeEach(() => {
  storage = new SqliteStorage({ path: ':memory:' });
  store = new ResourceStore(resource, storage);
});
afterEach(async () => storage.close());

describe('ResourceStore create', () => {
  it('fills system metadata, drops status and stores apiVersion, kind, metadata first', async () => {
    const body = widget('w1');
    (body.object as Record<string, unknown>).status = { ready: 3 };
    const created = await store.create('default', body);
    const obj = JSON.parse(created.json);
    expect(Object.keys(obj)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(obj.metadata).toMatchObject({ name: 'w1', namespace: 'default', generation: 1, resourceVersion: created.resourceVersion });
    expect(obj.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers AlreadyExists for a taken name, and generates names', async () => {
    await store.create('default', widget('w1'));
    const err = await failure(store.create('default', widget('w1')));
    expect(err.status).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'widgets.lab.herd.io "w1" already exists' });
    const generated = await store.create('default', { object: { apiVersion: 'lab.herd.io/v1', kind: 'Widget', metadata: { generateName: 'w-' } } });
    expect(generated.name).toMatch(/^w-[a-z0-9]{5}$/);
  });

  it('rejects schema and metadata violations with every cause, sorted', async () => {
    const err = await failure(store.create('default', widget('W_5', { replicas: -1, image: 3 })));
    expect(err.status.code).toBe(422);
    expect(err.status.details?.causes?.map((c) => c.field)).toEqual(['metadata.name', 'spec.image', 'spec.replicas']);
    expect(err.status.message).toMatch(/^Widget\.lab\.herd\.io "W_5" is invalid: \[metadata\.name: Invalid value: "W_5": a lowercase RFC 1123 subdomain/);
  });

  it('applies fieldValidation to unknown and duplicate fields', async () => {
    const strict = await failure(
      store.create('default', { ...widget('w', { replicas: 1, foo: 1 }), duplicateFields: ['spec.replicas'] }, { fieldValidation: 'Strict' }),
    );
    expect(strict.status.message).toBe(
      'Widget in version "v1" cannot be handled as a Widget: strict decoding error: duplicate field "spec.replicas", unknown field "spec.foo"',
    );
    const warnings: string[] = [];
    const created = await store.create('default', widget('w', { replicas: 1, foo: 1 }), { fieldValidation: 'Warn', warnings });
    expect(warnings).toEqual(['unknown field "spec.foo"']);
    expect(JSON.parse(created.json).spec).toEqual({ replicas: 1 });
  });

  it('refuses a body for another namespace, kind or version', async () => {
    expect((await failure(store.create('default', widget('w', {}, { namespace: 'other' })))).status.message).toBe(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
    const wrongKind = await failure(store.create('default', { object: { apiVersion: 'lab.herd.io/v1', kind: 'Gadget', metadata: { name: 'w9' } } }));
    expect(wrongKind.status.message).toBe('Gadget.lab.herd.io "w9" is invalid: kind: Invalid value: "Gadget": must be Widget');
  });

  it('does not store anything on a dry run', async () => {
    const dry = await store.create('default', widget('w1'), { dryRun: true });
    expect(dry.resourceVersion).toBe('');
    expect((await failure(store.get('default', 'w1'))).status.code).toBe(404);
  });
});

describe('ResourceStore update and patch', () => {
  it('requires a resourceVersion and refuses a stale one', async () => {
    const created = await store.create('default', widget('w3'));
    const noRv = await failure(store.update('default', 'w3', widget('w3', { replicas: 2 })));
    expect(noRv.status.message).toBe('widgets.lab.herd.io "w3" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update');
    await store.update('default', 'w3', widget('w3', { replicas: 2 }, { resourceVersion: created.resourceVersion }));
    const stale = await failure(store.update('default', 'w3', widget('w3', { replicas: 3 }, { resourceVersion: created.resourceVersion })));
    expect(stale.status).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on widgets.lab.herd.io "w3": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('bumps generation only on spec changes and keeps status on main-resource writes', async () => {
    const created = await store.create('default', widget('g'));
    const withStatus = await store.update('default', 'g', { object: { ...JSON.parse(created.json), status: { ready: 1 } } }, {}, 'status');
    expect(JSON.parse(withStatus.json)).toMatchObject({ status: { ready: 1 }, metadata: { generation: 1 } });
    const labelled = await store.patch('default', 'g', 'merge', JSON.stringify({ metadata: { labels: { a: 'b' } }, status: { ready: 9 } }));
    expect(JSON.parse(labelled.json)).toMatchObject({ status: { ready: 1 }, metadata: { generation: 1, labels: { a: 'b' } } });
    const scaled = await store.patch('default', 'g', 'json', JSON.stringify([{ op: 'replace', path: '/spec/replicas', value: 4 }]));
    expect(JSON.parse(scaled.json)).toMatchObject({ spec: { replicas: 4 }, metadata: { generation: 2 } });
  });

  it('answers a failed JSON-patch test the upstream way', async () => {
    await store.create('default', widget('t'));
    const err = await failure(store.patch('default', 't', 'json', JSON.stringify([{ op: 'test', path: '/spec/replicas', value: 5 }])));
    expect(err.status).toMatchObject({ code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' });
  });
});

describe('ResourceStore delete', () => {
  it('deletes an object without finalizers and answers a Success Status', async () => {
    const created = await store.create('default', widget('w2'));
    const result = await store.delete('default', 'w2');
    expect(result.kind).toBe('deleted');
    if (result.kind === 'deleted') {
      expect(result.status).toMatchObject({ status: 'Success', details: { name: 'w2', group: 'lab.herd.io', kind: 'widgets', uid: JSON.parse(created.json).metadata.uid } });
    }
    expect((await failure(store.get('default', 'w2'))).status.code).toBe(404);
  });

  it('marks an object with finalizers as deleting, and removes it when the last finalizer goes', async () => {
    await store.create('default', widget('f', { replicas: 1 }, { finalizers: ['x.io/y'] }));
    const pending = await store.delete('default', 'f');
    expect(pending.kind).toBe('pending');
    const deleting = JSON.parse(pending.object.json);
    expect(deleting.metadata).toMatchObject({ deletionGracePeriodSeconds: 0, generation: 2, finalizers: ['x.io/y'] });
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect((await store.delete('default', 'f')).object.resourceVersion).toBe(pending.object.resourceVersion);
    await store.patch('default', 'f', 'merge', JSON.stringify({ metadata: { finalizers: null } }));
    expect((await failure(store.get('default', 'f'))).status.code).toBe(404);
  });

  it('adds the orphan or foreground finalizer for those propagation policies', async () => {
    await store.create('default', widget('o'));
    const orphan = await store.delete('default', 'o', { propagationPolicy: 'Orphan' });
    expect(JSON.parse(orphan.object.json).metadata.finalizers).toEqual(['orphan']);
    await store.create('default', widget('fg'));
    const fg = await store.delete('default', 'fg', { propagationPolicy: 'Foreground' });
    expect(JSON.parse(fg.object.json).metadata.finalizers).toEqual(['foregroundDeletion']);
  });

  it('checks uid and resourceVersion preconditions', async () => {
    await store.create('default', widget('p'));
    const err = await failure(store.delete('default', 'p', { preconditions: { uid: 'nope' } }));
    expect(err.status.code).toBe(409);
    expect(err.status.message).toMatch(/Precondition failed: UID in precondition: nope, UID in object meta: /);
  });
});

describe('ResourceStore list', () => {
  it('filters by label and field selectors and scopes by namespace', async () => {
    await store.create('a', widget('one', {}, { labels: { app: 'web' } }));
    await store.create('a', widget('two', {}, { labels: { app: 'db' } }));
    await store.create('b', widget('one', {}, { labels: { app: 'web' } }));
    expect((await store.list(undefined, { labelSelector: 'app=web' })).items.map((o) => `${o.namespace}/${o.name}`)).toEqual(['a/one', 'b/one']);
    expect((await store.list('a', { labelSelector: 'app in (web, db)' })).items).toHaveLength(2);
    expect((await store.list(undefined, { fieldSelector: 'metadata.namespace=b' })).items.map((o) => o.namespace)).toEqual(['b']);
    expect((await failure(store.list(undefined, { fieldSelector: 'spec.x=1' }))).status.message).toBe('field label not supported: spec.x');
    expect((await failure(store.list(undefined, { labelSelector: 'a in (' }))).status.code).toBe(400);
  });
});
