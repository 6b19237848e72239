import { describe, expect, it } from 'vitest';
import { anonymousUser, withAuthenticatedGroup, type UserInfo } from './user-info.js';

describe('withAuthenticatedGroup', () => {
  it.each<{ name: string; user: UserInfo; groups: string[] }>([
    { name: 'adds system:authenticated to a user without groups', user: { name: 'system:kube-aggregator', groups: [], extra: {} }, groups: ['system:authenticated'] },
    { name: 'appends system:authenticated after existing groups', user: { name: 'alice', groups: ['dev', 'ops'], extra: {} }, groups: ['dev', 'ops', 'system:authenticated'] },
    { name: 'leaves a user that already has system:authenticated alone', user: { name: 'bob', groups: ['system:authenticated', 'dev'], extra: {} }, groups: ['system:authenticated', 'dev'] },
    { name: 'leaves a user in system:unauthenticated alone', user: { name: 'carol', groups: ['system:unauthenticated'], extra: {} }, groups: ['system:unauthenticated'] },
    { name: 'leaves system:anonymous alone whatever its groups', user: { name: 'system:anonymous', groups: ['x'], extra: {} }, groups: ['x'] },
    { name: 'adds the group to a system:masters member', user: { name: 'admin', groups: ['system:masters'], extra: {} }, groups: ['system:masters', 'system:authenticated'] },
  ])('$name', ({ user, groups }) => {
    expect(withAuthenticatedGroup(user).groups).toEqual(groups);
  });

  it('keeps uid and extra and does not mutate its input', () => {
    const user: UserInfo = { name: 'a', uid: 'u1', groups: ['g'], extra: { k: ['v'] } };
    const out = withAuthenticatedGroup(user);
    expect(out).toEqual({ name: 'a', uid: 'u1', groups: ['g', 'system:authenticated'], extra: { k: ['v'] } });
    expect(user.groups).toEqual(['g']);
  });
});

describe('anonymousUser', () => {
  it('is system:anonymous in system:unauthenticated', () => {
    expect(anonymousUser()).toEqual({ name: 'system:anonymous', groups: ['system:unauthenticated'], extra: {} });
  });
});
