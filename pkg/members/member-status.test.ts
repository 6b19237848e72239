import { describe, expect, it } from 'vitest';
import type { MemberClusterStatus } from '../../api/federation/v1alpha1/member-cluster.js';
import { nextMemberStatus, statusNeedsWrite, type HealthOutcome, type NextStatusInput } from './member-status.js';

const T0 = '2026-07-01T10:00:00Z';
const T1 = '2026-07-01T10:00:10Z';
const healthy: HealthOutcome = { healthy: true, probe: { notes: [], kubernetesVersion: 'v1.36.3' } };
const offline: HealthOutcome = { healthy: false, reason: 'Unreachable', message: 'connect ECONNREFUSED 127.0.0.1:6443' };

const input = (previous: MemberClusterStatus | undefined, outcome: HealthOutcome, failures = 0, successes = 0): NextStatusInput => ({
  previous,
  generation: 3,
  outcome,
  counters: { failures, successes },
  failureThreshold: 2,
  successThreshold: 1,
  now: T1,
});
const byType = (s: MemberClusterStatus) => Object.fromEntries((s.conditions ?? []).map((c) => [c.type, c]));

describe('nextMemberStatus', () => {
  const ready = nextMemberStatus({ ...input(undefined, healthy, 0, 1), now: T0 });

  it('takes the first outcome at once and reports Ready, reachable and authorized', () => {
    expect(byType(ready)).toMatchObject({
      Ready: { status: 'True', reason: 'ClusterReady', lastTransitionTime: T0, observedGeneration: 3 },
      Offline: { status: 'False', reason: 'Reachable' },
      CredentialsInvalid: { status: 'False', reason: 'Authorized' },
    });
    expect(ready).toMatchObject({ kubernetesVersion: 'v1.36.3', lastProbeTime: T0, observedGeneration: 3 });
  });

  it('keeps Ready until failureThreshold consecutive failures, then reports the cluster offline', () => {
    const first = nextMemberStatus(input(ready, offline, 1));
    expect(first.conditions).toEqual(ready.conditions);
    const second = nextMemberStatus(input(ready, offline, 2));
    expect(byType(second)).toMatchObject({
      Ready: { status: 'False', reason: 'ClusterOffline', message: 'connect ECONNREFUSED 127.0.0.1:6443', lastTransitionTime: T1 },
      Offline: { status: 'True', reason: 'Unreachable', lastTransitionTime: T1 },
      CredentialsInvalid: { status: 'False', reason: 'Authorized', lastTransitionTime: T0 },
    });
    expect(second.kubernetesVersion).toBe('v1.36.3');
  });

  it('keeps lastTransitionTime when only the reason changes, and reports refused credentials', () => {
    const down = nextMemberStatus(input(ready, offline, 2));
    const refused = nextMemberStatus({ ...input(down, { healthy: false, reason: 'Unauthorized', message: '401 Unauthorized' }, 3), now: '2026-07-01T10:00:20Z' });
    expect(byType(refused)).toMatchObject({
      Ready: { status: 'False', reason: 'CredentialsInvalid', lastTransitionTime: T1 },
      Offline: { status: 'False', reason: 'Reachable' },
      CredentialsInvalid: { status: 'True', reason: 'Unauthorized', message: '401 Unauthorized' },
    });
  });

  it('comes back after successThreshold successes', () => {
    const down = nextMemberStatus(input(ready, offline, 2));
    const once = nextMemberStatus({ ...input(down, healthy, 0, 1), successThreshold: 2 });
    expect(byType(once).Ready?.status).toBe('False');
    const twice = nextMemberStatus({ ...input(down, healthy, 0, 2), successThreshold: 2 });
    expect(byType(twice).Ready?.status).toBe('True');
  });

  it('reports unreadable credentials without claiming the cluster is offline', () => {
    const s = nextMemberStatus(input(undefined, { healthy: false, reason: 'CredentialsUnavailable', message: 'Secret herd-system/member-a not found on the host' }, 1));
    expect(byType(s)).toMatchObject({
      Ready: { status: 'False', reason: 'CredentialsInvalid' },
      Offline: { status: 'Unknown', reason: 'NotChecked' },
      CredentialsInvalid: { status: 'True', reason: 'CredentialsUnavailable' },
    });
  });
});

describe('statusNeedsWrite', () => {
  const s = nextMemberStatus({ ...input(undefined, healthy, 0, 1), now: T0 });
  const t0 = Date.parse(T0);
  it('skips a write when only the probe time moved, until the stored one is 60 s old', () => {
    const again = nextMemberStatus(input(s, healthy, 0, 2));
    expect(statusNeedsWrite(s, again, t0 + 10_000)).toBe(false);
    expect(statusNeedsWrite(s, again, t0 + 60_000)).toBe(true);
  });

  it('writes when anything else changed, whatever the field order', () => {
    const reordered = JSON.parse(JSON.stringify({ lastProbeTime: s.lastProbeTime, conditions: s.conditions, observedGeneration: 3, kubernetesVersion: 'v1.36.3' })) as MemberClusterStatus;
    expect(statusNeedsWrite(s, reordered, t0)).toBe(false);
    expect(statusNeedsWrite(s, { ...s, kubernetesVersion: 'v1.36.4' }, t0)).toBe(true);
    expect(statusNeedsWrite(undefined, s, t0)).toBe(true);
  });
});
