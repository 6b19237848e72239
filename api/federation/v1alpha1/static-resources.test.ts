import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps, ResourceDefinition } from '../../meta/resource-definition.js';
import { structuralSchemaErrors } from '../../meta/schema-structure.js';
import { defaultFederatedTypeConfigs } from './default-federated-types.js';
import { resourceDefinitions, staticResourceDefinitions } from './static-resources.js';
import { CATEGORY_HERD, GROUP, VERSION } from './well-known.js';

/**
 * Short names kube-apiserver 1.36 serves for built-in resources (read from its discovery), plus a few kubectl
 * still knows for removed ones. A Herd short name equal to one of these would make kubectl ambiguous.
 */
const BUILTIN_SHORT_NAMES = [
  'cs', 'cm', 'ep', 'ev', 'limits', 'ns', 'no', 'pvc', 'pv', 'po', 'rc', 'quota', 'sa', 'svc',
  'crd', 'crds', 'deploy', 'ds', 'rs', 'sts', 'hpa', 'cj', 'csr', 'ing', 'netpol', 'ip', 'pdb', 'psp',
  'pc', 'sc', 'vac', 'all',
];

const all = resourceDefinitions(defaultFederatedTypeConfigs());

/** Follows a printer column's JSONPath through the schema; undefined when a step names no declared field. */
function schemaAt(schema: JSONSchemaProps, jsonPath: string): JSONSchemaProps | undefined {
  const steps = jsonPath.replace(/\[[^\]]*\]/g, '.[]').split('.').filter((s) => s !== '');
  let at: JSONSchemaProps | undefined = schema;
  for (const step of steps) {
    if (at === undefined) return undefined;
    if (at['x-kubernetes-preserve-unknown-fields'] === true) return at;
    at = step === '[]' ? at.items : at.properties?.[step];
  }
  return at;
}

const each = (defs: readonly ResourceDefinition[]) => defs.map((d) => [d.kind, d] as const);

describe('the federation.herd.io/v1alpha1 resource table', () => {
  it('serves the six static kinds and the fourteen default Federated kinds', () => {
    expect(staticResourceDefinitions.map((d) => d.kind)).toEqual([
      'MemberCluster',
      'FederatedTypeConfig',
      'PropagationPolicy',
      'ClusterPropagationPolicy',
      'OverridePolicy',
      'GlobalLoadBalancer',
    ]);
    expect(all).toHaveLength(20);
  });

  it.each(each(all))('%s has a structural schema with a description on every field', (_kind, def) => {
    expect(structuralSchemaErrors(def.schema, { requireDescriptions: true })).toEqual([]);
    expect(def.schema.description).toBe(def.description);
  });

  it.each(each(all))('%s has a spec and a status and belongs to the group version', (_kind, def) => {
    expect(Object.keys(def.schema.properties ?? {})).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect([def.group, def.version, def.listKind]).toEqual([GROUP, VERSION, `${def.kind}List`]);
    expect(def.categories).toContain(CATEGORY_HERD);
    expect(def.categories).not.toContain('all');
    expect(def.subresources.status).toBe(true);
  });

  it.each(each(all))('%s has lower-case names derived from its kind', (_kind, def) => {
    expect(def.singular).toBe(def.kind.toLowerCase());
    expect(def.plural).toMatch(/^[a-z]+$/);
    for (const s of def.shortNames) expect(s).toMatch(/^[a-z]+$/);
  });

  it.each(each(all))('%s has printer columns that name declared fields, and no NAME or AGE of its own', (_kind, def) => {
    for (const column of def.printerColumns) {
      expect(['name', 'age']).not.toContain(column.name.toLowerCase());
      expect(schemaAt(def.schema, column.jsonPath), column.jsonPath).toBeDefined();
    }
    expect(new Set(def.printerColumns.map((c) => c.name)).size).toBe(def.printerColumns.length);
  });

  it('uses no short name that kube-apiserver uses for a built-in resource', () => {
    const taken = all.flatMap((d) => d.shortNames.filter((s) => BUILTIN_SHORT_NAMES.includes(s)).map((s) => `${d.kind}: ${s}`));
    expect(taken).toEqual([]);
  });

  it('uses every kind, plural, singular and short name only once', () => {
    const names = all.flatMap((d) => [d.plural, d.singular, ...d.shortNames]);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    const kinds = all.map((d) => d.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  it.each([
    ['MemberCluster', 'memberclusters', ['member'], false],
    ['FederatedTypeConfig', 'federatedtypeconfigs', ['ftc'], false],
    ['PropagationPolicy', 'propagationpolicies', ['pp'], true],
    ['ClusterPropagationPolicy', 'clusterpropagationpolicies', ['cpp'], false],
    ['OverridePolicy', 'overridepolicies', ['op'], true],
    ['GlobalLoadBalancer', 'globalloadbalancers', ['glb'], true],
    ['FederatedDeployment', 'federateddeployments', ['fdeploy'], true],
    ['FederatedNamespace', 'federatednamespaces', ['fns'], true],
    ['FederatedPersistentVolumeClaim', 'federatedpersistentvolumeclaims', ['fpvc'], true],
  ])('%s is served as %s, short names %j, namespaced %s', (kind, plural, shortNames, namespaced) => {
    const def = all.find((d) => d.kind === kind);
    expect(def).toMatchObject({ plural, shortNames, namespaced });
  });
});
