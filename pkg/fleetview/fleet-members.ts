import type { ClusterClient } from '../members/cluster-client.js';
import type { MemberSnapshot } from '../members/member-snapshot.js';

/** A member the fleet view can read from: its name and the client carrying Herd's credentials for it. */
export interface FleetMember {
  readonly name: string;
  readonly client: ClusterClient;
  readonly ready: boolean;
}

/** The members the fleet view spans, and a way to hear that the set (or a member's client) changed. */
export interface FleetMembers {
  /** Members that have a client, in name order. */
  list(): FleetMember[];
  get(name: string): FleetMember | undefined;
  onChange(listener: (name: string) => void): () => void;
}

/** FleetMembers over MemberFleet-like snapshots (members without readable credentials are left out). */
export function fleetMembersOf(source: {
  members(): MemberSnapshot[];
  get(name: string): MemberSnapshot | undefined;
  onChange(listener: (name: string) => void): () => void;
}): FleetMembers {
  const toMember = (s: MemberSnapshot): FleetMember | undefined => (s.client && !s.leaving ? { name: s.name, client: s.client, ready: s.ready } : undefined);
  return {
    list: () =>
      source
        .members()
        .map(toMember)
        .filter((m): m is FleetMember => m !== undefined)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    get: (name) => {
      const s = source.get(name);
      return s ? toMember(s) : undefined;
    },
    onChange: (listener) => source.onChange(listener),
  };
}
