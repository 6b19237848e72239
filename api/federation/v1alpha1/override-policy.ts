// OverridePolicy (namespaced): per-cluster changes to the Federated objects it selects, applied after the template
// is rendered and before each object's own spec.overrides. The overriders follow Karmada's.
import type { LabelSelector, ObjectMeta } from '../../meta/object-meta.js';
import type { JSONSchemaProps, ResourceDefinition } from '../../meta/resource-definition.js';
import { labelSelector } from '../../meta/common-schemas.js';
import { atomicList, obj, oneOf, str, stringMap, stringSet } from '../../meta/schema-builders.js';
import { defineResource } from './define-resource.js';
import { jsonPatchOperationSchema, type JSONPatchOperation, type PatchOperation } from './placement.js';
import { policyStatusSchema, type PolicyStatus } from './propagation-policy.js';
import { resourceSelectorsSchema, type ResourceSelector } from './resource-selector.js';
import type { API_VERSION } from './well-known.js';

export interface TargetClusters {
  clusterNames?: string[];
  clusterSelector?: LabelSelector;
  exclude?: string[];
}

export interface ImageOverrider {
  component: 'Registry' | 'Repository' | 'Tag';
  operator: PatchOperation;
  value?: string;
  predicate?: { path: string };
}

export interface MapOverrider {
  operator: PatchOperation;
  value: Record<string, string>;
}

export interface ContainerArgsOverrider {
  containerName: string;
  operator: 'add' | 'remove';
  value: string[];
}

export interface Overriders {
  image?: ImageOverrider[];
  labels?: MapOverrider[];
  annotations?: MapOverrider[];
  args?: ContainerArgsOverrider[];
  command?: ContainerArgsOverrider[];
  jsonPatch?: JSONPatchOperation[];
}

export interface OverrideRule {
  targetClusters?: TargetClusters;
  overriders: Overriders;
}

export interface OverridePolicySpec {
  resourceSelectors: ResourceSelector[];
  rules: OverrideRule[];
}

export interface OverridePolicy {
  apiVersion: typeof API_VERSION;
  kind: 'OverridePolicy';
  metadata: ObjectMeta;
  spec: OverridePolicySpec;
  status?: PolicyStatus;
}

const operator = (description: string, values: readonly string[] = ['add', 'remove', 'replace']) =>
  oneOf(description, values);

function mapOverrider(what: string): JSONSchemaProps {
  return atomicList(
    `Changes to metadata.${what}, applied in order.`,
    obj(
      `One change to ${what}.`,
      {
        operator: operator(`add sets the ${what} given; replace changes only those already present; remove deletes the keys given.`),
        value: stringMap(`The ${what}; for remove only the keys matter.`),
      },
      { required: ['operator', 'value'] },
    ),
  );
}

function containerOverrider(what: 'args' | 'command'): JSONSchemaProps {
  return atomicList(
    `Changes to the ${what} of named containers in the pod template, applied in order.`,
    obj(
      `One change to a container's ${what}.`,
      {
        containerName: str('Name of the container.', { minLength: 1 }),
        operator: operator(`add appends value to the ${what}; remove deletes every entry equal to one in value.`, ['add', 'remove']),
        value: atomicList(`Entries to append or remove.`, { type: 'string' }),
      },
      { required: ['containerName', 'operator', 'value'] },
    ),
  );
}

const imageOverrider = atomicList(
  'Changes to container images, applied in order.',
  obj(
    'Changes one part of an image reference registry/repository:tag.',
    {
      component: oneOf('Which part of the image reference to change.', ['Registry', 'Repository', 'Tag']),
      operator: operator('add adds the part if it is missing; replace replaces it; remove drops it.'),
      value: str('The new value of the part; omitted for remove.'),
      predicate: obj(
        'Limits the change to one image; without it every container and init container image changes.',
        { path: str('JSON pointer to the image field, such as /spec/template/spec/containers/0/image.', { minLength: 1 }) },
        { required: ['path'] },
      ),
    },
    { required: ['component', 'operator'] },
  ),
);

const rule = obj(
  'Overriders applied to the object rendered for each target cluster.',
  {
    targetClusters: obj('The clusters the rule applies to: named or matching, and not excluded. Unset means all.', {
      clusterNames: stringSet('Clusters by name.', { minLength: 1 }),
      clusterSelector: labelSelector('Clusters by MemberCluster labels.'),
      exclude: stringSet('Clusters the rule never applies to.', { minLength: 1 }),
    }),
    overriders: obj('The changes; each kind of overrider runs in the order listed here, image first.', {
      image: imageOverrider,
      labels: mapOverrider('labels'),
      annotations: mapOverrider('annotations'),
      args: containerOverrider('args'),
      command: containerOverrider('command'),
      jsonPatch: atomicList('JSON-patch operations, applied last.', jsonPatchOperationSchema('One JSON-patch operation.')),
    }),
  },
  { required: ['overriders'] },
);

const spec = obj(
  'Which Federated objects to change, and how, per cluster.',
  {
    resourceSelectors: resourceSelectorsSchema(false),
    rules: atomicList('Rules applied in order; later rules see the changes of earlier ones.', rule, { minItems: 1 }),
  },
  { required: ['resourceSelectors', 'rules'] },
);

export const overridePolicyDefinition: ResourceDefinition = defineResource({
  kind: 'OverridePolicy',
  plural: 'overridepolicies',
  shortNames: ['op'],
  namespaced: true,
  description:
    'OverridePolicy changes the objects rendered for particular clusters from the Federated objects of its namespace ' +
    'that it selects: images, labels, annotations, container args and commands, or any JSON patch.',
  spec,
  status: policyStatusSchema(),
  specRequired: true,
  printerColumns: [
    {
      name: 'Matched',
      type: 'integer',
      description: 'Federated objects the policy applies to.',
      jsonPath: '.status.matchedResources',
      priority: 0,
    },
  ],
});
