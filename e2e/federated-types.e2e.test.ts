import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { kubectl, kubectlOk } from './fleet/kubectl.js';

const fleet = inject('fleet');
const host = fleet.hostContext;
const k = (args: readonly string[], input?: string) => kubectlOk(fleet, host, args, input);
/** kubectl with an empty discovery and OpenAPI cache, so every call sees what the server serves now. */
async function fresh(args: readonly string[], input?: string): Promise<string> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'herd-kubectl-'));
  try {
    return await k(['--cache-dir', cacheDir, ...args], input);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [sprocketCount]
            properties:
              sprocketCount: {type: integer, minimum: 0, description: How many sprockets the widget has.}
              colour: {type: string, description: The colour of the widget.}
`;

const ftc = `apiVersion: federation.herd.io/v1alpha1
kind: FederatedTypeConfig
metadata:
  name: widgets.example.com
spec:
  targetType: {group: example.com, version: v1, kind: Widget, pluralName: widgets, scope: Namespaced}
`;

const federatedWidget = (spec: object) =>
  JSON.stringify({ apiVersion: 'federation.herd.io/v1alpha1', kind: 'FederatedWidget', metadata: { name: 'w', namespace: 'default' }, spec: { template: { spec } } });

/** Polls until `probe` returns true. */
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * What Herd serves is checked through paths the host proxies to Herd as they are (`get --raw` of the group version
 * and of its OpenAPI v3 document): those must change within seconds. kubectl's discovery (`api-resources`, the
 * resource lookup of `explain`) goes through the host aggregator's aggregated discovery, which the aggregator
 * re-reads at once because Herd touches its APIService whenever its resources change (otherwise it would wait for
 * the aggregator's periodic check, about a minute).
 */
const SECONDS = 10_000;
const AGGREGATOR_REFRESH = 10_000;

const groupResources = async () =>
  (JSON.parse(await k(['get', '--raw', '/apis/federation.herd.io/v1alpha1'])) as { resources: { name: string }[] }).resources.map((r) => r.name);
const apiResources = async () => (await fresh(['api-resources', '--api-group=federation.herd.io', '-o', 'name'])).split('\n');

interface Schema {
  properties?: Record<string, Schema>;
}
const templateSpecFields = async (kind: string) => {
  const doc = JSON.parse(await k(['get', '--raw', '/openapi/v3/apis/federation.herd.io/v1alpha1'])) as { components: { schemas: Record<string, Schema> } };
  const spec = doc.components.schemas[`io.herd.federation.v1alpha1.${kind}`]?.properties?.spec?.properties?.template?.properties?.spec;
  return Object.keys(spec?.properties ?? {});
};

describe('Federated kinds follow the FederatedTypeConfigs', () => {
  afterAll(async () => {
    await kubectl(fleet, host, ['delete', 'federatedtypeconfig', 'widgets.example.com', '--ignore-not-found']);
    await kubectl(fleet, host, ['delete', 'crd', 'widgets.example.com', '--ignore-not-found']);
  });

  it("explains spec.template of a default kind with the target kind's own fields", async () => {
    const status = JSON.parse(await k(['get', 'federatedtypeconfig', 'deployments.apps', '-o', 'json'])) as {
      status?: { templateSchemaCluster?: string; conditions?: { type: string; status: string; reason: string }[] };
    };
    expect(status.status?.templateSchemaCluster).toBe('host');
    expect(status.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Established', status: 'True', reason: 'Served' }));
    let explain = '';
    await eventually('kubectl explain federateddeployment.spec.template.spec', async () => {
      explain = await fresh(['explain', 'federateddeployment.spec.template.spec']);
      return true;
    }, AGGREGATOR_REFRESH);
    for (const field of ['replicas', 'selector', 'strategy', 'template']) expect(explain).toMatch(new RegExp(`^\\s+${field}\\s+<`, 'm'));
    expect(await templateSpecFields('FederatedDeployment')).toEqual(expect.arrayContaining(['replicas', 'selector', 'strategy', 'template']));
  });

  it('serves Federated<Kind> for a CRD within seconds of its FederatedTypeConfig, with the CRD schema', async () => {
    await k(['apply', '-f', '-'], crd);
    await k(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=60s']);
    await k(['apply', '-f', '-'], ftc);

    await eventually('federatedwidgets in the group version', async () => (await groupResources()).includes('federatedwidgets'), SECONDS);
    await eventually('the CRD schema in OpenAPI', async () => (await templateSpecFields('FederatedWidget')).includes('sprocketCount'), SECONDS);
    const established = await k(['get', 'federatedtypeconfig', 'widgets.example.com', '-o', 'jsonpath={.status.templateSchemaCluster} {.status.conditions[?(@.type=="Established")].status}']);
    expect(established).toBe('host True');

    // The template is checked against the CRD's types, but not its required list (overrides may complete it).
    // kubectl cannot map the new kind before the aggregator's refresh, so these POST to the resource path.
    const dryRun = (spec: object) =>
      kubectl(fleet, host, ['create', '--raw', '/apis/federation.herd.io/v1alpha1/namespaces/default/federatedwidgets?dryRun=All', '-f', '-'], federatedWidget(spec));
    expect((await dryRun({ colour: 'red' })).code).toBe(0);
    const rejected = await dryRun({ sprocketCount: 'many' });
    expect(rejected.code).not.toBe(0);
    expect(rejected.stderr + rejected.stdout).toContain('spec.template.spec.sprocketCount');

    await eventually('federatedwidgets in kubectl api-resources', async () => (await apiResources()).includes('federatedwidgets.federation.herd.io'), AGGREGATOR_REFRESH);
    const explain = await fresh(['explain', 'federatedwidget.spec.template.spec']);
    expect(explain).toMatch(/^\s+sprocketCount\s+<integer>/m);
    expect(explain).toContain('How many sprockets the widget has.');
  });

  it('stops serving it when the FederatedTypeConfig is deleted', async () => {
    await k(['delete', 'federatedtypeconfig', 'widgets.example.com']);
    await eventually('federatedwidgets gone from the group version', async () => !(await groupResources()).includes('federatedwidgets'), SECONDS);
    expect(await templateSpecFields('FederatedWidget')).toEqual([]);
    await eventually('federatedwidgets gone from kubectl api-resources', async () => !(await apiResources()).includes('federatedwidgets.federation.herd.io'), AGGREGATOR_REFRESH);
  });
});
