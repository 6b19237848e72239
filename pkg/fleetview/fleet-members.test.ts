import { describe, expect, it } from 'vitest';
import type { MemberSnapshot } from '../members/member-snapshot.js';
import { ClusterClient } from '../members/cluster-client.js';
import { fleetMembersOf } from './fleet-members.js';

const client = new ClusterClient({ server: 'https://member.invalid' });

const snapshot = (name: string, o: Partial<MemberSnapshot> = {}): MemberSnapshot => ({
  name,
  labels: {},
  ready: true,
  leaving: false,
  unschedulable: false,
  taints: [],
  client,
  ...o,
});

describe('fleetMembersOf', () => {
  it('lists members with a client that are not leaving, in name order, and passes changes on', () => {
    const snapshots = [snapshot('m3'), snapshot('m1', { ready: false }), snapshot('m2', { client: undefined }), snapshot('m0', { leaving: true })];
    const listeners: ((name: string) => void)[] = [];
    const members = fleetMembersOf({
      members: () => snapshots,
      get: (name) => snapshots.find((s) => s.name === name),
      onChange: (l) => (listeners.push(l), () => {}),
    });
    expect(members.list().map((m) => `${m.name}:${m.ready}`)).toEqual(['m1:false', 'm3:true']);
    expect(members.get('m3')?.client).toBe(client);
    expect(members.get('m2')).toBeUndefined();
    expect(members.get('m0')).toBeUndefined();
    expect(members.get('nope')).toBeUndefined();
    const heard: string[] = [];
    members.onChange((n) => heard.push(n));
    listeners.forEach((l) => l('m1'));
    expect(heard).toEqual(['m1']);
  });
});
