// Which Federated objects a policy applies to, named by the kind of their template.
import type { LabelSelector } from '../../meta/object-meta.js';
import type { JSONSchemaProps } from '../../meta/resource-definition.js';
import { labelSelector } from '../../meta/common-schemas.js';
import { atomicList, obj, str } from '../../meta/schema-builders.js';

export interface ResourceSelector {
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
  labelSelector?: LabelSelector;
}

/** `resourceSelectors`; `clusterScoped` policies may also select by namespace. */
export function resourceSelectorsSchema(clusterScoped: boolean): JSONSchemaProps {
  const properties: Record<string, JSONSchemaProps> = {
    apiVersion: str('apiVersion of the template, such as apps/v1.', { minLength: 1 }),
    kind: str('Kind of the template, such as Deployment.', { minLength: 1 }),
    name: str('Selects only the Federated object of this name.'),
  };
  if (clusterScoped) properties.namespace = str('Selects only Federated objects in this namespace.');
  properties.labelSelector = labelSelector('Selects only Federated objects whose labels match; ignored when name is set.');
  return atomicList(
    'Federated objects the policy applies to: those matching any selector. A selector matches a Federated object ' +
      'by the apiVersion and kind of its template, plus the optional fields given.',
    obj('Matches Federated objects by template kind and, optionally, name, namespace or labels.', properties, {
      required: ['apiVersion', 'kind'],
    }),
    { minItems: 1 },
  );
}
