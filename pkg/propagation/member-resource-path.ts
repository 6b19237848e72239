import type { TargetType } from '../../api/federation/v1alpha1/federated-type-config.js';

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(target: Pick<TargetType, 'group' | 'version'>): string {
  return target.group ? `/apis/${target.group}/${target.version}` : `/api/${target.version}`;
}

/** The apiVersion of a target's objects: `v1` or `<group>/<version>`. */
export function targetApiVersion(target: Pick<TargetType, 'group' | 'version'>): string {
  return target.group ? `${target.group}/${target.version}` : target.version;
}

/** Collection across namespaces, as informers list and watch it: `/apis/apps/v1/deployments`. */
export function clusterWidePath(target: TargetType): string {
  return `${groupVersionPath(target)}/${target.pluralName}`;
}

/** The collection one object lives in: namespaced targets get `/namespaces/<ns>`. */
export function collectionPath(target: TargetType, namespace: string | undefined): string {
  return target.scope === 'Namespaced' && namespace
    ? `${groupVersionPath(target)}/namespaces/${encodeURIComponent(namespace)}/${target.pluralName}`
    : clusterWidePath(target);
}

export function objectPath(target: TargetType, namespace: string | undefined, name: string): string {
  return `${collectionPath(target, namespace)}/${encodeURIComponent(name)}`;
}
