import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostReviewClient, isHostCallError, type HostReviewClientOptions } from './host-review-client.js';

const BASE = 'https://host.example:6443';
const PATH = '/apis/authentication.k8s.io/v1/tokenreviews';

let agent: MockAgent;
let sleeps: number[];

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  sleeps = [];
});

afterEach(async () => {
  await agent.close();
});

function client(overrides: Partial<HostReviewClientOptions> = {}): HostReviewClient {
  return new HostReviewClient({
    baseUrl: BASE,
    dispatcher: agent,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    ...overrides,
  });
}

function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

describe('HostReviewClient.create', () => {
  it('posts JSON with the current authorization and returns the created object', async () => {
    let seen: { headers: unknown; body: unknown } | undefined;
    agent
      .get(BASE)
      .intercept({ path: PATH, method: 'POST' })
      .reply(201, (opts) => {
        seen = { headers: opts.headers, body: JSON.parse(String(opts.body)) };
        return { kind: 'TokenReview', status: { authenticated: true } };
      });
    const out = await client({ authorization: () => 'Bearer sa-token' }).create<{ kind: string }>(PATH, { kind: 'TokenReview' });
    expect(out).toEqual({ kind: 'TokenReview', status: { authenticated: true } });
    expect(seen?.body).toEqual({ kind: 'TokenReview' });
    expect(seen?.headers).toMatchObject({ authorization: 'Bearer sa-token', 'content-type': 'application/json', accept: 'application/json' });
  });

  it.each<{ name: string; failures: { status?: number; headers?: Record<string, string>; error?: true }[]; attempts: number; sleeps: number[] }>([
    { name: 'retries a 500 and then succeeds', failures: [{ status: 500 }], attempts: 2, sleeps: [500] },
    { name: 'retries 429 and 504 with growing delays', failures: [{ status: 429 }, { status: 504 }], attempts: 3, sleeps: [500, 750] },
    { name: 'retries a status with Retry-After', failures: [{ status: 503, headers: { 'retry-after': '1' } }], attempts: 2, sleeps: [500] },
    { name: 'retries a connection reset', failures: [{ error: true }], attempts: 2, sleeps: [500] },
  ])('$name', async ({ failures, attempts, sleeps: wantSleeps }) => {
    const pool = agent.get(BASE);
    for (const f of failures) {
      if (f.error) pool.intercept({ path: PATH, method: 'POST' }).replyWithError(connectionReset());
      else pool.intercept({ path: PATH, method: 'POST' }).reply(f.status ?? 500, { kind: 'Status', message: 'busy' }, { headers: f.headers ?? {} });
    }
    pool.intercept({ path: PATH, method: 'POST' }).reply(201, { ok: true });
    expect(await client().create(PATH, {})).toEqual({ ok: true });
    expect(sleeps).toEqual(wantSleeps);
    expect(sleeps.length + 1).toBe(attempts);
  });

  it('gives up after the configured number of attempts with the last error', async () => {
    agent.get(BASE).intercept({ path: PATH, method: 'POST' }).reply(500, { kind: 'Status', message: 'etcd is down' }).times(5);
    const err = await client().create(PATH, {}).catch((e: unknown) => e);
    expect(isHostCallError(err)).toBe(true);
    expect((err as Error).message).toBe(`${PATH}: status 500: etcd is down`);
    expect(sleeps).toEqual([500, 750, 1125, 1687.5]);
  });

  it('adds jitter to the delays', async () => {
    agent.get(BASE).intercept({ path: PATH, method: 'POST' }).reply(500, {});
    agent.get(BASE).intercept({ path: PATH, method: 'POST' }).reply(201, {});
    await client({ random: () => 1 }).create(PATH, {});
    expect(sleeps).toEqual([600]);
  });

  it.each([
    { name: 'does not retry a 403', status: 403, body: { kind: 'Status', message: 'forbidden: cannot create tokenreviews' }, message: `${PATH}: status 403: forbidden: cannot create tokenreviews` },
    { name: 'does not retry a 404 with a plain body', status: 404, body: 'page not found', message: `${PATH}: status 404: page not found` },
  ])('$name', async ({ status, body, message }) => {
    agent.get(BASE).intercept({ path: PATH, method: 'POST' }).reply(status, body);
    const err = await client().create(PATH, {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ isHostCallError: true, statusCode: status, message });
    expect(sleeps).toEqual([]);
  });

  it('keeps a path prefix of the base URL', async () => {
    agent.get(BASE).intercept({ path: `/prefix${PATH}`, method: 'POST' }).reply(201, { ok: true });
    expect(await client({ baseUrl: `${BASE}/prefix/` }).create(PATH, {})).toEqual({ ok: true });
  });

  it('rejects a success answer that is not JSON', async () => {
    agent.get(BASE).intercept({ path: PATH, method: 'POST' }).reply(201, 'not json');
    await expect(client().create(PATH, {})).rejects.toThrow(/unreadable response/);
  });

  it('does not retry a network error other than a reset', async () => {
    agent.get(BASE).intercept({ path: PATH, method: 'POST' }).replyWithError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
    await expect(client().create(PATH, {})).rejects.toThrow(/refused/);
    expect(sleeps).toEqual([]);
  });

  it('fails with a deadline error when the host does not answer in time', async () => {
    agent.get(BASE).intercept({ path: PATH, method: 'POST' }).reply(201, {}).delay(2_000);
    const err = await client({ timeoutMs: 30 }).create(PATH, {}).catch((e: unknown) => e);
    expect(isHostCallError(err)).toBe(true);
    expect((err as Error).message).toBe(`${PATH}: no answer within 30 ms`);
  });

  it('stops when the caller aborts', async () => {
    agent.get(BASE).intercept({ path: PATH, method: 'POST' }).reply(201, {}).delay(2_000);
    const controller = new AbortController();
    const pending = client().create(PATH, {}, controller.signal);
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
  });
});
