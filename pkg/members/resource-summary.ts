import { parseQuantity } from '../apimachinery/quantity.js';
import type { MemberClusterStatus } from '../../api/federation/v1alpha1/member-cluster.js';

/** The parts of a Node the summary reads. */
export interface NodeFacts {
  metadata?: { name?: string };
  spec?: { unschedulable?: boolean };
  status?: { allocatable?: Record<string, string | number>; conditions?: { type?: string; status?: string }[] };
}

interface Resources {
  requests?: Record<string, string | number>;
}

/** The parts of a Pod the summary reads. */
export interface PodFacts {
  spec?: {
    nodeName?: string;
    containers?: { resources?: Resources }[];
    initContainers?: { resources?: Resources }[];
    overhead?: Record<string, string | number>;
  };
}

/**
 * Only what the summary reads of a pod, so a probe keeps a few numbers per pod rather than whole pods (a member with
 * 30,000 pods would otherwise cost hundreds of MB for the length of a probe).
 */
export function podFactsOf(pod: PodFacts): PodFacts {
  const slim = (list: { resources?: Resources }[] | undefined) => list?.map((c) => (c.resources?.requests ? { resources: { requests: c.resources.requests } } : {}));
  const spec = pod.spec;
  if (!spec) return {};
  return {
    spec: {
      ...(spec.nodeName ? { nodeName: spec.nodeName } : {}),
      ...(spec.containers ? { containers: slim(spec.containers)! } : {}),
      ...(spec.initContainers ? { initContainers: slim(spec.initContainers)! } : {}),
      ...(spec.overhead ? { overhead: spec.overhead } : {}),
    },
  };
}

export interface ResourceSummaryResult {
  readonly nodeSummary: NonNullable<MemberClusterStatus['nodeSummary']>;
  readonly resourceSummary: NonNullable<MemberClusterStatus['resourceSummary']>;
}

/** A quantity as a number (cores, bytes, count); 0 when absent or not a quantity, so one bad field skips only itself. */
function quantityValue(value: string | number | undefined): number {
  if (value === undefined || value === '') return 0;
  try {
    return parseQuantity(value);
  } catch {
    return 0;
  }
}

/** Whole millicores, rounded up as Kubernetes' MilliValue does (a tiny epsilon absorbs floating-point noise). */
const millis = (cores: number) => Math.ceil(cores * 1000 - 1e-6);

function podRequests(pod: PodFacts): { cpu: number; memory: number } {
  const sum = (list: { resources?: Resources }[] | undefined, name: string) =>
    (list ?? []).reduce((acc, c) => acc + quantityValue(c.resources?.requests?.[name]), 0);
  const maxInit = (name: string) => Math.max(0, ...(pod.spec?.initContainers ?? []).map((c) => quantityValue(c.resources?.requests?.[name])));
  // The effective request (as the scheduler counts it): the larger of the app containers' sum and the largest init
  // container, plus the pod overhead.
  const effective = (name: string) => Math.max(sum(pod.spec?.containers, name), maxInit(name)) + quantityValue(pod.spec?.overhead?.[name]);
  return { cpu: effective('cpu'), memory: effective('memory') };
}

const isReady = (node: NodeFacts) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/**
 * Node counts and capacity of a member: `allocatable` sums `status.allocatable` of the schedulable Ready nodes;
 * `allocated` sums the effective requests of the pods bound to those nodes (pass only pods that are not Succeeded or
 * Failed). Written as `cpu: "<millicores>m"`, `memory: "<bytes>"` (a whole number of bytes as a string) and `pods:
 * <count>` (a number), so readers compare like with like without a quantity library.
 */
export function summarizeResources(nodes: readonly NodeFacts[], pods: readonly PodFacts[]): ResourceSummaryResult {
  const ready = nodes.filter(isReady);
  const usable = ready.filter((n) => !n.spec?.unschedulable);
  const names = new Set(usable.map((n) => n.metadata?.name).filter((n): n is string => !!n));
  let cpu = 0;
  let memory = 0;
  let podCapacity = 0;
  for (const n of usable) {
    cpu += millis(quantityValue(n.status?.allocatable?.cpu));
    memory += Math.floor(quantityValue(n.status?.allocatable?.memory));
    podCapacity += Math.floor(quantityValue(n.status?.allocatable?.pods));
  }
  let usedCpu = 0;
  let usedMemory = 0;
  let podCount = 0;
  for (const p of pods) {
    if (!p.spec?.nodeName || !names.has(p.spec.nodeName)) continue;
    const r = podRequests(p);
    usedCpu += millis(r.cpu);
    usedMemory += Math.ceil(r.memory);
    podCount++;
  }
  return {
    nodeSummary: { total: nodes.length, ready: ready.length },
    resourceSummary: {
      allocatable: { cpu: `${cpu}m`, memory: String(memory), pods: podCapacity },
      allocated: { cpu: `${usedCpu}m`, memory: String(usedMemory), pods: podCount },
    },
  };
}
