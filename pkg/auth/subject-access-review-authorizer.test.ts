import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newRequestInfo, parseRequestTarget, type RequestInfo } from '../apimachinery/request-info.js';
import { HostReviewClient, isHostCallError } from './host-review-client.js';
import {
  SUBJECT_ACCESS_REVIEWS_PATH,
  SubjectAccessReviewAuthorizer,
  type SubjectAccessReviewAuthorizerOptions,
} from './subject-access-review-authorizer.js';
import type { UserInfo } from './user-info.js';

const BASE = 'https://host.example:6443';
const G = 'federation.example.io';

let agent: MockAgent;
let reviews: unknown[];
let clock: number;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  reviews = [];
  clock = 1_000_000;
});

afterEach(async () => {
  await agent.close();
});

/** Answers every review with `status`, recording the request bodies. */
function host(status: object | ((body: { spec: unknown }) => object)): void {
  agent
    .get(BASE)
    .intercept({ path: SUBJECT_ACCESS_REVIEWS_PATH, method: 'POST' })
    .reply(201, (opts) => {
      const body = JSON.parse(String(opts.body)) as { spec: unknown };
      reviews.push(body);
      return { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: body.spec, status: typeof status === 'function' ? status(body) : status };
    })
    .persist();
}

function authorizer(options: Partial<SubjectAccessReviewAuthorizerOptions> = {}): SubjectAccessReviewAuthorizer {
  const client = new HostReviewClient({ baseUrl: BASE, dispatcher: agent, retry: { initialDelayMs: 0, factor: 1, jitter: 0, steps: 1 } });
  return new SubjectAccessReviewAuthorizer({ client, now: () => clock, ...options });
}

function info(method: string, target: string): RequestInfo {
  const { path, query } = parseRequestTarget(target);
  return newRequestInfo({ method, path, query });
}

const alice: UserInfo = { name: 'alice', uid: 'u1', groups: ['dev', 'system:authenticated'], extra: { scopes: ['a'] } };
const getX = info('GET', `/apis/${G}/v1alpha1/namespaces/ns1/federateddeployments/x`);

describe('SubjectAccessReviewAuthorizer', () => {
  it('sends the upstream review shape and returns the answer', async () => {
    host({ allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "x"' });
    const decision = await authorizer().authorize(getX, alice);
    expect(decision).toEqual({ allowed: true, denied: false, reason: 'RBAC: allowed by ClusterRoleBinding "x"', evaluationError: '' });
    expect(reviews).toEqual([
      {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          resourceAttributes: { namespace: 'ns1', verb: 'get', group: G, version: 'v1alpha1', resource: 'federateddeployments', name: 'x' },
          user: 'alice',
          groups: ['dev', 'system:authenticated'],
          extra: { scopes: ['a'] },
          uid: 'u1',
        },
      },
    ]);
  });

  it.each([
    { name: 'reports an explicit deny', status: { allowed: false, denied: true, reason: 'policy says no' }, want: { allowed: false, denied: true, reason: 'policy says no', evaluationError: '' } },
    { name: 'reports no opinion as not allowed', status: { allowed: false }, want: { allowed: false, denied: false, reason: '', evaluationError: '' } },
    { name: 'passes the evaluation error on', status: { allowed: false, evaluationError: 'role "r" not found' }, want: { allowed: false, denied: false, reason: '', evaluationError: 'role "r" not found' } },
  ])('$name', async ({ status, want }) => {
    host(status);
    expect(await authorizer().authorize(getX, alice)).toEqual(want);
  });

  it.each([
    { name: 'allows system:masters without a review', target: `/apis/${G}/v1alpha1`, user: { name: 'system:kube-aggregator', groups: ['system:masters'], extra: {} } },
    { name: 'allows /healthz without a review', target: '/healthz', user: alice },
    { name: 'allows /readyz without a review', target: '/readyz', user: alice },
    { name: 'allows /livez without a review', target: '/livez', user: alice },
  ])('$name', async ({ target, user }) => {
    host({ allowed: false });
    expect((await authorizer().authorize(info('GET', target), user)).allowed).toBe(true);
    expect(reviews).toEqual([]);
  });

  it.each([
    { name: 'reviews system:masters when the shortcut is turned off', options: { alwaysAllowGroups: [] }, target: `/apis/${G}/v1alpha1`, groups: ['system:masters'] },
    { name: 'reviews a health subpath that is not listed', options: {}, target: '/healthz/etcd', groups: [] },
    { name: 'reviews a resource named like a health path', options: {}, target: '/api/v1/healthz', groups: [] },
  ])('$name', async ({ options, target, groups }) => {
    host({ allowed: false });
    const decision = await authorizer(options).authorize(info('GET', target), { name: 'u', groups, extra: {} });
    expect(decision.allowed).toBe(false);
    expect(reviews).toHaveLength(1);
  });

  it('matches trailing-star path patterns as prefixes', async () => {
    host({ allowed: false });
    const a = authorizer({ alwaysAllowPaths: ['/metrics*'] });
    expect((await a.authorize(info('GET', '/metrics/slis'), alice)).allowed).toBe(true);
    expect((await a.authorize(info('GET', '/healthz'), alice)).allowed).toBe(false);
  });

  it('rejects a star that is not trailing', () => {
    expect(() => authorizer({ alwaysAllowPaths: ['/a*b'] })).toThrow('only trailing * allowed in "/a*b"');
  });

  it('caches an allow until its TTL passes', async () => {
    host({ allowed: true });
    const a = authorizer({ allowCacheTtlMs: 10_000 });
    await a.authorize(getX, alice);
    clock += 9_000;
    await a.authorize(getX, alice);
    expect(reviews).toHaveLength(1);
    clock += 2_000;
    await a.authorize(getX, alice);
    expect(reviews).toHaveLength(2);
  });

  it('caches a deny for its own TTL', async () => {
    host({ allowed: false, denied: true });
    const a = authorizer({ allowCacheTtlMs: 60_000, denyCacheTtlMs: 1_000 });
    await a.authorize(getX, alice);
    clock += 500;
    await a.authorize(getX, alice);
    expect(reviews).toHaveLength(1);
    clock += 600;
    await a.authorize(getX, alice);
    expect(reviews).toHaveLength(2);
  });

  it('keys the cache by the whole spec, so another user or verb is reviewed again', async () => {
    host({ allowed: true });
    const a = authorizer();
    await a.authorize(getX, alice);
    await a.authorize(getX, { ...alice, groups: ['dev'] });
    await a.authorize(info('DELETE', `/apis/${G}/v1alpha1/namespaces/ns1/federateddeployments/x`), alice);
    await a.authorize(getX, { ...alice, extra: { scopes: ['a'] } });
    expect(reviews).toHaveLength(3);
  });

  it('rejects when the host fails and does not cache the failure', async () => {
    agent.get(BASE).intercept({ path: SUBJECT_ACCESS_REVIEWS_PATH, method: 'POST' }).reply(500, { kind: 'Status', message: 'boom' });
    const a = authorizer();
    const err = await a.authorize(getX, alice).catch((e: unknown) => e);
    expect(isHostCallError(err)).toBe(true);
    host({ allowed: true });
    expect((await a.authorize(getX, alice)).allowed).toBe(true);
  });

  it('rejects an answer that both allows and denies', async () => {
    host({ allowed: true, denied: true });
    await expect(authorizer().authorize(getX, alice)).rejects.toThrow('webhook subject access review returned both allow and deny response');
  });

  it('does not cache reviews with very long attributes', async () => {
    host({ allowed: true });
    const a = authorizer();
    const long = info('GET', `/apis/${G}/v1alpha1/namespaces/ns1/federateddeployments/${'n'.repeat(5_000)}`);
    await a.authorize(long, alice);
    await a.authorize(long, alice);
    expect(reviews).toHaveLength(2);
  });
});
