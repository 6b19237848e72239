// Which PropagationPolicy or ClusterPropagationPolicy places a Federated object that has no spec.placement, and
// which OverridePolicies change what it renders.
//
// A selector matches by the apiVersion and kind of the object's template, then, if given, its namespace, and its
// name or (when no name is given) its labels. A PropagationPolicy selects only objects of its own namespace; a
// ClusterPropagationPolicy selects objects anywhere, cluster-scoped ones included. Policies being deleted select
// nothing. Among the policies that select an object the highest spec.priority wins; on a tie, the most specific
// match (by name, then by label selector, then by kind only); then a PropagationPolicy over a
// ClusterPropagationPolicy; then the first name in alphabetical order.
//
// OverridePolicies select only objects of their own namespace; all that match apply, in name order.
import type { PolicyReference } from '../../api/federation/v1alpha1/federated-status.js';
import type { OverridePolicy } from '../../api/federation/v1alpha1/override-policy.js';
import type { PropagationPolicy } from '../../api/federation/v1alpha1/propagation-policy.js';
import type { ResourceSelector } from '../../api/federation/v1alpha1/resource-selector.js';
import { labelSelectorFromMeta } from '../apimachinery/label-selector.js';

/** What policies select a Federated object by. */
export interface FederatedObjectRef {
  /** Absent for cluster-scoped objects. */
  namespace?: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  /** apiVersion of the template, such as apps/v1. */
  templateApiVersion: string;
  templateKind: string;
}

/** How specifically a selector matched, most specific first. */
export type SelectorMatch = 'Name' | 'LabelSelector' | 'Kind';

const SPECIFICITY: Readonly<Record<SelectorMatch, number>> = { Name: 3, LabelSelector: 2, Kind: 1 };

/** How the selector matches the object, or undefined when it does not. An invalid label selector matches nothing. */
export function resourceSelectorMatch(selector: ResourceSelector, obj: FederatedObjectRef): SelectorMatch | undefined {
  if (selector.apiVersion !== obj.templateApiVersion || selector.kind !== obj.templateKind) return undefined;
  if (selector.namespace !== undefined && selector.namespace !== '' && selector.namespace !== obj.namespace) return undefined;
  if (selector.name !== undefined && selector.name !== '') return selector.name === obj.name ? 'Name' : undefined;
  if (selector.labelSelector === undefined) return 'Kind';
  try {
    return labelSelectorFromMeta(selector.labelSelector).matches(obj.labels) ? 'LabelSelector' : undefined;
  } catch {
    return undefined;
  }
}

/** The most specific way any of the selectors matches. */
function bestMatch(selectors: readonly ResourceSelector[], obj: FederatedObjectRef): SelectorMatch | undefined {
  let best: SelectorMatch | undefined;
  for (const s of selectors) {
    const m = resourceSelectorMatch(s, obj);
    if (m !== undefined && (best === undefined || SPECIFICITY[m] > SPECIFICITY[best])) best = m;
  }
  return best;
}

/** The policy that places the object, with the reference to record in its status; undefined when none selects it. */
export function selectPropagationPolicy(
  obj: FederatedObjectRef,
  policies: readonly PropagationPolicy[],
): { policy: PropagationPolicy; ref: PolicyReference } | undefined {
  let winner: { policy: PropagationPolicy; match: SelectorMatch } | undefined;
  for (const policy of policies) {
    if (policy.metadata.deletionTimestamp) continue;
    if (policy.kind === 'PropagationPolicy' && (!obj.namespace || policy.metadata.namespace !== obj.namespace)) continue;
    const match = bestMatch(policy.spec.resourceSelectors, obj);
    if (match === undefined) continue;
    if (winner === undefined || beats({ policy, match }, winner)) winner = { policy, match };
  }
  if (winner === undefined) return undefined;
  const { policy } = winner;
  const ref: PolicyReference =
    policy.kind === 'PropagationPolicy'
      ? { kind: policy.kind, namespace: policy.metadata.namespace ?? '', name: policy.metadata.name ?? '' }
      : { kind: policy.kind, name: policy.metadata.name ?? '' };
  return { policy, ref };
}

function beats(a: { policy: PropagationPolicy; match: SelectorMatch }, b: { policy: PropagationPolicy; match: SelectorMatch }): boolean {
  const priority = (a.policy.spec.priority ?? 0) - (b.policy.spec.priority ?? 0);
  if (priority !== 0) return priority > 0;
  const specificity = SPECIFICITY[a.match] - SPECIFICITY[b.match];
  if (specificity !== 0) return specificity > 0;
  if (a.policy.kind !== b.policy.kind) return a.policy.kind === 'PropagationPolicy';
  return (a.policy.metadata.name ?? '') < (b.policy.metadata.name ?? '');
}

/** The OverridePolicies of the object's namespace that select it, in name order: the order they apply in. */
export function selectOverridePolicies(obj: FederatedObjectRef, policies: readonly OverridePolicy[]): OverridePolicy[] {
  if (!obj.namespace) return [];
  return policies
    .filter((p) => !p.metadata.deletionTimestamp && p.metadata.namespace === obj.namespace)
    .filter((p) => bestMatch(p.spec.resourceSelectors, obj) !== undefined)
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0));
}
