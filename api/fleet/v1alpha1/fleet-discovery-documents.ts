import type { APIGroup, APIGroupDiscovery, APIResourceList } from '../../../pkg/apimachinery/discovery.js';
import { FLEET_GROUP, FLEET_VERSION } from './well-known.js';

/** Verbs of a proxy subresource, as kube-apiserver lists `nodes/proxy`: every HTTP method maps to one. */
const PROXY_VERBS = ['create', 'delete', 'get', 'patch', 'update'];
const GROUP_VERSION = `${FLEET_GROUP}/${FLEET_VERSION}`;

/**
 * The fleet.herd.io group as discovery shows it: `views` and `clusters`, served only through their `proxy`
 * subresource (the merged view, and one member as the caller). The resources themselves have no verbs yet.
 */
export const fleetResourceList: APIResourceList = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: GROUP_VERSION,
  resources: [
    { name: 'clusters', singularName: 'cluster', namespaced: false, kind: 'Cluster', verbs: [] },
    { name: 'clusters/proxy', singularName: '', namespaced: false, kind: 'ClusterProxyOptions', verbs: PROXY_VERBS },
    { name: 'views', singularName: 'view', namespaced: false, kind: 'View', verbs: [] },
    { name: 'views/proxy', singularName: '', namespaced: false, kind: 'ViewProxyOptions', verbs: PROXY_VERBS },
  ],
};

export const fleetApiGroup: APIGroup = {
  name: FLEET_GROUP,
  versions: [{ groupVersion: GROUP_VERSION, version: FLEET_VERSION }],
  preferredVersion: { groupVersion: GROUP_VERSION, version: FLEET_VERSION },
};

export const fleetGroupDiscovery: APIGroupDiscovery = {
  metadata: { name: FLEET_GROUP },
  versions: [
    {
      version: FLEET_VERSION,
      freshness: 'Current',
      resources: [
        {
          resource: 'clusters',
          responseKind: { group: FLEET_GROUP, version: FLEET_VERSION, kind: 'Cluster' },
          scope: 'Cluster',
          singularResource: 'cluster',
          verbs: [],
          subresources: [{ subresource: 'proxy', responseKind: { group: FLEET_GROUP, version: FLEET_VERSION, kind: 'ClusterProxyOptions' }, verbs: PROXY_VERBS }],
        },
        {
          resource: 'views',
          responseKind: { group: FLEET_GROUP, version: FLEET_VERSION, kind: 'View' },
          scope: 'Cluster',
          singularResource: 'view',
          verbs: [],
          subresources: [{ subresource: 'proxy', responseKind: { group: FLEET_GROUP, version: FLEET_VERSION, kind: 'ViewProxyOptions' }, verbs: PROXY_VERBS }],
        },
      ],
    },
  ],
};
