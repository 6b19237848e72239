// The authenticated identity of a request (apiserver pkg/authentication/user) and the rule that marks every
// non-anonymous user as `system:authenticated` (pkg/authentication/group/authenticated_group_adder.go).

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  /** Keys as received (for example `authentication.kubernetes.io/credential-id`), values in order. */
  extra: Record<string, string[]>;
}

export const ANONYMOUS_USER = 'system:anonymous';
export const ALL_AUTHENTICATED_GROUP = 'system:authenticated';
export const ALL_UNAUTHENTICATED_GROUP = 'system:unauthenticated';
export const SYSTEM_MASTERS_GROUP = 'system:masters';
/** Extra key naming the credential that authenticated the user (x509 fingerprint, token id). */
export const CREDENTIAL_ID_EXTRA_KEY = 'authentication.kubernetes.io/credential-id';

/** The identity given to requests without credentials when anonymous access is on. */
export function anonymousUser(): UserInfo {
  return { name: ANONYMOUS_USER, groups: [ALL_UNAUTHENTICATED_GROUP], extra: {} };
}

/**
 * Appends `system:authenticated` unless the user is `system:anonymous` or already carries `system:authenticated`
 * or `system:unauthenticated`. Returns a new value when it adds the group; the input is never mutated.
 */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.name === ANONYMOUS_USER) return user;
  if (user.groups.some((g) => g === ALL_AUTHENTICATED_GROUP || g === ALL_UNAUTHENTICATED_GROUP)) return user;
  return { ...user, groups: [...user.groups, ALL_AUTHENTICATED_GROUP] };
}
