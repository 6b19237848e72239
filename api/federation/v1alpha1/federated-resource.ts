// Federated<Kind>: built from a FederatedTypeConfig, so the set of federated kinds is data. Each object holds a
// template of the target kind, a placement and per-cluster overrides.
import type { ObjectMeta } from '../../meta/object-meta.js';
import type { JSONSchemaProps, PrinterColumn, ResourceDefinition } from '../../meta/resource-definition.js';
import { freeformObject, obj, stringMap } from '../../meta/schema-builders.js';
import { conditionColumn, defineResource } from './define-resource.js';
import { resolveFederatedType, type FederatedTypeConfig, type TargetType } from './federated-type-config.js';
import { federatedStatusSchema, type FederatedStatus } from './federated-status.js';
import { overridesSchema, placementSchema, type ClusterOverride, type Placement } from './placement.js';
import { API_VERSION, CATEGORY_FEDERATED, CONDITION_READY, PLACEMENT_SUBRESOURCE } from './well-known.js';

export interface FederatedSpec<Template = Record<string, unknown>> {
  template: Template;
  placement?: Placement;
  overrides?: ClusterOverride[];
}

export interface FederatedObject<Template = Record<string, unknown>> {
  apiVersion: typeof API_VERSION;
  kind: string;
  metadata: ObjectMeta;
  spec: FederatedSpec<Template>;
  status?: FederatedStatus;
}

/** Template fields Herd never takes from a target schema: they are set from this object or by the member. */
const DROPPED_TEMPLATE_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'status']);

function templateMetadataSchema(): JSONSchemaProps {
  return obj('Labels and annotations for the member objects; other metadata fields are ignored.', {
    labels: stringMap('Labels of the member objects, besides those Herd adds.'),
    annotations: stringMap('Annotations of the member objects, besides those Herd adds.'),
  });
}

/**
 * The schema of spec.template. With the target's schema (its whole-object schema, references resolved), the
 * template is validated like the target itself; without it, any object is kept as sent.
 */
export function templateSchema(target: TargetType, targetSchema?: JSONSchemaProps): JSONSchemaProps {
  const description =
    `The ${target.kind} to create in each chosen cluster, without apiVersion and kind. Its name and namespace are ` +
    'those of this object, so its metadata takes only labels and annotations.';
  if (!targetSchema?.properties) return freeformObject(description);
  const properties: Record<string, JSONSchemaProps> = { metadata: templateMetadataSchema() };
  for (const [name, schema] of Object.entries(targetSchema.properties)) {
    if (!DROPPED_TEMPLATE_FIELDS.has(name)) properties[name] = schema;
  }
  const schema: JSONSchemaProps = { type: 'object', description, properties };
  const required = (targetSchema.required ?? []).filter((name) => name in properties && name !== 'metadata');
  if (required.length > 0) schema.required = required;
  return schema;
}

const replicaColumns: PrinterColumn[] = [
  { name: 'Replicas', type: 'integer', description: 'Replicas asked of all clusters together.', jsonPath: '.status.replicas', priority: 0 },
  { name: 'Available', type: 'integer', description: 'Available replicas over all clusters.', jsonPath: '.status.availableReplicas', priority: 0 },
];

const templateField = (name: string, type: PrinterColumn['type'], path: string, description: string, priority = 0): PrinterColumn => ({
  name,
  type,
  description,
  jsonPath: `.spec.template${path}`,
  priority,
});

/**
 * Columns that show the template, by `<group>/<Kind>`. They name only fields that are safe to print: a
 * FederatedSecret shows its type, never its data.
 */
const TEMPLATE_COLUMNS: Readonly<Record<string, PrinterColumn[]>> = {
  'apps/Deployment': replicaColumns,
  'apps/StatefulSet': replicaColumns,
  'batch/Job': [templateField('Completions', 'integer', '.spec.completions', 'Completions each cluster runs.', 1)],
  'batch/CronJob': [
    templateField('Schedule', 'string', '.spec.schedule', 'Cron schedule.'),
    templateField('Suspend', 'boolean', '.spec.suspend', 'Whether new runs are suspended.', 1),
  ],
  '/Service': [templateField('Type', 'string', '.spec.type', 'Service type.')],
  'networking.k8s.io/Ingress': [templateField('Class', 'string', '.spec.ingressClassName', 'Ingress class.')],
  '/Secret': [templateField('Type', 'string', '.type', 'Secret type.')],
  '/PersistentVolumeClaim': [
    templateField('Capacity', 'string', '.spec.resources.requests.storage', 'Storage requested in each cluster.'),
    templateField('Storage Class', 'string', '.spec.storageClassName', 'Storage class.', 1),
  ],
  'rbac.authorization.k8s.io/RoleBinding': [templateField('Role', 'string', '.roleRef.name', 'Role bound.')],
};

function hasReplicas(targetSchema: JSONSchemaProps | undefined): boolean {
  return targetSchema?.properties?.spec?.properties?.replicas !== undefined;
}

function columns(target: TargetType, targetSchema: JSONSchemaProps | undefined): PrinterColumn[] {
  const perKind = TEMPLATE_COLUMNS[`${target.group ?? ''}/${target.kind}`] ?? (hasReplicas(targetSchema) ? replicaColumns : []);
  return [
    ...perKind,
    { name: 'Clusters', type: 'integer', description: 'Clusters the placement chose.', jsonPath: '.status.placedClusters', priority: 0 },
    {
      name: 'Propagated',
      type: 'integer',
      description: 'Chosen clusters holding the current rendering.',
      jsonPath: '.status.propagatedClusters',
      priority: 0,
    },
    conditionColumn('Ready', CONDITION_READY, 'Whether every copy reports itself ready.'),
    {
      name: 'Reason',
      type: 'string',
      description: 'Why the object is not ready.',
      jsonPath: `.status.conditions[?(@.type=="${CONDITION_READY}")].reason`,
      priority: 1,
    },
  ];
}

/** The Federated<Kind> a FederatedTypeConfig declares; `targetSchema` is the target's whole-object schema when known. */
export function federatedResourceDefinition(
  ftc: Pick<FederatedTypeConfig, 'spec'>,
  targetSchema?: JSONSchemaProps,
): ResourceDefinition {
  const target = ftc.spec.targetType;
  const names = resolveFederatedType(ftc.spec);
  const gv = target.group ? `${target.group}/${target.version}` : target.version;
  let description =
    `${names.kind} propagates a ${target.kind} (${gv}) to member clusters: spec.template is the ${target.kind}, ` +
    'spec.placement chooses the clusters and spec.overrides adjusts it per cluster.';
  if (names.namespaced && target.scope === 'Cluster') {
    description += ` Its name must equal its namespace: it federates the ${target.kind} of that name.`;
  }
  return defineResource({
    kind: names.kind,
    plural: names.plural,
    shortNames: names.shortNames,
    namespaced: names.namespaced,
    description,
    spec: obj(
      `The ${target.kind} to propagate, where, and with which per-cluster changes.`,
      {
        template: templateSchema(target, targetSchema),
        placement: placementSchema(
          'Where the object goes. Without it, the highest-priority PropagationPolicy or ClusterPropagationPolicy ' +
            'selecting this object decides; with neither, it goes nowhere.',
        ),
        overrides: overridesSchema(),
      },
      { required: ['template'] },
    ),
    status: federatedStatusSchema(target.kind),
    specRequired: true,
    printerColumns: columns(target, targetSchema),
    extraCategories: [CATEGORY_FEDERATED],
    extraSubresources: [PLACEMENT_SUBRESOURCE],
  });
}
