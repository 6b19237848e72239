// FederatedTypeConfig: declares that a kind can be federated, which makes Herd serve Federated<Kind>. Cluster-scoped,
// named `<target plural>.<target group>` (just `<plural>` for the core group), as in KubeFed.
import type { Condition, ObjectMeta } from '../../meta/object-meta.js';
import type { ResourceDefinition } from '../../meta/resource-definition.js';
import { conditions, observedGeneration } from '../../meta/common-schemas.js';
import { obj, oneOf, str, stringSet } from '../../meta/schema-builders.js';
import { conditionColumn, defineResource } from './define-resource.js';
import { API_VERSION, CONDITION_ESTABLISHED } from './well-known.js';

export type ResourceScope = 'Namespaced' | 'Cluster';

export interface TargetType {
  /** "" or absent for the core group. */
  group?: string;
  version: string;
  kind: string;
  pluralName: string;
  scope: ResourceScope;
}

export interface FederatedTypeNames {
  kind?: string;
  pluralName?: string;
  shortNames?: string[];
  scope?: ResourceScope;
}

export interface FederatedTypeConfigSpec {
  targetType: TargetType;
  federatedType?: FederatedTypeNames;
  propagation?: 'Enabled' | 'Disabled';
  statusCollection?: 'Enabled' | 'Disabled';
}

export interface FederatedTypeConfigStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  templateSchemaCluster?: string;
}

export interface FederatedTypeConfig {
  apiVersion: typeof API_VERSION;
  kind: 'FederatedTypeConfig';
  metadata: ObjectMeta;
  spec: FederatedTypeConfigSpec;
  status?: FederatedTypeConfigStatus;
}

/** The names and scope Federated<Kind> is served under, with the documented defaults filled in. */
export interface ResolvedFederatedType {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
}

export function resolveFederatedType(spec: FederatedTypeConfigSpec): ResolvedFederatedType {
  const names = spec.federatedType ?? {};
  const kind = names.kind ?? `Federated${spec.targetType.kind}`;
  return {
    kind,
    plural: names.pluralName ?? `federated${spec.targetType.pluralName}`,
    singular: kind.toLowerCase(),
    shortNames: [...(names.shortNames ?? [])],
    namespaced: (names.scope ?? spec.targetType.scope) === 'Namespaced',
  };
}

/** The conventional object name for a target: `deployments.apps`, `configmaps`. */
export function federatedTypeConfigName(target: Pick<TargetType, 'group' | 'pluralName'>): string {
  return target.group ? `${target.pluralName}.${target.group}` : target.pluralName;
}

/** `apps/v1/Deployment`, `v1/Service`: the target's group, version and kind as one key. */
export function targetKey(target: Pick<TargetType, 'group' | 'version' | 'kind'>): string {
  return target.group ? `${target.group}/${target.version}/${target.kind}` : `${target.version}/${target.kind}`;
}

const KIND_PATTERN = '^[A-Z][A-Za-z0-9]*$';
const PLURAL_PATTERN = '^[a-z][a-z0-9]*$';
const scopeEnum = ['Namespaced', 'Cluster'] as const;

const spec = obj(
  'The kind to federate and the names of its Federated<Kind>.',
  {
    targetType: obj(
      'The kind that Federated<Kind>.spec.template holds and that Herd creates in member clusters.',
      {
        group: str('API group of the kind; empty for the core group.', { maxLength: 253 }),
        version: str('API version of the kind, such as v1.', { pattern: '^v[0-9]+((alpha|beta)[0-9]+)?$' }),
        kind: str('Kind, such as Deployment.', { pattern: KIND_PATTERN }),
        pluralName: str('Resource name, such as deployments.', { pattern: PLURAL_PATTERN }),
        scope: oneOf('Whether objects of the kind live in a namespace.', scopeEnum),
      },
      { required: ['version', 'kind', 'pluralName', 'scope'] },
    ),
    federatedType: obj('Names and scope of the Federated<Kind> Herd serves. Every field has a default.', {
      kind: str('Kind of the federated type. Defaults to Federated<Kind>.', { pattern: KIND_PATTERN }),
      pluralName: str('Resource name of the federated type. Defaults to federated<pluralName>.', {
        pattern: PLURAL_PATTERN,
      }),
      shortNames: stringSet(
        'Short names for kubectl, such as fdeploy. They must not collide with the short name of any other resource.',
        { pattern: PLURAL_PATTERN },
      ),
      scope: oneOf(
        'Scope of the federated type; defaults to the scope of the target. FederatedNamespace is Namespaced although ' +
          'Namespace is not: it lives in the namespace it federates.',
        scopeEnum,
      ),
    }),
    propagation: oneOf(
      'Disabled keeps serving Federated<Kind> but stops changing member clusters. Defaults to Enabled.',
      ['Enabled', 'Disabled'],
      { default: 'Enabled' },
    ),
    statusCollection: oneOf(
      'Enabled reads each member object\'s readiness and replica counts into Federated<Kind>.status. ' +
        'Defaults to Enabled.',
      ['Enabled', 'Disabled'],
      { default: 'Enabled' },
    ),
  },
  { required: ['targetType'] },
);

const status = obj('Whether Federated<Kind> is served.', {
  observedGeneration: observedGeneration(),
  conditions: conditions('Established is True while Federated<Kind> is served.'),
  templateSchemaCluster: str(
    'Member cluster whose OpenAPI document supplied the schema of spec.template; empty while the template is ' +
      'accepted without validation.',
  ),
});

export const federatedTypeConfigDefinition: ResourceDefinition = defineResource({
  kind: 'FederatedTypeConfig',
  plural: 'federatedtypeconfigs',
  shortNames: ['ftc'],
  namespaced: false,
  description:
    'FederatedTypeConfig makes a kind federatable: for each one, Herd serves Federated<Kind>, whose objects carry a ' +
    'template of that kind, a placement and per-cluster overrides.',
  spec,
  status,
  specRequired: true,
  printerColumns: [
    { name: 'Target', type: 'string', description: 'The federated kind.', jsonPath: '.spec.targetType.kind', priority: 0 },
    { name: 'Group', type: 'string', description: 'API group of the kind.', jsonPath: '.spec.targetType.group', priority: 0 },
    { name: 'Propagation', type: 'string', description: 'Enabled or Disabled.', jsonPath: '.spec.propagation', priority: 0 },
    conditionColumn('Established', CONDITION_ESTABLISHED, 'Whether Federated<Kind> is served.'),
    { name: 'Version', type: 'string', description: 'API version of the kind.', jsonPath: '.spec.targetType.version', priority: 1 },
  ],
});
