// LoadBalancingDecision: what the `decision` subresource of a GlobalLoadBalancer answers. It is computed, never
// stored, and is the same answer Herd's DNS server gives that client at that moment.
import type { LoadBalancingStrategyType } from './global-load-balancer.js';
import type { API_VERSION } from './well-known.js';

/** A cluster that may receive traffic: healthy (or every cluster is unhealthy and the answer fails open). */
export interface DecisionTarget {
  cluster: string;
  /** IPv4 and IPv6 addresses, in the order the member publishes them. */
  addresses: string[];
  port?: number;
  region?: string;
  zone?: string;
  /** Effective weight (Weighted), distance from the client (Geo), or ready endpoints (Capacity). */
  weight?: number;
  distance?: number;
  readyEndpoints?: number;
  /** DNS answers for this client list this cluster now. Later targets are the fallbacks, in order. */
  answered: boolean;
  /** Why it is where it is in the order, in words. */
  explanation: string;
}

/** A cluster left out of the answer, and why. */
export interface DecisionExclusion {
  cluster: string;
  /** CamelCase: NotPlaced, MemberNotReady, MemberUnreachable, BackendNotFound, NoAddresses, NoReadyEndpoints, ProbeFailed, ZeroWeight. */
  reason: string;
  message: string;
}

export interface LoadBalancingDecision {
  apiVersion: typeof API_VERSION;
  kind: 'LoadBalancingDecision';
  metadata: { name: string; namespace: string; creationTimestamp: string };
  hostname: string;
  strategy: LoadBalancingStrategyType;
  ttlSeconds: number;
  client: {
    region?: string;
    zone?: string;
    ip?: string;
    /** Where the region came from: the query, a clientNetworks entry matching the IP, or nowhere. */
    regionSource: 'Query' | 'ClientNetwork' | 'Unknown';
  };
  /** No cluster is healthy, so every cluster with addresses is answered (as Route 53 does) rather than none. */
  failOpen: boolean;
  targets: DecisionTarget[];
  excluded: DecisionExclusion[];
}
