import type { MemberClusterStatus } from '../../api/federation/v1alpha1/member-cluster.js';
import type { ClusterClient } from './cluster-client.js';
import { describeFailure, describeStatus } from './describe-failure.js';
import { MemberUnauthorizedError } from './member-unauthorized-error.js';

export type ApiEnablements = NonNullable<MemberClusterStatus['apiEnablements']>;

interface ResourceList {
  resources?: { name?: string; kind?: string }[];
}
interface GroupList {
  groups?: { name?: string; versions?: { groupVersion?: string }[]; preferredVersion?: { groupVersion?: string } }[];
}

/** Group versions read at once. */
const PARALLEL = 8;

export interface DiscoveryResult {
  readonly apiEnablements: ApiEnablements;
  /** Group versions whose discovery failed (an aggregated API that is down, say); they are left out. */
  readonly failed: readonly string[];
}

async function resources(client: ClusterClient, path: string, timeoutMs: number): Promise<{ name: string; kind: string }[]> {
  const res = await client.call('GET', path, undefined, timeoutMs);
  if (res.status === 401) throw new MemberUnauthorizedError(`GET ${path}: 401 Unauthorized`);
  if (res.status !== 200) throw new Error(`GET ${path}: ${describeStatus(res.status, res.body)}`);
  const list = JSON.parse(res.body) as ResourceList;
  return (list.resources ?? [])
    .filter((r): r is { name: string; kind: string } => typeof r.name === 'string' && typeof r.kind === 'string' && !r.name.includes('/'))
    .map((r) => ({ name: r.name, kind: r.kind }));
}

/**
 * What a member serves, from its discovery: `/api/v1`, then `/apis` and every served version of each group
 * (preferred version first, as `/apis` lists them). Subresources are left out. A group version that fails is left
 * out and named in `failed`; `/api/v1` or `/apis` failing fails the whole read.
 */
export async function discoverApiEnablements(client: ClusterClient, timeoutMs: number): Promise<DiscoveryResult> {
  const core = await resources(client, '/api/v1', timeoutMs);
  const res = await client.call('GET', '/apis', undefined, timeoutMs);
  if (res.status === 401) throw new MemberUnauthorizedError('GET /apis: 401 Unauthorized');
  if (res.status !== 200) throw new Error(`GET /apis: ${describeStatus(res.status, res.body)}`);
  const groups = (JSON.parse(res.body) as GroupList).groups ?? [];
  const gvs: string[] = [];
  for (const g of groups) {
    const preferred = g.preferredVersion?.groupVersion;
    const versions = (g.versions ?? []).map((v) => v.groupVersion).filter((v): v is string => !!v);
    for (const gv of preferred && versions.includes(preferred) ? [preferred, ...versions.filter((v) => v !== preferred)] : versions) {
      if (!gvs.includes(gv)) gvs.push(gv);
    }
  }
  const found = new Map<string, { name: string; kind: string }[]>();
  const failed: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < gvs.length) {
      const gv = gvs[next++]!;
      try {
        found.set(gv, await resources(client, `/apis/${gv}`, timeoutMs));
      } catch (err) {
        if (err instanceof MemberUnauthorizedError) throw err;
        failed.push(`${gv} (${err instanceof Error && err.message.startsWith('GET ') ? err.message : describeFailure(err)})`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, gvs.length) }, worker));
  const apiEnablements: ApiEnablements = [{ groupVersion: 'v1', resources: core }];
  for (const gv of gvs) {
    const list = found.get(gv);
    if (list) apiEnablements.push({ groupVersion: gv, resources: list });
  }
  return { apiEnablements, failed };
}
