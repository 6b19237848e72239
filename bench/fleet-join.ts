import { performance } from 'node:perf_hooks';
import { ClusterClient, connectionFromKubeconfig } from '../pkg/members/cluster-client.js';
import { DirectoryCredentialStore } from '../pkg/members/directory-credential-store.js';
import { joinMember } from '../pkg/members/join-member.js';
import type { BenchFleet, BenchMember } from './bench-fleet.js';
import { countedList } from './fleet-list.js';
import { JOIN_POD_MARKER, PODS_PATH, viewPath } from './fleet-payload.js';
import type { HttpPool } from './http-pool.js';

/** From the join to the view listing every object of the new member. */
export interface JoinRun {
  readonly member: string;
  readonly objects: number;
  /** `joinMember` (what `herd join` runs): credentials written and the MemberCluster created. */
  readonly joinCallMs: number;
  /** The first view LIST holding any of the member's objects, from the join's start; -1 when none did before the full one. */
  readonly firstItemsMs: number;
  /** The view LIST holding all of them, read to its last byte, from the join's start. */
  readonly visibleMs: number;
  readonly viewLists: number;
  readonly bytes: number;
  /** Every view LIST made: when it started and ended (ms from the join's start) and the member's objects it held. */
  readonly timeline: readonly { readonly startMs: number; readonly endMs: number; readonly items: number; readonly status: number }[];
}

/** Between two view LISTs while waiting for the new member's objects. */
export const JOIN_POLL_GAP_MS = 5;

/**
 * Joins `member` to Herd in this process with `joinMember` (what `herd join --credentials-dir` runs, without the
 * start of a second Node process), then LISTs the member's Pods through the view (`-l herd.io/cluster=<member>`),
 * one LIST right after the other, until one holds all `objects`. The clock runs from just before the join.
 */
export async function measureJoin(fleet: BenchFleet, member: BenchMember, herd: HttpPool, objects: number, timeoutMs: number): Promise<JoinRun> {
  const client = new ClusterClient(connectionFromKubeconfig(fleet.herdKubeconfig));
  const path = viewPath(PODS_PATH, member.name);
  try {
    const t0 = performance.now();
    await joinMember({
      name: member.name,
      kubeconfig: member.kubeconfig,
      context: member.context,
      herd: client,
      credentials: new DirectoryCredentialStore(fleet.credentialsDir),
      ...(member.region ? { region: member.region } : {}),
      ...(member.zone ? { zone: member.zone } : {}),
    });
    const joinCallMs = performance.now() - t0;
    let firstItemsMs = -1;
    const timeline: { startMs: number; endMs: number; items: number; status: number }[] = [];
    for (;;) {
      const startMs = performance.now() - t0;
      const list = await countedList(herd, path, JOIN_POD_MARKER);
      const at = performance.now() - t0;
      timeline.push({ startMs: Math.round(startMs), endMs: Math.round(at), items: list.items, status: list.status });
      if (list.status !== 200) throw new Error(`view LIST ${path}: HTTP ${list.status}`);
      if (list.items > 0 && firstItemsMs < 0 && list.items < objects) firstItemsMs = at;
      if (list.items === objects) return { member: member.name, objects, joinCallMs, firstItemsMs, visibleMs: at, viewLists: timeline.length, bytes: list.bytes, timeline };
      if (list.items > objects) throw new Error(`view LIST ${path}: ${list.items} items, more than the ${objects} in ${member.name}`);
      if (at > timeoutMs) throw new Error(`view LIST ${path}: ${list.items} of ${objects} items ${Math.round(at / 1000)} s after the join`);
      await new Promise((r) => setTimeout(r, JOIN_POLL_GAP_MS));
    }
  } finally {
    await client.close();
  }
}
