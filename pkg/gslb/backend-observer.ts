import { isIP } from 'node:net';
import { GSLB_ADDRESSES_ANNOTATION } from '../../api/federation/v1alpha1/well-known.js';
import type { ClusterClient } from '../members/cluster-client.js';
import { describeFailure, describeStatus } from '../members/describe-failure.js';

/** What one member publishes for a backend, read in one judgement. */
export type BackendObservation =
  | { readonly found: true; readonly addresses: readonly string[]; readonly readyEndpoints: number; readonly port?: number; readonly source: string }
  | { readonly found: false; readonly reason: 'BackendNotFound' | 'MemberUnreachable'; readonly message: string };

export interface BackendRef {
  readonly namespace: string;
  /** The member Service to read (addresses, ready endpoints). */
  readonly serviceName: string;
  /** For a backend that is not a Service (a Deployment, say): its member copy's path; its ready replicas count when no Service is found. */
  readonly workloadPath?: string;
  readonly port?: number;
}

interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
}
interface MemberService {
  metadata?: { annotations?: Record<string, string> };
  spec?: { externalIPs?: string[]; ports?: { port?: number }[] };
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } };
}
interface EndpointSliceList {
  items?: { endpoints?: { conditions?: { ready?: boolean | null } }[] | null }[];
}
interface Workload {
  metadata?: { annotations?: Record<string, string> };
  status?: { readyReplicas?: number };
}

const ips = (values: readonly (string | undefined)[]): string[] => values.filter((v): v is string => typeof v === 'string' && isIP(v) !== 0);

/** The annotation's comma-separated addresses; anything that is not an IP literal is ignored. */
function annotated(annotations: Record<string, string> | undefined): string[] {
  return ips((annotations?.[GSLB_ADDRESSES_ANNOTATION] ?? '').split(',').map((s) => s.trim()));
}

class Unreachable extends Error {}

async function get<T>(client: ClusterClient, path: string, timeoutMs: number): Promise<T | undefined> {
  let res;
  try {
    res = await client.call('GET', path, undefined, timeoutMs);
  } catch (err) {
    throw new Unreachable(`GET ${path}: ${describeFailure(err)}`);
  }
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Unreachable(`GET ${path}: ${describeStatus(res.status, res.body)}`);
  return JSON.parse(res.body) as T;
}

/**
 * Reads a backend in one member, every call with the health check's deadline. Addresses, in this order: the
 * Service's load-balancer ingress IPs, its externalIPs, the `federation.herd.io/gslb-addresses` annotation (on the
 * Service, else on the workload), else the IPs in the status of an Ingress named like the Service. Ready endpoints
 * are the Service's ready EndpointSlice endpoints; a workload without a Service counts its ready replicas.
 */
export async function observeBackend(client: ClusterClient, ref: BackendRef, timeoutMs: number): Promise<BackendObservation> {
  const ns = encodeURIComponent(ref.namespace);
  const svcName = encodeURIComponent(ref.serviceName);
  try {
    const [service, workload] = await Promise.all([
      get<MemberService>(client, `/api/v1/namespaces/${ns}/services/${svcName}`, timeoutMs),
      ref.workloadPath ? get<Workload>(client, ref.workloadPath, timeoutMs) : Promise.resolve(undefined),
    ]);
    if (ref.workloadPath && !workload) return { found: false, reason: 'BackendNotFound', message: `${ref.workloadPath} not found in the member` };
    if (!service) {
      if (!workload) return { found: false, reason: 'BackendNotFound', message: `Service ${ref.namespace}/${ref.serviceName} not found in the member` };
      return { found: true, addresses: annotated(workload.metadata?.annotations), readyEndpoints: workload.status?.readyReplicas ?? 0, ...(ref.port ? { port: ref.port } : {}), source: 'workload' };
    }
    const slices = await get<EndpointSliceList>(
      client,
      `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${ref.serviceName}`)}`,
      timeoutMs,
    );
    let ready = 0;
    for (const slice of slices?.items ?? []) for (const e of slice.endpoints ?? []) if (e.conditions?.ready !== false) ready++;
    const port = ref.port ?? service.spec?.ports?.[0]?.port;
    const base = { readyEndpoints: ready, ...(port ? { port } : {}) };
    const lb = ips((service.status?.loadBalancer?.ingress ?? []).map((i) => i.ip));
    if (lb.length > 0) return { found: true, addresses: lb, ...base, source: 'Service load balancer' };
    const external = ips(service.spec?.externalIPs ?? []);
    if (external.length > 0) return { found: true, addresses: external, ...base, source: 'Service externalIPs' };
    const annotation = annotated(service.metadata?.annotations);
    if (annotation.length > 0) return { found: true, addresses: annotation, ...base, source: 'Service annotation' };
    const fromWorkload = annotated(workload?.metadata?.annotations);
    if (fromWorkload.length > 0) return { found: true, addresses: fromWorkload, ...base, source: 'workload annotation' };
    const ingress = await get<MemberService>(client, `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses/${svcName}`, timeoutMs);
    const fromIngress = ips((ingress?.status?.loadBalancer?.ingress ?? []).map((i) => i.ip));
    return { found: true, addresses: fromIngress, ...base, source: 'Ingress load balancer' };
  } catch (err) {
    if (err instanceof Unreachable) return { found: false, reason: 'MemberUnreachable', message: err.message };
    return { found: false, reason: 'MemberUnreachable', message: describeFailure(err) };
  }
}
