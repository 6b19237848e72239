import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The namespace every benchmark object lives in, on both servers. */
export const BENCH_NAMESPACE = 'bench';

/** Where one kind of object lives on one server, and what a create sends. */
export interface ApiShape {
  readonly collectionPath: string;
  itemPath(name: string): string;
  createBody(name: string): string;
}

/** `obj-00042`: names of equal length, so every object has the same size on a side. */
export function objectName(i: number): string {
  return `obj-${String(i).padStart(5, '0')}`;
}

/** The canonical 2.6 KB Pod (bench/data/pod.json), parsed, and its compact JSON text. */
export function loadPod(root: string): { object: Record<string, unknown>; text: string } {
  const object = JSON.parse(readFileSync(join(root, 'bench', 'data', 'pod.json'), 'utf8')) as Record<string, unknown>;
  return { object, text: JSON.stringify(object) };
}

/** Herd: a FederatedConfigMap whose spec.template is the Pod (standalone Herd keeps templates as sent). */
export function herdShape(pod: Record<string, unknown>): ApiShape {
  const collectionPath = `/apis/federation.herd.io/v1alpha1/namespaces/${BENCH_NAMESPACE}/federatedconfigmaps`;
  return {
    collectionPath,
    itemPath: (name) => `${collectionPath}/${name}`,
    createBody: (name) =>
      JSON.stringify({
        apiVersion: 'federation.herd.io/v1alpha1',
        kind: 'FederatedConfigMap',
        metadata: { name, namespace: BENCH_NAMESPACE },
        spec: { template: pod },
      }),
  };
}

/** kube-apiserver: a ConfigMap holding `value` (the Pod as text, fitted to size) under `data["pod.json"]`. */
export function kubeShape(value: string): ApiShape {
  const collectionPath = `/api/v1/namespaces/${BENCH_NAMESPACE}/configmaps`;
  return {
    collectionPath,
    itemPath: (name) => `${collectionPath}/${name}`,
    createBody: (name) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: BENCH_NAMESPACE }, data: { 'pod.json': value } }),
  };
}

/**
 * `value` shortened (from the end) or padded (with spaces) so that its JSON encoding changes size by `deltaBytes`:
 * used to make a stored ConfigMap as large as a stored FederatedConfigMap, metadata and escaping included.
 */
export function fitValue(value: string, deltaBytes: number): string {
  if (deltaBytes >= 0) return value + ' '.repeat(deltaBytes);
  const wanted = JSON.stringify(value).length + deltaBytes;
  let fitted = value;
  while (fitted.length > 0 && JSON.stringify(fitted).length > wanted) fitted = fitted.slice(0, -1);
  return fitted;
}

/** The `continue` token of a list response, read from its metadata (which comes before the items). */
export function continueToken(body: Buffer): string | undefined {
  const head = body.subarray(0, 4096).toString('utf8');
  const meta = head.slice(0, head.indexOf('"items":') >= 0 ? head.indexOf('"items":') : head.length);
  const match = /"continue":"([^"]*)"/.exec(meta);
  return match?.[1] || undefined;
}
