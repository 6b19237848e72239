import { describe, expect, it } from 'vitest';
import { freeCapacityShare, replicasThatFit } from './cluster-capacity.js';

const summary = {
  allocatable: { cpu: '10', memory: '32Gi', pods: 110 },
  allocated: { cpu: '4500m', memory: '8Gi', pods: 100 },
};

describe('replicasThatFit', () => {
  it('is limited by the scarcest requested resource', () => {
    // cpu: 5.5 / 0.5 = 11; memory: 24Gi / 4Gi = 6; pods: 10.
    expect(replicasThatFit(summary, { cpu: 0.5, memory: 4 * 2 ** 30 })).toBe(6);
  });

  it('counts one pod per replica when nothing else is requested', () => {
    expect(replicasThatFit(summary, undefined)).toBe(10);
    expect(replicasThatFit(summary, {})).toBe(10);
  });

  it('ignores a resource the cluster does not report', () => {
    expect(replicasThatFit({ allocatable: { cpu: '2' } }, { cpu: 0.5, memory: 1 })).toBe(4);
  });

  it('treats a missing allocated amount as nothing allocated', () => {
    expect(replicasThatFit({ allocatable: { cpu: '2', pods: '100' } }, { cpu: 1 })).toBe(2);
  });

  it('never goes below zero on an overcommitted cluster', () => {
    expect(replicasThatFit({ allocatable: { cpu: '2' }, allocated: { cpu: '3' } }, { cpu: 1 })).toBe(0);
  });

  it('is undefined when nothing can be compared', () => {
    expect(replicasThatFit(undefined, { cpu: 1 })).toBeUndefined();
    expect(replicasThatFit({}, { cpu: 1 })).toBeUndefined();
    expect(replicasThatFit({ allocatable: { cpu: 'many' } }, { cpu: 1 })).toBeUndefined();
  });
});

describe('freeCapacityShare', () => {
  it('is the free share of the scarcest resource', () => {
    // cpu 55 % free, memory 75 %, pods 10/110.
    expect(freeCapacityShare(summary)).toBeCloseTo(10 / 110);
  });

  it('is 1 for an idle cluster and 0 for an overcommitted one', () => {
    expect(freeCapacityShare({ allocatable: { cpu: 4 } })).toBe(1);
    expect(freeCapacityShare({ allocatable: { cpu: 4 }, allocated: { cpu: 6 } })).toBe(0);
  });

  it('is undefined without a usable summary', () => {
    expect(freeCapacityShare(undefined)).toBeUndefined();
    expect(freeCapacityShare({ allocatable: { gpu: 1 } })).toBeUndefined();
    expect(freeCapacityShare({ allocatable: { cpu: 0 } })).toBeUndefined();
  });
});
