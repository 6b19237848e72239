import type { GlobalLoadBalancerSpec, LoadBalancingStrategy } from '../../api/federation/v1alpha1/global-load-balancer.js';
import { answeredTargets, DecisionEngine, type Decision } from './decide.js';
import type { TargetHealth } from './target-health.js';

// Clusters, a geography and helpers shared by the decision tests: member-1 in eu-west (zone eu-west-a), member-2 in
// us-east, member-3 in ap-south, each healthy with addresses and 3, 2 and 1 ready endpoints.

export const healthy = (cluster: string, region: string | undefined, o: Partial<TargetHealth> = {}): TargetHealth => ({
  cluster,
  ...(region ? { region } : {}),
  addresses: [`192.0.2.${cluster.slice(-1)}`],
  port: 8080,
  readyEndpoints: 3,
  healthy: true,
  reason: 'Healthy',
  message: 'ready',
  ...o,
});
export const M1 = healthy('member-1', 'eu-west', { zone: 'eu-west-a', readyEndpoints: 3 });
export const M2 = healthy('member-2', 'us-east', { readyEndpoints: 2, addresses: ['192.0.2.2', '2001:db8::2'] });
export const M3 = healthy('member-3', 'ap-south', { readyEndpoints: 1 });
export const ALL = [M1, M2, M3];
export const down = (t: TargetHealth, reason = 'ProbeFailed', addresses = t.addresses): TargetHealth => ({ ...t, healthy: false, reason, message: `${reason} here`, addresses });

export const GEO: LoadBalancingStrategy['geo'] = {
  regionDistances: [
    { from: 'eu-west', to: 'us-east', distance: 80 },
    { from: 'eu-west', to: 'ap-south', distance: 70 },
    { from: 'us-east', to: 'ap-south', distance: 140 },
  ],
  clientNetworks: [
    { cidr: '10.1.0.0/16', region: 'eu-west' },
    { cidr: '10.1.2.0/24', region: 'us-east' },
    { cidr: '10.3.0.0/16', region: 'ap-south' },
    { cidr: '2001:db8:3::/48', region: 'ap-south' },
  ],
};

export const engine = (strategy: LoadBalancingStrategy, o: Partial<GlobalLoadBalancerSpec> = {}) => new DecisionEngine({ backend: { kind: 'FederatedService', name: 'web' }, strategy, ...o });

/** A decision in short: answered clusters, fallbacks in order, exclusions as `cluster:Reason`. */
export function short(d: Decision): { answered: string[]; fallbacks: string[]; excluded: string[]; failOpen: boolean } {
  return {
    answered: answeredTargets(d).map((t) => t.cluster),
    fallbacks: d.targets.filter((t) => !t.answered).map((t) => t.cluster),
    excluded: d.excluded.map((e) => `${e.cluster}:${e.reason}`),
    failOpen: d.failOpen,
  };
}
