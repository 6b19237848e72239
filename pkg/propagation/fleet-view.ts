import type { MemberFleet } from '../members/member-fleet.js';

/** What propagation needs of the member fleet: the MemberFleet itself, or a fake in tests. */
export type FleetView = Pick<MemberFleet, 'members' | 'get' | 'onChange' | 'probeSoon' | 'refreshDiscovery'>;
