// What one replica of a workload asks of a cluster, estimated from its pod template the way the kube-scheduler
// sums a pod's requests: the containers together, sidecars (init containers with restartPolicy Always) alongside
// them, and each other init container on its own (it runs before the others, next to the sidecars started before it).
import { parseQuantity } from '../apimachinery/quantity.js';

export interface ResourceRequest {
  /** Cores. */
  cpu?: number;
  /** Bytes. */
  memory?: number;
}

const RESOURCES = ['cpu', 'memory'] as const;
type ResourceName = (typeof RESOURCES)[number];
type Amounts = Record<ResourceName, number>;

/**
 * The requests of one replica from `spec.template.spec` of a workload template (Deployment, StatefulSet, ReplicaSet
 * and the like). A container's limit stands in for a request it does not make, as the apiserver defaults it.
 * Undefined when the template has no pod template or nothing in it requests cpu or memory; unparseable quantities
 * are skipped.
 */
export function estimateReplicaRequest(template: unknown): ResourceRequest | undefined {
  const podSpec = field(field(field(template, 'spec'), 'template'), 'spec');
  if (podSpec === undefined) return undefined;
  const seen = new Set<ResourceName>();
  const containers = list(field(podSpec, 'containers'));
  const initContainers = list(field(podSpec, 'initContainers'));

  const running = zero();
  for (const c of containers) add(running, containerRequest(c, seen));
  const sidecars = zero();
  const initPeak = zero();
  for (const c of initContainers) {
    const request = containerRequest(c, seen);
    if (field(c, 'restartPolicy') === 'Always') {
      add(sidecars, request);
      raise(initPeak, sidecars);
    } else {
      const withSidecars = { ...request };
      add(withSidecars, sidecars);
      raise(initPeak, withSidecars);
    }
  }
  add(running, sidecars);
  raise(running, initPeak);

  if (seen.size === 0) return undefined;
  const result: ResourceRequest = {};
  for (const r of RESOURCES) if (seen.has(r)) result[r] = running[r];
  return result;
}

function containerRequest(container: unknown, seen: Set<ResourceName>): Amounts {
  const resources = field(container, 'resources');
  const requests = field(resources, 'requests');
  const limits = field(resources, 'limits');
  const amounts = zero();
  for (const r of RESOURCES) {
    const amount = quantity(field(requests, r)) ?? quantity(field(limits, r));
    if (amount === undefined) continue;
    amounts[r] = amount;
    seen.add(r);
  }
  return amounts;
}

function quantity(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return parseQuantity(value);
  } catch {
    return undefined;
  }
}

function field(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)[key];
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function zero(): Amounts {
  return { cpu: 0, memory: 0 };
}

function add(total: Amounts, more: Amounts): void {
  for (const r of RESOURCES) total[r] += more[r];
}

function raise(total: Amounts, floor: Amounts): void {
  for (const r of RESOURCES) total[r] = Math.max(total[r], floor[r]);
}
