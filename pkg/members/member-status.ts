import type { MemberClusterStatus } from '../../api/federation/v1alpha1/member-cluster.js';
import { CONDITION_CREDENTIALS_INVALID, CONDITION_OFFLINE, CONDITION_READY } from '../../api/federation/v1alpha1/well-known.js';
import type { Condition } from '../../api/meta/object-meta.js';
import type { ProbeFailureKind, ProbeResult } from './member-probe.js';

/** What one probe round found: a healthy probe, or why the member is not usable (credentials that could not be read included). */
export type HealthOutcome =
  | { readonly healthy: true; readonly probe: ProbeResult }
  | { readonly healthy: false; readonly reason: ProbeFailureKind | 'CredentialsUnavailable'; readonly message: string };

/** Consecutive outcomes of one kind, this round's included. */
export interface HealthCounters {
  readonly failures: number;
  readonly successes: number;
}

export interface NextStatusInput {
  readonly previous: MemberClusterStatus | undefined;
  readonly generation: number | undefined;
  readonly outcome: HealthOutcome;
  readonly counters: HealthCounters;
  readonly failureThreshold: number;
  readonly successThreshold: number;
  /** RFC 3339 time of this probe. */
  readonly now: string;
}

/** Ready reasons. */
export const REASON_CLUSTER_READY = 'ClusterReady';
export const REASON_CLUSTER_OFFLINE = 'ClusterOffline';
export const REASON_CLUSTER_NOT_READY = 'ClusterNotReady';
export const REASON_CREDENTIALS_INVALID = 'CredentialsInvalid';

type Proposed = { type: string; status: Condition['status']; reason: string; message: string } | 'keep';

/** The three conditions an outcome stands for; `keep` where it says nothing (credentials of a member out of reach). */
function proposed(outcome: HealthOutcome): [Proposed, Proposed, Proposed] {
  const offline = (status: Condition['status'], reason: string, message = '') => ({ type: CONDITION_OFFLINE, status, reason, message });
  const creds = (status: Condition['status'], reason: string, message = '') => ({ type: CONDITION_CREDENTIALS_INVALID, status, reason, message });
  const ready = (status: Condition['status'], reason: string, message: string) => ({ type: CONDITION_READY, status, reason, message });
  if (outcome.healthy) {
    const notes = outcome.probe.notes;
    const message = notes.length > 0 ? `the apiserver is ready; ${notes.join('; ')}` : 'the apiserver is ready';
    return [ready('True', REASON_CLUSTER_READY, message), offline('False', 'Reachable'), creds('False', 'Authorized')];
  }
  const { reason, message } = outcome;
  switch (reason) {
    case 'Unreachable':
      return [ready('False', REASON_CLUSTER_OFFLINE, message), offline('True', 'Unreachable', message), 'keep'];
    case 'NotReady':
      return [ready('False', REASON_CLUSTER_NOT_READY, message), offline('True', 'NotReady', message), 'keep'];
    case 'Unauthorized':
      return [ready('False', REASON_CREDENTIALS_INVALID, message), offline('False', 'Reachable'), creds('True', 'Unauthorized', message)];
    case 'CredentialsUnavailable':
      return [ready('False', REASON_CREDENTIALS_INVALID, message), 'keep', creds('True', 'CredentialsUnavailable', message)];
  }
}

/**
 * The status after one probe round. Ready (with Offline and CredentialsInvalid, which always move together with it)
 * turns False only after `failureThreshold` consecutive failures and True again only after `successThreshold`
 * successes; a member without a Ready condition yet takes the first outcome at once. lastTransitionTime changes only
 * when a condition's status does. What a failed probe could not read (version, discovery, summaries) stays as last
 * seen.
 */
export function nextMemberStatus(input: NextStatusInput): MemberClusterStatus {
  const { previous, outcome, counters, now, generation } = input;
  const prevConditions = previous?.conditions ?? [];
  const prevReady = prevConditions.find((c) => c.type === CONDITION_READY);
  const apply = outcome.healthy
    ? !prevReady || prevReady.status === 'True' || counters.successes >= input.successThreshold
    : !prevReady || prevReady.status !== 'True' || counters.failures >= input.failureThreshold;
  let conditions = prevConditions;
  if (apply) {
    const ours = proposed(outcome).map((p, i): Condition => {
      const type = p === 'keep' ? [CONDITION_READY, CONDITION_OFFLINE, CONDITION_CREDENTIALS_INVALID][i]! : p.type;
      const old = prevConditions.find((c) => c.type === type);
      if (p === 'keep') return old ?? { type, status: 'Unknown', reason: 'NotChecked', message: '', lastTransitionTime: now };
      return {
        type,
        status: p.status,
        reason: p.reason,
        message: p.message.slice(0, 1024),
        lastTransitionTime: old && old.status === p.status ? old.lastTransitionTime : now,
        ...(generation !== undefined ? { observedGeneration: generation } : {}),
      };
    });
    const types = new Set(ours.map((c) => c.type));
    conditions = [...ours, ...prevConditions.filter((c) => !types.has(c.type))];
  }
  const probe = outcome.healthy ? outcome.probe : undefined;
  const next: MemberClusterStatus = {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    conditions,
    lastProbeTime: now,
  };
  const kubernetesVersion = probe?.kubernetesVersion ?? previous?.kubernetesVersion;
  const apiEnablements = probe?.apiEnablements ?? previous?.apiEnablements;
  const nodeSummary = probe?.nodeSummary ?? previous?.nodeSummary;
  const resourceSummary = probe?.resourceSummary ?? previous?.resourceSummary;
  if (kubernetesVersion) next.kubernetesVersion = kubernetesVersion;
  if (apiEnablements) next.apiEnablements = apiEnablements;
  if (nodeSummary) next.nodeSummary = nodeSummary;
  if (resourceSummary) next.resourceSummary = resourceSummary;
  return next;
}

/** JSON with object keys sorted, so two statuses compare equal whatever order their fields were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Whether `next` is worth a write: something besides lastProbeTime changed, or the stored probe time is `maxAgeMs` old. */
export function statusNeedsWrite(previous: MemberClusterStatus | undefined, next: MemberClusterStatus, nowMs: number, maxAgeMs = 60_000): boolean {
  if (!previous) return true;
  const { lastProbeTime: prevTime, ...prevRest } = previous;
  const { lastProbeTime: _t, ...nextRest } = next;
  if (canonical(prevRest) !== canonical(nextRest)) return true;
  const last = prevTime ? Date.parse(prevTime) : NaN;
  return !Number.isFinite(last) || nowMs - last >= maxAgeMs;
}
