import { describe, expect, it } from 'vitest';
import type { OverridePolicy } from '../../api/federation/v1alpha1/override-policy.js';
import type { PropagationPolicy } from '../../api/federation/v1alpha1/propagation-policy.js';
import type { ResourceSelector } from '../../api/federation/v1alpha1/resource-selector.js';
import { API_VERSION } from '../../api/federation/v1alpha1/well-known.js';
import {
  resourceSelectorMatch,
  selectOverridePolicies,
  selectPropagationPolicy,
  type FederatedObjectRef,
} from './policy-selection.js';

const web: FederatedObjectRef = {
  namespace: 'shop',
  name: 'web',
  labels: { app: 'web', tier: 'front' },
  templateApiVersion: 'apps/v1',
  templateKind: 'Deployment',
};
const kind: ResourceSelector = { apiVersion: 'apps/v1', kind: 'Deployment' };

function pp(
  name: string,
  selectors: ResourceSelector[],
  o: { namespace?: string; priority?: number; cluster?: boolean; deleting?: boolean } = {},
): PropagationPolicy {
  return {
    apiVersion: API_VERSION,
    kind: o.cluster ? 'ClusterPropagationPolicy' : 'PropagationPolicy',
    metadata: {
      name,
      ...(o.cluster ? {} : { namespace: o.namespace ?? 'shop' }),
      ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { resourceSelectors: selectors, placement: {}, ...(o.priority !== undefined ? { priority: o.priority } : {}) },
  };
}

function op(name: string, selectors: ResourceSelector[], o: { namespace?: string; deleting?: boolean } = {}): OverridePolicy {
  return {
    apiVersion: API_VERSION,
    kind: 'OverridePolicy',
    metadata: { name, namespace: o.namespace ?? 'shop', ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { resourceSelectors: selectors, rules: [{ overriders: {} }] },
  };
}

const winner = (obj: FederatedObjectRef, policies: PropagationPolicy[]) => selectPropagationPolicy(obj, policies)?.ref;

describe('resourceSelectorMatch', () => {
  it.each<[string, ResourceSelector, ReturnType<typeof resourceSelectorMatch>]>([
    ['kind only', kind, 'Kind'],
    ['another kind', { apiVersion: 'apps/v1', kind: 'StatefulSet' }, undefined],
    ['another version of the kind', { apiVersion: 'apps/v1beta1', kind: 'Deployment' }, undefined],
    ['the name', { ...kind, name: 'web' }, 'Name'],
    ['another name', { ...kind, name: 'api' }, undefined],
    ['the name, ignoring a label selector that does not match', { ...kind, name: 'web', labelSelector: { matchLabels: { app: 'x' } } }, 'Name'],
    ['matching labels', { ...kind, labelSelector: { matchLabels: { app: 'web' } } }, 'LabelSelector'],
    ['matching expressions', { ...kind, labelSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] } }, 'LabelSelector'],
    ['labels that do not match', { ...kind, labelSelector: { matchLabels: { app: 'api' } } }, undefined],
    ['an empty label selector', { ...kind, labelSelector: {} }, 'LabelSelector'],
    ['the namespace', { ...kind, namespace: 'shop' }, 'Kind'],
    ['another namespace', { ...kind, namespace: 'blog' }, undefined],
  ])('%s', (_, selector, want) => {
    expect(resourceSelectorMatch(selector, web)).toBe(want);
  });

  it('matches nothing with an invalid label selector', () => {
    const selector = { ...kind, labelSelector: { matchExpressions: [{ key: 'app', operator: 'Like', values: ['w'] }] } } as unknown as ResourceSelector;
    expect(resourceSelectorMatch(selector, web)).toBeUndefined();
  });

  it('matches a core-group template by apiVersion v1', () => {
    const cm: FederatedObjectRef = { ...web, templateApiVersion: 'v1', templateKind: 'ConfigMap' };
    expect(resourceSelectorMatch({ apiVersion: 'v1', kind: 'ConfigMap' }, cm)).toBe('Kind');
  });
});

describe('selectPropagationPolicy', () => {
  it('is undefined when nothing selects the object', () => {
    expect(selectPropagationPolicy(web, [pp('other', [{ apiVersion: 'v1', kind: 'Service' }])])).toBeUndefined();
  });

  it('returns the policy and its reference', () => {
    const policy = pp('all', [kind]);
    expect(selectPropagationPolicy(web, [policy])).toEqual({ policy, ref: { kind: 'PropagationPolicy', namespace: 'shop', name: 'all' } });
    const cluster = pp('fleet', [kind], { cluster: true });
    expect(selectPropagationPolicy(web, [cluster])?.ref).toEqual({ kind: 'ClusterPropagationPolicy', name: 'fleet' });
  });

  it('lets a PropagationPolicy select only objects of its own namespace', () => {
    expect(winner(web, [pp('elsewhere', [kind], { namespace: 'blog' })])).toBeUndefined();
    expect(winner({ ...web, namespace: undefined }, [pp('all', [kind])])).toBeUndefined();
  });

  it('lets a ClusterPropagationPolicy select any namespace, and cluster-scoped objects', () => {
    expect(winner({ ...web, namespace: 'blog' }, [pp('fleet', [kind], { cluster: true })])?.name).toBe('fleet');
    const { namespace: _, ...clusterScoped } = web;
    expect(winner(clusterScoped, [pp('fleet', [kind], { cluster: true })])?.name).toBe('fleet');
  });

  it('lets a ClusterPropagationPolicy restrict the namespace', () => {
    expect(winner(web, [pp('blog-only', [{ ...kind, namespace: 'blog' }], { cluster: true })])).toBeUndefined();
  });

  it('ignores policies being deleted', () => {
    expect(winner(web, [pp('going', [kind], { deleting: true, priority: 100 }), pp('staying', [kind])])?.name).toBe('staying');
  });

  it('prefers the highest priority over everything else', () => {
    const policies = [pp('by-name', [{ ...kind, name: 'web' }]), pp('fleet', [kind], { cluster: true, priority: 5 })];
    expect(winner(web, policies)?.name).toBe('fleet');
  });

  it('on a priority tie prefers the most specific match: name, then labels, then kind', () => {
    const byKind = pp('a-kind', [kind]);
    const byLabels = pp('b-labels', [{ ...kind, labelSelector: { matchLabels: { app: 'web' } } }]);
    const byName = pp('c-name', [{ ...kind, name: 'web' }]);
    expect(winner(web, [byKind, byLabels, byName])?.name).toBe('c-name');
    expect(winner(web, [byKind, byLabels])?.name).toBe('b-labels');
  });

  it('takes the most specific match among a policy\'s selectors', () => {
    const mixed = pp('z-mixed', [kind, { ...kind, name: 'web' }]);
    expect(winner(web, [pp('a-labels', [{ ...kind, labelSelector: {} }]), mixed])?.name).toBe('z-mixed');
  });

  it('lets specificity beat scope: a ClusterPropagationPolicy by name beats a PropagationPolicy by kind', () => {
    expect(winner(web, [pp('ns', [kind]), pp('fleet', [{ ...kind, name: 'web' }], { cluster: true })])?.kind).toBe('ClusterPropagationPolicy');
  });

  it('then prefers a PropagationPolicy over a ClusterPropagationPolicy', () => {
    expect(winner(web, [pp('a', [kind], { cluster: true }), pp('z', [kind])])).toEqual({ kind: 'PropagationPolicy', namespace: 'shop', name: 'z' });
  });

  it('then takes the first name', () => {
    expect(winner(web, [pp('b', [kind]), pp('a', [kind]), pp('c', [kind])])?.name).toBe('a');
    expect(winner(web, [pp('b', [kind], { cluster: true }), pp('a', [kind], { cluster: true })])?.name).toBe('a');
  });

  it('treats a missing priority as 0', () => {
    expect(winner(web, [pp('a', [kind]), pp('b', [kind], { priority: -1 })])?.name).toBe('a');
  });
});

describe('selectOverridePolicies', () => {
  it('returns the matching policies of the namespace in name order', () => {
    const got = selectOverridePolicies(web, [
      op('c', [kind]),
      op('a', [{ ...kind, name: 'web' }]),
      op('b', [{ ...kind, name: 'api' }]),
      op('d', [kind], { namespace: 'blog' }),
      op('e', [kind], { deleting: true }),
      op('f', [{ ...kind, labelSelector: { matchLabels: { tier: 'front' } } }]),
    ]);
    expect(got.map((p) => p.metadata.name)).toEqual(['a', 'c', 'f']);
  });

  it('returns nothing for a cluster-scoped object', () => {
    const { namespace: _, ...clusterScoped } = web;
    expect(selectOverridePolicies(clusterScoped, [op('a', [kind])])).toEqual([]);
  });
});
