import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultFederatedTypeConfigs, resourceDefinitions } from '../api/federation/v1alpha1/index.js';
import { kubectl, kubectlOk } from './fleet/kubectl.js';
import { customResourceDefinition } from './ssa/apply-probe-resource.js';
import { canonicalJson } from './ssa/comparable-answer.js';

// kubectl's server-side apply workflow against Herd (through the aggregator) and against a CRD with the same
// schema in another group on the same host: every step must end with the same object and managedFields. Herd's
// own controller writes status (an Update entry on the status subresource); a bare CRD has no controller, so
// status and status entries are left out of the comparison.
const fleet = inject('fleet');
const HERD_GROUP = 'federation.herd.io';
const REF_GROUP = 'reference.herd.io';
const def = resourceDefinitions(defaultFederatedTypeConfigs()).find((d) => d.kind === 'OverridePolicy')!;
const crdName = `${def.plural}.${REF_GROUP}`;
const ns = `ssa-kubectl-${Date.now().toString(36)}`;

type Json = Record<string, unknown>;

function manifest(group: string, name: string, labels: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: `${group}/${def.version}`,
    kind: def.kind,
    metadata: { name, namespace: ns, labels },
    spec: { resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment' }], rules: [{ overriders: { labels: [{ operator: 'add', value: { x: '1' } }] } }] },
  });
}

/** The object as both servers must agree on it: group replaced, server-set identity and times gone. */
function comparable(json: Json): unknown {
  const text = JSON.stringify(json).split(REF_GROUP).join(HERD_GROUP);
  const o = JSON.parse(text) as Json;
  const meta = o.metadata as Json;
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'finalizers']) delete meta[k];
  delete o.status;
  const annotations = meta.annotations as Record<string, string> | undefined;
  const last = annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  if (last) annotations!['kubectl.kubernetes.io/last-applied-configuration'] = canonicalJson(JSON.parse(last));
  meta.managedFields = ((meta.managedFields ?? []) as Json[])
    .filter((e) => e.subresource !== 'status' && e.manager !== 'herd')
    .map(({ time: _t, ...e }) => canonicalJson(e))
    .sort();
  return JSON.parse(canonicalJson(o));
}

async function both(args: (group: string) => string[], input?: (group: string) => string) {
  const [herd, ref] = await Promise.all([
    kubectl(fleet, fleet.hostContext, ['-n', ns, ...args(HERD_GROUP)], input?.(HERD_GROUP)),
    kubectl(fleet, fleet.hostContext, ['-n', ns, ...args(REF_GROUP)], input?.(REF_GROUP)),
  ]);
  return { herd, ref };
}

async function expectSameObject(name: string): Promise<Json> {
  const { herd, ref } = await both((g) => ['get', `${def.plural}.${g}`, name, '-o', 'json', '--show-managed-fields']);
  expect(herd.code, herd.stderr).toBe(0);
  expect(ref.code, ref.stderr).toBe(0);
  const h = JSON.parse(herd.stdout) as Json;
  expect(comparable(h)).toEqual(comparable(JSON.parse(ref.stdout) as Json));
  return h;
}

beforeAll(async () => {
  await kubectlOk(fleet, fleet.hostContext, ['create', 'namespace', ns]);
  await kubectlOk(fleet, fleet.hostContext, ['apply', '-f', '-'], JSON.stringify(customResourceDefinition({ ...def, group: REF_GROUP })));
  await kubectlOk(fleet, fleet.hostContext, ['wait', '--for=condition=Established', '--timeout=60s', `crd/${crdName}`]);
  for (let i = 0; i < 50 && (await kubectl(fleet, fleet.hostContext, ['get', `${def.plural}.${REF_GROUP}`, '-A'])).code !== 0; i++) await new Promise((r) => setTimeout(r, 200));
}, 120_000);

afterAll(async () => {
  await kubectl(fleet, fleet.hostContext, ['delete', 'namespace', ns, '--wait=false']);
  await kubectl(fleet, fleet.hostContext, ['delete', 'crd', crdName, '--wait=false']);
});

describe('kubectl apply --server-side on Herd as on a CRD', () => {
  it('creates, refuses a conflicting manager, forces, and removes what the applier dropped', async () => {
    const apply = (name: string, labels: Record<string, string>, extra: string[] = []) => both(() => ['apply', '--server-side', ...extra, '-f', '-'], (g) => manifest(g, name, labels));
    let r = await apply('one', { team: 'a', tier: 'web' });
    expect([r.herd.code, r.ref.code], r.herd.stderr + r.ref.stderr).toEqual([0, 0]);
    expect(r.herd.stdout.split(HERD_GROUP).join('G')).toBe(r.ref.stdout.split(REF_GROUP).join('G'));
    await expectSameObject('one');

    r = await apply('one', { team: 'b' }, ['--field-manager=other']);
    expect([r.herd.code, r.ref.code]).toEqual([1, 1]);
    expect(r.herd.stderr).toContain('conflict with "kubectl": .metadata.labels.team');
    expect(r.herd.stderr.split(HERD_GROUP).join('G')).toBe(r.ref.stderr.split(REF_GROUP).join('G'));

    r = await apply('one', { team: 'b' }, ['--field-manager=other', '--force-conflicts']);
    expect([r.herd.code, r.ref.code], r.herd.stderr + r.ref.stderr).toEqual([0, 0]);
    await expectSameObject('one');

    // kubectl no longer applies either label: tier (its own) goes, team (now other's) stays.
    r = await apply('one', {});
    expect([r.herd.code, r.ref.code], r.herd.stderr + r.ref.stderr).toEqual([0, 0]);
    const o = await expectSameObject('one');
    expect((o.metadata as Json).labels).toEqual({ team: 'b' });
  });

  it('migrates client-side apply to server-side apply', async () => {
    const csa = (labels: Record<string, string>) => both(() => ['apply', '-f', '-'], (g) => manifest(g, 'two', labels));
    const ssa = (labels: Record<string, string>) => both(() => ['apply', '--server-side', '-f', '-'], (g) => manifest(g, 'two', labels));
    for (const step of [() => csa({ a: '1', b: '2' }), () => csa({ a: '3', b: '2' }), () => ssa({ a: '3', b: '2' }), () => ssa({ a: '4' })]) {
      const r = await step();
      expect([r.herd.code, r.ref.code], r.herd.stderr + r.ref.stderr).toEqual([0, 0]);
      await expectSameObject('two');
    }
    const o = await expectSameObject('two');
    expect((o.metadata as Json).labels).toEqual({ a: '4' });
    const managers = ((o.metadata as Json).managedFields as Json[]).map((e) => `${String(e.manager)}/${String(e.operation)}`);
    expect(managers).toContain('kubectl/Apply');
  });

  it('prints managed fields with --show-managed-fields as kube-apiserver does, and hides them otherwise', async () => {
    const mask = (text: string, group: string) =>
      text
        .split(group)
        .join('G')
        .replace(/(uid|resourceVersion|creationTimestamp|time): .*/g, '$1: X')
        .replace(/\n {2}generation: .*/g, '');
    const status = /\n(status:[\s\S]*)$/;
    const cut = (text: string) => text.replace(status, '\n').replace(/ {2}- apiVersion: G\/v1alpha1\n {4}fieldsType: FieldsV1\n {4}fieldsV1:\n(?: {6}.*\n)+? {4}manager: herd\n(?: {4}.*\n)*/g, '');
    // Entries are ordered by their times' seconds; two servers written a moment apart may straddle a second, so
    // the entries are compared in a fixed order (their text is compared whole).
    const sortEntries = (text: string) =>
      text.replace(/( {2}managedFields:\n)((?: {2}- [^\n]*\n(?: {4}[^\n]*\n)*)+)/, (_m, head: string, body: string) => head + body.split(/(?=^ {2}- )/m).sort().join(''));
    const shown = await both((g) => ['get', `${def.plural}.${g}`, 'one', '-o', 'yaml', '--show-managed-fields']);
    expect(sortEntries(cut(mask(shown.herd.stdout, HERD_GROUP)))).toBe(sortEntries(cut(mask(shown.ref.stdout, REF_GROUP))));
    expect(shown.herd.stdout).toContain('managedFields:');
    const hidden = await both((g) => ['get', `${def.plural}.${g}`, 'one', '-o', 'yaml']);
    expect(hidden.herd.stdout).not.toContain('managedFields');
    expect(hidden.ref.stdout).not.toContain('managedFields');
  });
});
