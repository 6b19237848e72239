// How much schedulePlacement prefers one cluster that passed the filters, 0..100. Holding the object already
// outweighs everything else, so a fleet change never moves objects only to use a slightly emptier cluster.

/** Points for already holding the object. */
export const SCORE_HOLDS = 60;
/** Points at most for free capacity, in proportion to the free share of the scarcest resource. */
export const SCORE_CAPACITY = 25;
/** Points for having no PreferNoSchedule taint the placement leaves untolerated. */
export const SCORE_NO_PREFER_NO_SCHEDULE = 15;

export interface ScoreInput {
  holds: boolean;
  /** Free share (0..1) of the scarcest resource; undefined when the cluster has not reported its resources. */
  freeShare: number | undefined;
  /** Untolerated PreferNoSchedule taints. */
  preferNoSchedule: number;
}

/** An integer from 0 to 100; an unknown capacity earns no capacity points. */
export function scoreCluster(s: ScoreInput): number {
  const capacity = SCORE_CAPACITY * Math.min(1, Math.max(0, s.freeShare ?? 0));
  return Math.round((s.holds ? SCORE_HOLDS : 0) + capacity + (s.preferNoSchedule === 0 ? SCORE_NO_PREFER_NO_SCHEDULE : 0));
}
