// The status FederatedTypeSync keeps on each FederatedTypeConfig: whether its Federated<Kind> is served, and which
// cluster's schema validates spec.template.
import { CONDITION_ESTABLISHED, type FederatedTypeConfigStatus } from '../../api/federation/v1alpha1/index.js';
import type { Condition } from '../../api/meta/object-meta.js';
import { nowTimestamp } from './object-meta.js';

/** Reasons of the Established condition. */
export const REASON_SERVED = 'Served';
export const REASON_NAME_CONFLICT = 'NameConflict';

/** What one sync decided for one config. */
export interface Established {
  readonly served: boolean;
  readonly message: string;
  /** The cluster whose schema the served template uses; absent while the template is kept as sent. */
  schemaCluster?: string | undefined;
}

/**
 * The status to write, or undefined when `current` already says the same. Other conditions are kept, and the
 * Established condition keeps its lastTransitionTime while its status does not change.
 */
export function establishedStatus(
  current: FederatedTypeConfigStatus | undefined,
  generation: number | undefined,
  outcome: Established,
  now: () => string = nowTimestamp,
): FederatedTypeConfigStatus | undefined {
  const status: Condition['status'] = outcome.served ? 'True' : 'False';
  const reason = outcome.served ? REASON_SERVED : REASON_NAME_CONFLICT;
  const old = current?.conditions?.find((c) => c.type === CONDITION_ESTABLISHED);
  const unchanged =
    old !== undefined &&
    old.status === status &&
    old.reason === reason &&
    old.message === outcome.message &&
    old.observedGeneration === generation &&
    current?.observedGeneration === generation &&
    current?.templateSchemaCluster === outcome.schemaCluster;
  if (unchanged) return undefined;
  const condition: Condition = {
    type: CONDITION_ESTABLISHED,
    status,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime: old?.status === status ? old.lastTransitionTime : now(),
    reason,
    message: outcome.message,
  };
  const next: FederatedTypeConfigStatus = {
    ...current,
    conditions: [...(current?.conditions ?? []).filter((c) => c.type !== CONDITION_ESTABLISHED), condition],
  };
  if (generation !== undefined) next.observedGeneration = generation;
  if (outcome.schemaCluster) next.templateSchemaCluster = outcome.schemaCluster;
  else delete next.templateSchemaCluster;
  return next;
}
