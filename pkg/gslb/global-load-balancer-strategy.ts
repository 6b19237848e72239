import type { GlobalLoadBalancerSpec } from '../../api/federation/v1alpha1/global-load-balancer.js';
import { FieldPath, duplicate, invalid, type FieldError } from '../apimachinery/field-errors.js';
import type { KubeObject } from '../registry/object-meta.js';
import type { Strategy } from '../registry/resource-store.js';
import { invalidClientNetworks } from './client-location.js';

/**
 * What the schema cannot say about a GlobalLoadBalancer: client networks must be CIDRs, cluster lists must not repeat
 * a name, Weighted needs one weight above 0, and a probe must time out before the next one starts.
 */
function validate(object: KubeObject): FieldError[] {
  const spec = (object.spec ?? {}) as Partial<GlobalLoadBalancerSpec>;
  const errors: FieldError[] = [];
  const strategy = FieldPath.of('spec', 'strategy');
  const networks = spec.strategy?.geo?.clientNetworks;
  if (Array.isArray(networks)) {
    for (const bad of invalidClientNetworks(networks)) {
      errors.push(invalid(strategy.child('geo', 'clientNetworks').index(bad.index).child('cidr'), networks[bad.index]?.cidr, bad.message));
    }
  }
  const order = spec.strategy?.failoverOrder;
  if (Array.isArray(order)) {
    const seen = new Set<string>();
    order.forEach((name, i) => {
      if (seen.has(name)) errors.push(duplicate(strategy.child('failoverOrder').index(i), name));
      seen.add(name);
    });
  }
  const weights = spec.strategy?.weights;
  if (spec.strategy?.type === 'Weighted' && Array.isArray(weights) && weights.length > 0 && weights.every((w) => w.weight === 0)) {
    errors.push(invalid(strategy.child('weights'), '', 'at least one cluster must have a weight above 0'));
  }
  const hc = spec.healthCheck;
  if (hc?.timeoutSeconds !== undefined && hc.timeoutSeconds > (hc.periodSeconds ?? 10)) {
    errors.push(invalid(FieldPath.of('spec', 'healthCheck', 'timeoutSeconds'), hc.timeoutSeconds, `must not exceed periodSeconds (${hc.periodSeconds ?? 10})`));
  }
  return errors;
}

export const globalLoadBalancerStrategy: Strategy = { validate, validateUpdate: (object) => validate(object) };
