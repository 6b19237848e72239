/**
 * One cluster as the decision engine sees it: the outcome of the latest health round, after hysteresis. The engine
 * is pure, so this is all it knows about a cluster; everything it answers or excludes comes from these fields.
 */
export interface TargetHealth {
  readonly cluster: string;
  readonly region?: string;
  readonly zone?: string;
  /** IPv4/IPv6 literal addresses clients should reach (hostnames are never here). */
  readonly addresses: readonly string[];
  readonly port?: number;
  /** Ready endpoints of the member Service (or ready replicas), when known. */
  readonly readyEndpoints?: number;
  readonly healthy: boolean;
  /** CamelCase; for unhealthy ones one of NotPlaced, MemberNotReady, MemberUnreachable, BackendNotFound, NoAddresses, NoReadyEndpoints, ProbeFailed. */
  readonly reason: string;
  readonly message: string;
}
