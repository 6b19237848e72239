/** A member refused Herd's credentials: a 401, or it took them as `system:anonymous`. The message is credential-free. */
export class MemberUnauthorizedError extends Error {
  readonly isMemberUnauthorizedError = true;
  constructor(message: string) {
    super(message);
    this.name = 'MemberUnauthorizedError';
  }
}
