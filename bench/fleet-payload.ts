// The objects of the fleet-view benchmark: Pods made from the canonical Pod for the merged LIST, the memory figure
// and the join, and ConfigMaps for the watch delay; where they live, directly and through Herd's fleet view.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Pods of the LIST, memory and join phases: in every member, created directly. */
export const POD_NAMESPACE = 'bench';
/** ConfigMaps of the watch phase: in member-1 only, so the pods never show up in these watches. */
export const WATCH_NAMESPACE = 'bench-watch';

/** Herd's fleet view: its own `/api` and `/apis` below this prefix (standalone Herd serves it directly). */
export const VIEW_PREFIX = '/apis/fleet.herd.io/v1alpha1/views/global/proxy';
/** The label the view puts on every item, naming the member it comes from. */
export const CLUSTER_LABEL = 'herd.io/cluster';

export const PODS_PATH = `/api/v1/namespaces/${POD_NAMESPACE}/pods`;
export const CONFIGMAPS_PATH = `/api/v1/namespaces/${WATCH_NAMESPACE}/configmaps`;
const SERVICE_ACCOUNTS_PATH = `/api/v1/namespaces/${POD_NAMESPACE}/serviceaccounts`;

/** The same collection through the view; `cluster` narrows it with `-l herd.io/cluster=<cluster>`. */
export function viewPath(path: string, cluster?: string): string {
  return `${VIEW_PREFIX}${path}${cluster ? `?labelSelector=${encodeURIComponent(`${CLUSTER_LABEL}=${cluster}`)}` : ''}`;
}

/** `pod-000042`: names of equal length (so every Pod has the same size) and with a prefix no other field holds. */
export function podName(i: number): string {
  return `pod-${String(i).padStart(6, '0')}`;
}

/** The Pods of the member that joins late: a prefix of their own, so no name collides with the other members'. */
export function joinPodName(i: number): string {
  return `join-${String(i).padStart(6, '0')}`;
}

/** `"name":"pod-`: occurs once per Pod in a list body (metadata.name), so counting it counts the items. */
export const POD_MARKER = '"name":"pod-';
export const JOIN_POD_MARKER = '"name":"join-';

/** Makes create bodies from the canonical Pod (bench/data/pod.json). */
export class PodTemplate {
  /** The Pod as JSON text, with `metadata.name` replaced by a placeholder: a create body is one string replace. */
  private readonly head: string;
  private readonly tail: string;
  readonly templateBytes: number;

  constructor(root: string) {
    const text = readFileSync(join(root, 'bench', 'data', 'pod.json'), 'utf8');
    this.templateBytes = Buffer.byteLength(text.trim());
    const pod = JSON.parse(text) as { metadata: Record<string, unknown> };
    const metadata = { ...pod.metadata };
    // What a create may not (resourceVersion) or need not (uid, creationTimestamp: the server sets them) carry.
    for (const field of ['uid', 'resourceVersion', 'creationTimestamp']) delete metadata[field];
    const placeholder = 'NAME-PLACEHOLDER';
    const body = JSON.stringify({ ...pod, metadata: { ...metadata, name: placeholder, namespace: POD_NAMESPACE } });
    const at = body.indexOf(JSON.stringify(placeholder));
    this.head = body.slice(0, at);
    this.tail = body.slice(at + JSON.stringify(placeholder).length);
  }

  createBody(name: string): string {
    return `${this.head}"${name}"${this.tail}`;
  }
}

/**
 * The ServiceAccount `default` of the Pod namespace. The members run no controller-manager, so nobody creates it,
 * and without it the ServiceAccount admission plugin refuses every Pod (the template names `default`).
 */
export function defaultServiceAccount(): { path: string; body: string } {
  return {
    path: SERVICE_ACCOUNTS_PATH,
    body: JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: POD_NAMESPACE } }),
  };
}

/** A ConfigMap of the watch phase: the canonical Pod as text in `data["pod.json"]`, so each event is about 3 KB. */
export function configMapBody(name: string, podText: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: WATCH_NAMESPACE }, data: { 'pod.json': podText } });
}
