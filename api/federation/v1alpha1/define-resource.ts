// Fills in what every resource of this group version shares: group, version, listKind, verbs, the `herd` category
// and the status subresource.
import { rootSchema } from '../../meta/common-schemas.js';
import { CRD_VERBS, type PrinterColumn, type ResourceDefinition, type JSONSchemaProps } from '../../meta/resource-definition.js';
import { CATEGORY_HERD, GROUP, VERSION } from './well-known.js';

export interface ResourceInput {
  kind: string;
  plural: string;
  shortNames: string[];
  namespaced: boolean;
  /** The kind's description; also the root description of its schema. */
  description: string;
  spec: JSONSchemaProps;
  status: JSONSchemaProps;
  /** Whether `spec` must be present. */
  specRequired: boolean;
  printerColumns: PrinterColumn[];
  /** Categories besides `herd`. */
  extraCategories?: string[];
  extraSubresources?: string[];
  /** Kinds the extra subresources answer with, by subresource, when not this kind. */
  extraSubresourceKinds?: Record<string, string>;
}

export function defineResource(input: ResourceInput): ResourceDefinition {
  const def: ResourceDefinition = {
    group: GROUP,
    version: VERSION,
    kind: input.kind,
    listKind: `${input.kind}List`,
    plural: input.plural,
    singular: input.kind.toLowerCase(),
    shortNames: [...input.shortNames],
    categories: [CATEGORY_HERD, ...(input.extraCategories ?? [])],
    namespaced: input.namespaced,
    description: input.description,
    schema: rootSchema({
      description: input.description,
      spec: input.spec,
      status: input.status,
      required: input.specRequired ? ['spec'] : [],
    }),
    printerColumns: input.printerColumns,
    subresources: { status: true },
    verbs: CRD_VERBS,
  };
  if (input.extraSubresources && input.extraSubresources.length > 0) def.subresources.extra = [...input.extraSubresources];
  if (input.extraSubresourceKinds) def.subresources.extraKinds = { ...input.extraSubresourceKinds };
  return def;
}

/** A column showing one condition's status, such as READY. */
export function conditionColumn(name: string, conditionType: string, description: string, priority = 0): PrinterColumn {
  return { name, type: 'string', description, jsonPath: `.status.conditions[?(@.type=="${conditionType}")].status`, priority };
}
