/** The fleet view's API group: `views/{name}/proxy` (the merged view) and `clusters/{name}/proxy` (one member). */
export const FLEET_GROUP = 'fleet.herd.io';
export const FLEET_VERSION = 'v1alpha1';

/** The only view so far: every member. */
export const GLOBAL_VIEW = 'global';

/** Path of the merged view, behind the host (or Herd itself when standalone). */
export const GLOBAL_VIEW_PREFIX = `/apis/${FLEET_GROUP}/${FLEET_VERSION}/views/${GLOBAL_VIEW}/proxy`;

/** Path of one member through Herd, as the caller. */
export function clusterProxyPrefix(cluster: string): string {
  return `/apis/${FLEET_GROUP}/${FLEET_VERSION}/clusters/${cluster}/proxy`;
}

/** Label and annotation naming the member an object of the fleet view comes from. */
export const CLUSTER_LABEL = 'herd.io/cluster';
