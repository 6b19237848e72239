// Schemas that recur across kinds: the object root, conditions, label selectors, observedGeneration.
import type { JSONSchemaProps } from './resource-definition.js';
import { atomicList, dateTime, int64, listMap, obj, oneOf, str, stringMap } from './schema-builders.js';

export interface RootSchemaInput {
  /** The kind's description: the first thing `kubectl explain <kind>` prints. */
  description: string;
  spec?: JSONSchemaProps;
  status?: JSONSchemaProps;
  /** Top-level fields that must be present (`spec`, usually). */
  required?: string[];
}

/**
 * The schema of a whole object. `metadata` says only `type: object`, as CRDs must: the server validates
 * ObjectMeta itself, and OpenAPI publishing replaces it with a reference to the ObjectMeta definition.
 */
export function rootSchema(input: RootSchemaInput): JSONSchemaProps {
  const properties: Record<string, JSONSchemaProps> = {
    apiVersion: str(
      'The versioned schema of this representation of the object. Servers convert recognized schemas to the latest ' +
        'internal value and may reject unrecognized values.',
    ),
    kind: str(
      'The REST resource this object represents, in CamelCase. Servers may infer it from the endpoint the client ' +
        'submits requests to.',
    ),
    metadata: { type: 'object', description: "Standard object's metadata." },
  };
  if (input.spec) properties.spec = input.spec;
  if (input.status) properties.status = input.status;
  const schema: JSONSchemaProps = { type: 'object', description: input.description, properties };
  if (input.required && input.required.length > 0) schema.required = [...input.required];
  return schema;
}

export function observedGeneration(what = 'spec'): JSONSchemaProps {
  return int64(`The metadata.generation of this object whose ${what} the status reflects.`, { minimum: 0 });
}

/** `status.conditions`: a list of metav1.Condition keyed by type. */
export function conditions(description: string): JSONSchemaProps {
  return listMap(
    description,
    ['type'],
    obj(
      'One aspect of the current state of this object.',
      {
        type: str('Condition type in CamelCase, such as Ready.', {
          maxLength: 316,
          pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
        }),
        status: oneOf('Whether the condition holds: True, False or Unknown.', ['True', 'False', 'Unknown']),
        observedGeneration: int64('The metadata.generation the condition was computed from.', { minimum: 0 }),
        lastTransitionTime: dateTime('When the status last changed from one value to another.'),
        reason: str('A one-word CamelCase reason for the last transition, meant for machines.', {
          minLength: 1,
          maxLength: 1024,
          pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
        }),
        message: str('A human-readable explanation of the last transition; may be empty.', { maxLength: 32768 }),
      },
      { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
    ),
    { maxItems: 32 },
  );
}

/** A metav1.LabelSelector: matchLabels and matchExpressions, ANDed; an empty selector matches everything. */
export function labelSelector(description: string): JSONSchemaProps {
  return obj(
    description,
    {
      matchLabels: stringMap('Labels that must all be present with exactly these values.'),
      matchExpressions: atomicList(
        'Requirements on labels; all must hold.',
        obj(
          'A requirement on one label key.',
          {
            key: str('The label key the requirement applies to.'),
            operator: oneOf("How the key's value relates to values.", ['In', 'NotIn', 'Exists', 'DoesNotExist']),
            values: atomicList(
              'Values for In and NotIn (at least one); must be empty for Exists and DoesNotExist.',
              { type: 'string' },
            ),
          },
          { required: ['key', 'operator'] },
        ),
      ),
    },
    { 'x-kubernetes-map-type': 'atomic' },
  );
}
