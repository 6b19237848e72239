import type { OverridePolicy } from '../../api/federation/v1alpha1/override-policy.js';
import type { PolicyStatus, PropagationPolicy } from '../../api/federation/v1alpha1/propagation-policy.js';
import { CONDITION_READY } from '../../api/federation/v1alpha1/well-known.js';
import type { FederatedObjectRef } from '../placement/policy-selection.js';
import { selectOverridePolicies, selectPropagationPolicy } from '../placement/policy-selection.js';
import type { ApiGroupRegistry } from '../registry/api-group-registry.js';
import { nowTimestamp } from '../registry/object-meta.js';

/** A Federated object as policy matching sees it. */
export interface PolicyCandidate {
  readonly ref: FederatedObjectRef;
  /** Objects with their own spec.placement are not placed by any propagation policy. */
  readonly hasPlacement: boolean;
}

type Policy = PropagationPolicy | OverridePolicy;

const PLURALS: Readonly<Record<Policy['kind'], string>> = {
  PropagationPolicy: 'propagationpolicies',
  ClusterPropagationPolicy: 'clusterpropagationpolicies',
  OverridePolicy: 'overridepolicies',
};

function id(p: Policy): string {
  return `${p.kind}/${p.metadata.namespace ?? ''}/${p.metadata.name}`;
}

/**
 * Keeps each policy's status current: `matchedResources` (how many Federated objects it places or changes now: a
 * propagation policy counts the objects it wins, an override policy every object it selects), `observedGeneration`,
 * and a Ready condition. Written only when something changed, so `kubectl get pp` shows the Matched column.
 */
export class PolicyStatusWriter {
  constructor(
    private readonly registry: ApiGroupRegistry,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {}

  async update(candidates: Iterable<PolicyCandidate>, propagation: readonly PropagationPolicy[], overrides: readonly OverridePolicy[]): Promise<void> {
    const counts = new Map<string, number>();
    for (const p of [...propagation, ...overrides]) counts.set(id(p), 0);
    for (const c of candidates) {
      if (!c.hasPlacement) {
        const chosen = selectPropagationPolicy(c.ref, propagation);
        if (chosen) counts.set(id(chosen.policy), (counts.get(id(chosen.policy)) ?? 0) + 1);
      }
      for (const o of selectOverridePolicies(c.ref, overrides)) counts.set(id(o), (counts.get(id(o)) ?? 0) + 1);
    }
    for (const p of [...propagation, ...overrides]) {
      if (p.metadata.deletionTimestamp) continue;
      await this.write(p, counts.get(id(p)) ?? 0).catch((err: unknown) => {
        if ((err as { reason?: string }).reason !== 'Conflict' && (err as { reason?: string }).reason !== 'NotFound') this.log(`writing the status of ${id(p)}`, err);
      });
    }
  }

  private async write(p: Policy, matched: number): Promise<void> {
    const generation = p.metadata.generation ?? 1;
    const previous = p.status;
    const ready = previous?.conditions?.find((c) => c.type === CONDITION_READY);
    const message = matched === 1 ? 'applies to 1 Federated object' : `applies to ${matched} Federated objects`;
    if (previous?.matchedResources === matched && previous.observedGeneration === generation && ready?.status === 'True' && ready.message === message) return;
    const status: PolicyStatus = {
      observedGeneration: generation,
      matchedResources: matched,
      conditions: [
        {
          type: CONDITION_READY,
          status: 'True',
          reason: 'Applied',
          message,
          lastTransitionTime: ready?.status === 'True' ? ready.lastTransitionTime : nowTimestamp(),
          observedGeneration: generation,
        },
      ],
    };
    const store = this.registry.get(PLURALS[p.kind])?.store;
    if (!store) return;
    await store.update(p.metadata.namespace, String(p.metadata.name), { object: { ...p, status } }, {}, 'status');
  }
}
