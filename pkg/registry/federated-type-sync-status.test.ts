import { describe, expect, it } from 'vitest';
import type { FederatedTypeConfigStatus } from '../../api/federation/v1alpha1/index.js';
import { establishedStatus } from './federated-type-sync-status.js';

const served = { served: true, message: 'Herd serves federatedwidgets.federation.herd.io.', schemaCluster: 'host' };
const at = (t: string) => () => t;

describe('establishedStatus', () => {
  it('writes Established, observedGeneration and the schema cluster, keeping other conditions', () => {
    const other = { type: 'Other', status: 'True' as const, lastTransitionTime: 'T0', reason: 'X', message: '' };
    expect(establishedStatus({ conditions: [other] }, 2, served, at('T1'))).toEqual({
      observedGeneration: 2,
      templateSchemaCluster: 'host',
      conditions: [other, { type: 'Established', status: 'True', observedGeneration: 2, lastTransitionTime: 'T1', reason: 'Served', message: served.message }],
    });
  });

  it('answers undefined when nothing changed, so a sync does not write its own status again', () => {
    const current = establishedStatus(undefined, 1, served, at('T1'));
    expect(establishedStatus(current, 1, served, at('T2'))).toBeUndefined();
  });

  it('keeps lastTransitionTime while the status holds, and moves it when the status flips', () => {
    const current = establishedStatus(undefined, 1, served, at('T1'))!;
    const unresolved = establishedStatus(current, 2, { ...served, schemaCluster: undefined }, at('T2'))!;
    expect(unresolved.conditions?.[0]?.lastTransitionTime).toBe('T1');
    expect(unresolved).not.toHaveProperty('templateSchemaCluster');
    const conflict: FederatedTypeConfigStatus = establishedStatus(unresolved, 2, { served: false, message: 'taken' }, at('T3'))!;
    expect(conflict.conditions?.[0]).toMatchObject({ status: 'False', reason: 'NameConflict', lastTransitionTime: 'T3' });
  });
});
