// The status of a Federated<Kind> from one reconcile: the placement result, each cluster's copy, the conditions
// Scheduled, Propagated and Ready, and the counters, bounded in size and stable between reconciles that change
// nothing (transition times are carried over).
import { isDeepStrictEqual } from 'node:util';
import {
  MAX_DRIFT_FIELDS,
  MAX_STATUS_CLUSTERS,
  MAX_STATUS_MESSAGE,
  type ClusterPropagationStatus,
  type FederatedStatus,
  type PolicyReference,
  type PropagationPhase,
} from '../../api/federation/v1alpha1/federated-status.js';
import { CONDITION_PROPAGATED, CONDITION_READY, CONDITION_SCHEDULED } from '../../api/federation/v1alpha1/well-known.js';
import type { Condition } from '../../api/meta/object-meta.js';

export interface StatusInput {
  /** metadata.generation of the Federated object. */
  generation: number;
  /** The stored status, whose transition times are kept where nothing changed. */
  previous: FederatedStatus | undefined;
  policy?: PolicyReference;
  scheduled: { ok: true; clusters: number } | { ok: false; reason: string; message: string };
  /** Every placed cluster, plus the clusters the object is being removed from (phase Deleting). */
  clusters: ClusterPropagationStatus[];
  /** The target kind has spec.replicas: the replica counts are summed. */
  hasReplicas: boolean;
  /** RFC 3339. */
  now: string;
}

/** Phases other than Applied, most serious first: Propagated names the first one present. */
const SEVERITY: readonly PropagationPhase[] = ['Failed', 'Conflict', 'ClusterNotReady', 'Deleting', 'Pending'];
/** How many clusters a condition message names. */
const NAMED_CLUSTERS = 3;

type ConditionInput = Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;

/** Cuts text to MAX_STATUS_MESSAGE characters (code points, as the schema counts them), ending in an ellipsis. */
function bounded(text: string): string {
  const chars = Array.from(text);
  return chars.length <= MAX_STATUS_MESSAGE ? text : `${chars.slice(0, MAX_STATUS_MESSAGE - 1).join('')}…`;
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const plural = (n: number): string => `${n} cluster${n === 1 ? '' : 's'}`;
const isProblem = (c: ClusterPropagationStatus): boolean => c.phase !== 'Applied' || c.ready !== 'True';

/** `east (ApplyFailed), west, north and 2 more`: the first few clusters by name, with their reason. */
function nameClusters(clusters: readonly ClusterPropagationStatus[], withReason: boolean): string {
  const named = [...clusters]
    .sort(byName)
    .slice(0, NAMED_CLUSTERS)
    .map((c) => (withReason && c.reason ? `${c.name} (${c.reason})` : c.name));
  const more = clusters.length - named.length;
  return more > 0 ? `${named.join(', ')} and ${more} more` : named.join(', ');
}

/** A copy of one cluster's entry: no undefined fields, bounded message and drift, transition time kept or set. */
function clusterEntry(c: ClusterPropagationStatus, previous: ClusterPropagationStatus | undefined, now: string): ClusterPropagationStatus {
  const entry = structuredClone(c);
  for (const key of Object.keys(entry) as (keyof ClusterPropagationStatus)[]) {
    if (entry[key] === undefined) delete entry[key];
  }
  if (entry.message !== undefined) entry.message = bounded(entry.message);
  if (entry.drift?.fields !== undefined && entry.drift.fields.length > MAX_DRIFT_FIELDS) {
    entry.drift.fields = entry.drift.fields.slice(0, MAX_DRIFT_FIELDS);
  }
  const kept = previous !== undefined && previous.phase === c.phase ? previous.lastTransitionTime : undefined;
  entry.lastTransitionTime = kept ?? now;
  return entry;
}

function scheduledCondition(scheduled: StatusInput['scheduled']): ConditionInput {
  if (scheduled.ok) return { type: CONDITION_SCHEDULED, status: 'True', reason: 'Scheduled', message: `placed in ${plural(scheduled.clusters)}` };
  return { type: CONDITION_SCHEDULED, status: 'False', reason: scheduled.reason, message: scheduled.message };
}

function propagatedCondition(all: readonly ClusterPropagationStatus[], placed: readonly ClusterPropagationStatus[]): ConditionInput {
  for (const phase of SEVERITY) {
    const inPhase = all.filter((c) => c.phase === phase);
    if (inPhase.length === 0) continue;
    const message = `${phase} in ${plural(inPhase.length)}: ${nameClusters(inPhase, true)}`;
    return { type: CONDITION_PROPAGATED, status: 'False', reason: phase, message };
  }
  if (placed.length === 0) {
    return { type: CONDITION_PROPAGATED, status: 'False', reason: 'NotScheduled', message: 'no cluster is chosen' };
  }
  return { type: CONDITION_PROPAGATED, status: 'True', reason: 'Applied', message: `applied in ${plural(placed.length)}` };
}

function readyCondition(propagated: ConditionInput, placed: readonly ClusterPropagationStatus[]): ConditionInput {
  if (propagated.status !== 'True') {
    return { type: CONDITION_READY, status: 'False', reason: 'NotPropagated', message: `not propagated: ${propagated.message}` };
  }
  const notReady = placed.filter((c) => c.ready === 'False');
  const unknown = placed.filter((c) => c.ready !== 'True' && c.ready !== 'False');
  if (notReady.length === 0 && unknown.length === 0) {
    return { type: CONDITION_READY, status: 'True', reason: 'Ready', message: `ready in ${plural(placed.length)}` };
  }
  const parts: string[] = [];
  if (notReady.length > 0) parts.push(`not ready in ${plural(notReady.length)}: ${nameClusters(notReady, false)}`);
  if (unknown.length > 0) parts.push(`readiness unknown in ${plural(unknown.length)}: ${nameClusters(unknown, false)}`);
  return { type: CONDITION_READY, status: notReady.length > 0 ? 'False' : 'Unknown', reason: 'NotReady', message: parts.join('; ') };
}

function sum(clusters: readonly ClusterPropagationStatus[], field: 'replicas' | 'readyReplicas' | 'availableReplicas' | 'updatedReplicas'): number | undefined {
  let total: number | undefined;
  for (const c of clusters) {
    const n = c[field];
    if (n !== undefined) total = (total ?? 0) + n;
  }
  return total;
}

/**
 * The whole status for this reconcile. Propagated is False with the most serious phase present (Failed, Conflict,
 * ClusterNotReady, Deleting, Pending) as reason; Ready needs Propagated and every placed copy ready. A condition
 * (and a cluster entry) keeps its lastTransitionTime while its status (phase) stays the same. The cluster list puts
 * problems first and holds at most MAX_STATUS_CLUSTERS entries.
 */
export function buildFederatedStatus(input: StatusInput): FederatedStatus {
  const previousClusters = new Map((input.previous?.clusters ?? []).map((c) => [c.name, c]));
  const clusters = input.clusters.map((c) => clusterEntry(c, previousClusters.get(c.name), input.now));
  const placed = clusters.filter((c) => c.phase !== 'Deleting');

  const scheduled = scheduledCondition(input.scheduled);
  const propagated = propagatedCondition(clusters, placed);
  const ready = readyCondition(propagated, placed);
  const previousConditions = new Map((input.previous?.conditions ?? []).map((c) => [c.type, c]));
  const conditions: Condition[] = [scheduled, propagated, ready].map((c) => {
    const before = previousConditions.get(c.type);
    return {
      type: c.type,
      status: c.status,
      observedGeneration: input.generation,
      lastTransitionTime: before !== undefined && before.status === c.status ? before.lastTransitionTime : input.now,
      reason: c.reason,
      message: bounded(c.message),
    };
  });

  const status: FederatedStatus = {
    observedGeneration: input.generation,
    conditions,
    ...(input.policy !== undefined ? { policy: { ...input.policy } } : {}),
    placedClusters: placed.length,
    propagatedClusters: placed.filter((c) => c.phase === 'Applied').length,
    readyClusters: placed.filter((c) => c.ready === 'True').length,
  };
  if (input.hasReplicas) {
    for (const field of ['replicas', 'readyReplicas', 'availableReplicas', 'updatedReplicas'] as const) {
      const total = sum(placed, field);
      if (total !== undefined) status[field] = total;
    }
  }
  const ordered = [...clusters.filter(isProblem).sort(byName), ...clusters.filter((c) => !isProblem(c)).sort(byName)];
  if (ordered.length > 0) status.clusters = ordered.slice(0, MAX_STATUS_CLUSTERS);
  if (ordered.length > MAX_STATUS_CLUSTERS) status.clustersOmitted = ordered.length - MAX_STATUS_CLUSTERS;
  return status;
}

const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/** Whether writing b over a would change nothing: equal as JSON, whatever the key order. */
export function sameStatus(a: FederatedStatus | undefined, b: FederatedStatus): boolean {
  return a !== undefined && isDeepStrictEqual(asJson(a), asJson(b));
}
