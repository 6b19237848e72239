import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserInfo } from '../auth/user-info.js';
import { ClusterClient } from '../members/cluster-client.js';
import type { FleetMember } from './fleet-members.js';
import { MemberAccessReview, type MemberAccessAttributes } from './member-access-review.js';

const SAR_PATH = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

interface Review {
  origin: string;
  auth: string | undefined;
  body: { apiVersion: string; kind: string; spec: Record<string, unknown> };
}

let mock: MockAgent;
let reviews: Review[];
/** What each member answers: a status and body, or an error to throw. */
let answer: (r: Review) => { statusCode: number; data: string } | Error;

const allow = (allowed: boolean, extra: Record<string, unknown> = {}) => ({
  statusCode: 201,
  data: JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', status: { allowed, ...extra } }),
});

function fakeMember(name: string): FleetMember {
  const origin = `https://${name}.invalid:6443`;
  mock
    .get(origin)
    .intercept({ path: SAR_PATH, method: 'POST' })
    .reply((opts) => {
      const headers = opts.headers as Record<string, string>;
      const r: Review = { origin, auth: headers.authorization, body: JSON.parse(String(opts.body)) as Review['body'] };
      reviews.push(r);
      const a = answer(r);
      if (a instanceof Error) throw a;
      return a;
    })
    .persist();
  return { name, client: new ClusterClient({ server: origin, token: `${name}-token` }, { dispatcher: mock }), ready: true };
}

const ALICE: UserInfo = {
  name: 'alice',
  uid: 'u-1',
  groups: ['dev', 'system:authenticated'],
  extra: { 'authentication.kubernetes.io/credential-id': ['X509SHA256=ab'], scopes: ['a', 'b'] },
};
const LIST_PODS: MemberAccessAttributes = { verb: 'list', group: '', resource: 'pods', namespace: 'web' };

let clock: number;
const now = () => clock;

beforeEach(() => {
  mock = new MockAgent();
  mock.disableNetConnect();
  reviews = [];
  answer = () => allow(true);
  clock = 1_000_000;
});
afterEach(async () => mock.close());

describe('MemberAccessReview', () => {
  it('asks the member with Herd credentials about the user, their groups, uid and extra', async () => {
    const m1 = fakeMember('m1');
    const access = new MemberAccessReview({ now });
    expect(await access.allowed(m1, ALICE, { verb: 'get', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'web', name: 'd' })).toEqual({
      allowed: true,
      reason: '',
    });
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.auth).toBe('Bearer m1-token');
    expect(reviews[0]!.body).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        resourceAttributes: { namespace: 'web', verb: 'get', group: 'apps', resource: 'deployments', subresource: 'scale', name: 'd' },
        user: 'alice',
        groups: ['dev', 'system:authenticated'],
        extra: { 'authentication.kubernetes.io/credential-id': ['X509SHA256=ab'], scopes: ['a', 'b'] },
        uid: 'u-1',
      },
    });
  });

  it('leaves out empty fields (cluster-wide list, no uid, no extra)', async () => {
    const m1 = fakeMember('m1');
    await new MemberAccessReview({ now }).allowed(m1, { name: 'bob', groups: [], extra: {} }, { verb: 'list', group: '', resource: 'nodes' });
    expect(reviews[0]!.body.spec).toEqual({ resourceAttributes: { verb: 'list', resource: 'nodes' }, user: 'bob' });
  });

  it('keeps an allowed answer for ttlMs, then asks again', async () => {
    const m1 = fakeMember('m1');
    const access = new MemberAccessReview({ now, ttlMs: 10_000 });
    await access.allowed(m1, ALICE, LIST_PODS);
    clock += 9_999;
    expect(await access.allowed(m1, ALICE, LIST_PODS)).toEqual({ allowed: true, reason: '' });
    expect(reviews).toHaveLength(1);
    clock += 2;
    await access.allowed(m1, ALICE, LIST_PODS);
    expect(reviews).toHaveLength(2);
  });

  it('keeps a denial for ttlMs too, with the member reason', async () => {
    const m1 = fakeMember('m1');
    answer = () => allow(false, { reason: 'no RBAC policy matched' });
    const access = new MemberAccessReview({ now });
    expect(await access.allowed(m1, ALICE, LIST_PODS)).toEqual({ allowed: false, reason: 'no RBAC policy matched' });
    answer = () => allow(true);
    clock += 5_000;
    expect(await access.allowed(m1, ALICE, LIST_PODS)).toEqual({ allowed: false, reason: 'no RBAC policy matched' });
    expect(reviews).toHaveLength(1);
    clock += 5_001;
    expect(await access.allowed(m1, ALICE, LIST_PODS)).toEqual({ allowed: true, reason: '' });
  });

  it('asks separately per member, per user identity and per attributes; extra key order does not matter', async () => {
    const m1 = fakeMember('m1');
    const m2 = fakeMember('m2');
    const access = new MemberAccessReview({ now });
    await access.allowed(m1, ALICE, LIST_PODS);
    await access.allowed(m2, ALICE, LIST_PODS);
    await access.allowed(m1, { ...ALICE, groups: ['dev'] }, LIST_PODS);
    await access.allowed(m1, { ...ALICE, uid: 'u-2' }, LIST_PODS);
    await access.allowed(m1, { ...ALICE, extra: { scopes: ['a'] } }, LIST_PODS);
    await access.allowed(m1, ALICE, { ...LIST_PODS, verb: 'watch' });
    await access.allowed(m1, ALICE, { ...LIST_PODS, namespace: 'other' });
    await access.allowed(m1, ALICE, { ...LIST_PODS, group: 'metrics.k8s.io' });
    expect(reviews).toHaveLength(8);
    expect(reviews.map((r) => r.origin).filter((o) => o.includes('m2'))).toHaveLength(1);
    const reordered = { ...ALICE, extra: { scopes: ['a', 'b'], 'authentication.kubernetes.io/credential-id': ['X509SHA256=ab'] } };
    await access.allowed(m1, reordered, LIST_PODS);
    expect(reviews).toHaveLength(8);
  });

  it('shares one review among concurrent identical questions', async () => {
    const m1 = fakeMember('m1');
    const access = new MemberAccessReview({ now });
    // All asked before the first answer arrives: nothing is cached yet, only the review under way can be shared.
    const pending = [access.allowed(m1, ALICE, LIST_PODS), access.allowed(m1, ALICE, LIST_PODS), access.allowed(m1, ALICE, LIST_PODS)];
    const other = access.allowed(m1, ALICE, { ...LIST_PODS, verb: 'watch' });
    expect(await Promise.all(pending)).toEqual([
      { allowed: true, reason: '' },
      { allowed: true, reason: '' },
      { allowed: true, reason: '' },
    ]);
    await other;
    expect(reviews).toHaveLength(2);
  });

  it('refuses, naming the member, when the member refuses the review itself; remembers that for one second only', async () => {
    const m1 = fakeMember('m1');
    answer = () => ({
      statusCode: 403,
      data: JSON.stringify({ kind: 'Status', code: 403, message: 'subjectaccessreviews.authorization.k8s.io is forbidden: User "herd" cannot create' }),
    });
    const access = new MemberAccessReview({ now });
    const refused = await access.allowed(m1, ALICE, LIST_PODS);
    expect(refused.allowed).toBe(false);
    expect(refused.reason).toMatch(/^m1: SubjectAccessReview: 403 Forbidden: subjectaccessreviews.authorization.k8s.io is forbidden/);
    answer = () => allow(true);
    clock += 999;
    expect((await access.allowed(m1, ALICE, LIST_PODS)).allowed).toBe(false);
    expect(reviews).toHaveLength(1);
    clock += 2;
    expect(await access.allowed(m1, ALICE, LIST_PODS)).toEqual({ allowed: true, reason: '' });
    expect(reviews).toHaveLength(2);
  });

  it('refuses, naming the member and the cause, when the member cannot be reached', async () => {
    const m1 = fakeMember('m1');
    answer = () => Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const access = new MemberAccessReview({ now });
    const refused = await access.allowed(m1, ALICE, LIST_PODS);
    expect(refused).toEqual({ allowed: false, reason: expect.stringMatching(/^m1: .*ECONNREFUSED/) as unknown as string });
    clock += 1_001;
    answer = () => allow(true);
    expect((await access.allowed(m1, ALICE, LIST_PODS)).allowed).toBe(true);
  });

  it('refuses with "timed out" when the member does not answer within timeoutMs', async () => {
    const origin = 'https://m1.invalid:6443';
    mock.get(origin).intercept({ path: SAR_PATH, method: 'POST' }).reply(201, JSON.stringify({ status: { allowed: true } })).delay(500);
    const m1: FleetMember = { name: 'm1', client: new ClusterClient({ server: origin }, { dispatcher: mock }), ready: true };
    const refused = await new MemberAccessReview({ now, timeoutMs: 50 }).allowed(m1, ALICE, LIST_PODS);
    expect(refused).toEqual({ allowed: false, reason: 'm1: timed out' });
  });

  it('refuses an answer that is both allowed and denied, and an answer that is not JSON', async () => {
    const m1 = fakeMember('m1');
    answer = () => allow(true, { denied: true });
    const access = new MemberAccessReview({ now });
    expect(await access.allowed(m1, ALICE, LIST_PODS)).toEqual({ allowed: false, reason: 'm1: SubjectAccessReview answered both allowed and denied' });
    answer = () => ({ statusCode: 201, data: '<html>' });
    expect(await access.allowed(m1, ALICE, { ...LIST_PODS, verb: 'get' })).toEqual({ allowed: false, reason: 'm1: SubjectAccessReview: the answer is not JSON' });
  });

  it('reports an evaluation error as the reason when the member gives no other', async () => {
    const m1 = fakeMember('m1');
    answer = () => allow(false, { evaluationError: 'webhook unavailable' });
    expect(await new MemberAccessReview({ now }).allowed(m1, ALICE, LIST_PODS)).toEqual({ allowed: false, reason: 'evaluation error: webhook unavailable' });
  });

  it('evicts the least recently used answer beyond max', async () => {
    const m1 = fakeMember('m1');
    const access = new MemberAccessReview({ now, max: 2 });
    await access.allowed(m1, ALICE, { ...LIST_PODS, namespace: 'a' });
    await access.allowed(m1, ALICE, { ...LIST_PODS, namespace: 'b' });
    await access.allowed(m1, ALICE, { ...LIST_PODS, namespace: 'c' });
    await access.allowed(m1, ALICE, { ...LIST_PODS, namespace: 'c' });
    expect(reviews).toHaveLength(3);
    await access.allowed(m1, ALICE, { ...LIST_PODS, namespace: 'a' });
    expect(reviews).toHaveLength(4);
  });
});
