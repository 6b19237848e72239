import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAuthenticationError } from './authentication-request.js';
import { HostReviewClient, isHostCallError } from './host-review-client.js';
import { TOKEN_REVIEWS_PATH, TokenReviewAuthenticator, type TokenReviewAuthenticatorOptions } from './token-review-authenticator.js';

const BASE = 'https://host.example:6443';

let agent: MockAgent;
let reviews: { spec: { token: string; audiences?: string[] } }[];
let clock: number;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  reviews = [];
  clock = 5_000_000;
});

afterEach(async () => {
  await agent.close();
});

function host(status: object, delayMs = 0): void {
  const scope = agent
    .get(BASE)
    .intercept({ path: TOKEN_REVIEWS_PATH, method: 'POST' })
    .reply(201, (opts) => {
      const body = JSON.parse(String(opts.body)) as (typeof reviews)[number];
      reviews.push(body);
      return { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', status };
    });
  if (delayMs > 0) scope.delay(delayMs);
  scope.persist();
}

function authenticator(options: Partial<TokenReviewAuthenticatorOptions> = {}): TokenReviewAuthenticator {
  const client = new HostReviewClient({ baseUrl: BASE, dispatcher: agent, retry: { initialDelayMs: 0, factor: 1, jitter: 0, steps: 1 } });
  return new TokenReviewAuthenticator({ client, now: () => clock, ...options });
}

const accepted = {
  authenticated: true,
  user: { username: 'system:serviceaccount:ns:sa', uid: 'uid-1', groups: ['system:serviceaccounts'], extra: { 'authentication.kubernetes.io/credential-id': ['JTI=abc'] } },
  audiences: ['https://kubernetes.default.svc'],
};

describe('TokenReviewAuthenticator', () => {
  it('posts the upstream TokenReview and returns the reviewed user', async () => {
    host(accepted);
    const res = await authenticator().authenticateToken('tok-1');
    expect(res).toEqual({
      user: { name: 'system:serviceaccount:ns:sa', uid: 'uid-1', groups: ['system:serviceaccounts'], extra: { 'authentication.kubernetes.io/credential-id': ['JTI=abc'] } },
    });
    expect(reviews).toEqual([{ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'tok-1' } }]);
  });

  it('fills absent user fields with empty values', async () => {
    host({ authenticated: true, user: { username: 'bob', groups: null } });
    expect(await authenticator().authenticateToken('t')).toStrictEqual({ user: { name: 'bob', groups: [], extra: {} } });
  });

  it('returns undefined for a token the host does not accept', async () => {
    host({ authenticated: false });
    expect(await authenticator().authenticateToken('bad')).toBeUndefined();
  });

  it('rejects with the review error when the host reports one', async () => {
    host({ authenticated: false, error: 'token has expired' });
    const err = await authenticator().authenticateToken('old').catch((e: unknown) => e);
    expect(isAuthenticationError(err)).toBe(true);
    expect((err as Error).message).toBe('token has expired');
  });

  it.each([
    { name: 'accepts a review that confirms one of our audiences', statusAudiences: ['other', 'herd'], want: ['herd'] },
    { name: 'assumes our audiences when the review confirms none', statusAudiences: [], want: ['herd', 'api'] },
    { name: 'returns undefined when the review confirms only other audiences', statusAudiences: ['other'], want: undefined },
  ])('$name', async ({ statusAudiences, want }) => {
    host({ ...accepted, audiences: statusAudiences });
    const res = await authenticator({ audiences: ['herd', 'api'] }).authenticateToken('t');
    expect(reviews[0]?.spec).toEqual({ token: 't', audiences: ['herd', 'api'] });
    expect(res?.audiences).toEqual(want);
    if (want === undefined) expect(res).toBeUndefined();
  });

  it('caches an accepted token until the success TTL passes', async () => {
    host(accepted);
    const a = authenticator({ successCacheTtlMs: 10_000 });
    await a.authenticateToken('t');
    clock += 9_999;
    await a.authenticateToken('t');
    expect(reviews).toHaveLength(1);
    clock += 2;
    await a.authenticateToken('t');
    expect(reviews).toHaveLength(2);
  });

  it('caches a rejected token for the failure TTL', async () => {
    host({ authenticated: false });
    const a = authenticator({ failureCacheTtlMs: 1_000 });
    await a.authenticateToken('t');
    await a.authenticateToken('t');
    expect(reviews).toHaveLength(1);
    clock += 1_001;
    await a.authenticateToken('t');
    expect(reviews).toHaveLength(2);
  });

  it('does not cache a review that reported an error', async () => {
    host({ authenticated: false, error: 'boom' });
    const a = authenticator();
    await a.authenticateToken('t').catch(() => undefined);
    await a.authenticateToken('t').catch(() => undefined);
    expect(reviews).toHaveLength(2);
  });

  it('rejects when the host fails, and asks again next time', async () => {
    agent.get(BASE).intercept({ path: TOKEN_REVIEWS_PATH, method: 'POST' }).reply(503, 'unavailable');
    const a = authenticator();
    const err = await a.authenticateToken('t').catch((e: unknown) => e);
    expect(isHostCallError(err)).toBe(true);
    host(accepted);
    expect((await a.authenticateToken('t'))?.user.name).toBe('system:serviceaccount:ns:sa');
  });

  it('shares one review among concurrent callers with the same token', async () => {
    host(accepted, 20);
    const a = authenticator();
    const results = await Promise.all([a.authenticateToken('t'), a.authenticateToken('t'), a.authenticateToken('u')]);
    expect(results.map((r) => r?.user.name)).toEqual(Array(3).fill('system:serviceaccount:ns:sa'));
    expect(reviews.map((r) => r.spec.token).sort()).toEqual(['t', 'u']);
  });

  it('lets a caller stop waiting without failing the others', async () => {
    host(accepted, 20);
    const a = authenticator();
    const controller = new AbortController();
    const leaving = a.authenticateToken('t', controller.signal);
    const staying = a.authenticateToken('t');
    controller.abort(new Error('gone'));
    await expect(leaving).rejects.toThrow('gone');
    expect((await staying)?.user.name).toBe('system:serviceaccount:ns:sa');
  });

  it('hands out copies, so a caller cannot change the cached user', async () => {
    host(accepted);
    const a = authenticator();
    (await a.authenticateToken('t'))!.user.groups.push('system:masters');
    expect((await a.authenticateToken('t'))?.user.groups).toEqual(['system:serviceaccounts']);
  });
});
