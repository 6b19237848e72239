import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterClient } from '../members/cluster-client.js';
import { MemberUnavailableError, MemberWriter } from './member-writer.js';

const SERVER = 'https://member.example:6443';
let agent: MockAgent | undefined;

function writer(options: ConstructorParameters<typeof MemberWriter>[2] = {}) {
  agent = new MockAgent();
  agent.disableNetConnect();
  const client = new ClusterClient({ server: SERVER, token: 'secret-token-value' }, { dispatcher: agent });
  return { w: new MemberWriter('m1', client, options), pool: agent.get(SERVER) };
}

afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

describe('MemberWriter', () => {
  it('server-side applies with field manager herd and force', async () => {
    const { w, pool } = writer();
    let seen: { path: string; headers: Record<string, string> } | undefined;
    pool
      .intercept({ path: (p) => p.startsWith('/apis/apps/v1/namespaces/d/deployments/web'), method: 'PATCH' })
      .reply((opts) => {
        seen = { path: opts.path, headers: opts.headers as Record<string, string> };
        return { statusCode: 200, data: '{"kind":"Deployment"}' };
      });
    const res = await w.apply('/apis/apps/v1/namespaces/d/deployments/web', { kind: 'Deployment' });
    expect(res.status).toBe(200);
    expect(seen?.path).toBe('/apis/apps/v1/namespaces/d/deployments/web?fieldManager=herd&force=true');
    expect(seen?.headers['content-type']).toBe('application/apply-patch+yaml');
  });

  it('retries 503 answers and returns the final answer', async () => {
    const { w, pool } = writer({ attempts: 3 });
    pool.intercept({ path: '/x', method: 'GET' }).reply(503, 'busy');
    pool.intercept({ path: '/x', method: 'GET' }).reply(200, 'ok');
    const res = await w.get('/x');
    expect(res).toEqual({ status: 200, body: 'ok' });
  });

  it('hands other HTTP answers back without retrying', async () => {
    const { w, pool } = writer({ attempts: 3 });
    pool.intercept({ path: '/x', method: 'GET' }).reply(422, '{"reason":"Invalid"}');
    const res = await w.get('/x');
    expect(res.status).toBe(422);
  });

  it('opens the breaker after consecutive network failures, failing fast without leaking credentials', async () => {
    const { w, pool } = writer({ attempts: 1, breakerThreshold: 2, breakerHalfOpenAfterMs: 60_000 });
    pool.intercept({ path: '/x', method: 'GET' }).replyWithError(new Error('connect ECONNREFUSED')).times(2);
    await expect(w.get('/x')).rejects.toBeInstanceOf(MemberUnavailableError);
    await expect(w.get('/x')).rejects.toBeInstanceOf(MemberUnavailableError);
    expect(w.open).toBe(true);
    const err = await w.get('/x').catch((e: Error) => e);
    expect(err).toBeInstanceOf(MemberUnavailableError);
    expect((err as Error).message).toContain('circuit breaker open');
    expect((err as Error).message).not.toContain('secret-token-value');
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    let inFlight = 0;
    let max = 0;
    const slow = {
      async callWithType() {
        inFlight++;
        max = Math.max(max, inFlight);
        await new Promise((r) => setTimeout(r, 10));
        inFlight--;
        return { status: 200, body: 'ok' };
      },
    } as unknown as ClusterClient;
    const w = new MemberWriter('m1', slow, { concurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => w.get('/x')));
    expect(max).toBe(2);
  });
});
