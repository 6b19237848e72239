import type { MemberClusterStatus } from '../../api/federation/v1alpha1/member-cluster.js';
import type { ClusterClient, ClusterResponse } from './cluster-client.js';
import { describeFailure, describeStatus } from './describe-failure.js';
import { discoverApiEnablements, type ApiEnablements } from './member-discovery.js';
import { MemberUnauthorizedError } from './member-unauthorized-error.js';
import { podFactsOf, summarizeResources, type NodeFacts, type PodFacts } from './resource-summary.js';

/** Why a probe failed: no answer, an answer other than ready, or the credentials were refused. */
export type ProbeFailureKind = 'Unreachable' | 'NotReady' | 'Unauthorized';

export interface ProbeResult {
  /** Unset when the member is healthy: `/readyz` answered 200 and the credentials were accepted. */
  readonly failure?: { readonly kind: ProbeFailureKind; readonly message: string };
  readonly kubernetesVersion?: string;
  /** Set when discovery was asked for and `/api/v1` and `/apis` could be read. */
  readonly apiEnablements?: ApiEnablements;
  readonly nodeSummary?: MemberClusterStatus['nodeSummary'];
  readonly resourceSummary?: MemberClusterStatus['resourceSummary'];
  /** What went wrong without making the member unhealthy, the same every probe (nodes or version not readable). */
  readonly notes: readonly string[];
  /** What discovery could not read (a group version whose aggregated server is down); only on discovery probes. */
  readonly discoveryNotes?: readonly string[];
}

export interface ProbeOptions {
  /** Deadline of each call. */
  readonly timeoutMs: number;
  /** Read discovery too (costly: one call per group version). */
  readonly discovery: boolean;
  /** List nodes and active pods for the summaries (costly on a big member: every pod). Default true. */
  readonly summary?: boolean;
}

const ANONYMOUS = 'system:anonymous';
const PAGE = 500;
const ACTIVE_PODS = 'status.phase!=Succeeded,status.phase!=Failed';

class ProbeFailure extends Error {
  constructor(
    readonly kind: ProbeFailureKind,
    message: string,
  ) {
    super(message);
  }
}

/** The member took the credentials as anonymous: a 403 whose Status names `User "system:anonymous"`. */
function anonymousForbidden(res: ClusterResponse): boolean {
  return res.status === 403 && res.body.includes(`User "${ANONYMOUS}"`);
}

const ANONYMOUS_MESSAGE = `the member takes Herd's credentials as ${ANONYMOUS} (a client certificate it does not trust, or none)`;

async function call(client: ClusterClient, method: 'GET' | 'POST', path: string, timeoutMs: number, body?: unknown): Promise<ClusterResponse> {
  let res: ClusterResponse;
  try {
    res = await client.call(method, path, body, timeoutMs);
  } catch (err) {
    throw new ProbeFailure('Unreachable', describeFailure(err));
  }
  if (res.status === 401) throw new ProbeFailure('Unauthorized', '401 Unauthorized');
  if (anonymousForbidden(res)) throw new ProbeFailure('Unauthorized', ANONYMOUS_MESSAGE);
  return res;
}

/** The member's own view of who Herd is; a member without SelfSubjectReview (before 1.28) is skipped. */
async function checkIdentity(client: ClusterClient, timeoutMs: number): Promise<void> {
  const res = await call(client, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', timeoutMs, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
  });
  if (res.status !== 201 && res.status !== 200) return;
  let username: string | undefined;
  try {
    username = (JSON.parse(res.body) as { status?: { userInfo?: { username?: string } } }).status?.userInfo?.username;
  } catch {
    return;
  }
  if (username === ANONYMOUS) throw new ProbeFailure('Unauthorized', ANONYMOUS_MESSAGE);
}

/** Every item of a list, page by page. */
async function listAll<T>(client: ClusterClient, path: string, timeoutMs: number, keep: (item: T) => T = (item) => item): Promise<T[]> {
  const items: T[] = [];
  let token = '';
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = `${path}${sep}limit=${PAGE}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
    const res = await call(client, 'GET', page, timeoutMs);
    if (res.status !== 200) throw new Error(`GET ${path}: ${describeStatus(res.status, res.body)}`);
    const list = JSON.parse(res.body) as { items?: T[]; metadata?: { continue?: string } };
    for (const item of list.items ?? []) items.push(keep(item));
    token = list.metadata?.continue ?? '';
  } while (token);
  return items;
}

/** A failure of an optional step becomes a note, unless it says the credentials are refused. */
function note(notes: string[], what: string, err: unknown): void {
  if (err instanceof ProbeFailure && err.kind === 'Unauthorized') throw err;
  if (err instanceof MemberUnauthorizedError) throw new ProbeFailure('Unauthorized', err.message);
  const text = err instanceof ProbeFailure ? err.message : err instanceof Error && err.message.startsWith('GET ') ? err.message : describeFailure(err);
  notes.push(`${what}: ${text}`);
}

/**
 * One probe of a member: `GET /readyz` (200 is healthy); a SelfSubjectReview (anonymous means the credentials are
 * not trusted); `GET /version`; discovery when asked; nodes and active pods for the node and resource summaries.
 * Only readyz and the credential checks can fail the probe; the rest is best effort, reported in `notes`. Every
 * message is credential-free.
 */
export async function probeMember(client: ClusterClient, options: ProbeOptions): Promise<ProbeResult> {
  const { timeoutMs } = options;
  const notes: string[] = [];
  try {
    const ready = await call(client, 'GET', '/readyz', timeoutMs);
    if (ready.status !== 200) throw new ProbeFailure('NotReady', `/readyz answered ${describeStatus(ready.status, '')}`);
    await checkIdentity(client, timeoutMs);

    let kubernetesVersion: string | undefined;
    try {
      const res = await call(client, 'GET', '/version', timeoutMs);
      if (res.status === 200) kubernetesVersion = (JSON.parse(res.body) as { gitVersion?: string }).gitVersion;
      else notes.push(`GET /version: ${describeStatus(res.status, res.body)}`);
    } catch (err) {
      note(notes, 'GET /version', err);
    }

    let apiEnablements: ApiEnablements | undefined;
    const discoveryNotes: string[] = [];
    if (options.discovery) {
      try {
        const found = await discoverApiEnablements(client, timeoutMs);
        apiEnablements = found.apiEnablements;
        if (found.failed.length > 0) discoveryNotes.push(`discovery left out ${found.failed.join(', ')}`);
      } catch (err) {
        note(discoveryNotes, 'discovery', err);
      }
    }

    let summary: ReturnType<typeof summarizeResources> | undefined;
    if (options.summary !== false) {
      try {
        const nodes = await listAll<NodeFacts>(client, '/api/v1/nodes', timeoutMs);
        const pods = await listAll<PodFacts>(client, `/api/v1/pods?fieldSelector=${encodeURIComponent(ACTIVE_PODS)}`, timeoutMs, podFactsOf);
        summary = summarizeResources(nodes, pods);
      } catch (err) {
        note(notes, 'node and pod summary', err);
      }
    }
    return {
      ...(kubernetesVersion ? { kubernetesVersion } : {}),
      ...(apiEnablements ? { apiEnablements } : {}),
      ...(summary ? { nodeSummary: summary.nodeSummary, resourceSummary: summary.resourceSummary } : {}),
      notes,
      ...(options.discovery ? { discoveryNotes } : {}),
    };
  } catch (err) {
    if (err instanceof ProbeFailure) return { failure: { kind: err.kind, message: err.message }, notes };
    return { failure: { kind: 'Unreachable', message: describeFailure(err) }, notes };
  }
}
