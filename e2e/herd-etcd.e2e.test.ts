import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFleetState } from './controlplane/fleet-state.js';
import { startStandaloneHerd, type StandaloneHerd } from './fleet/standalone-herd.js';

const fleet = inject('fleet');
const PATH = '/apis/federation.herd.io/v1alpha1/namespaces/default/federatedconfigmaps';
const body = (name: string) =>
  JSON.stringify({ apiVersion: 'federation.herd.io/v1alpha1', kind: 'FederatedConfigMap', metadata: { name }, spec: { template: { data: { n: name } } } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function agentFor(h: StandaloneHerd): Agent {
  return new Agent({ connect: { ca: readFileSync(h.tls.caFile), cert: readFileSync(h.tls.certFile), key: readFileSync(h.tls.keyFile) } });
}

/** The names of ADDED events one replica's watch reports until `name` arrives (or the deadline passes). */
function watchUntil(h: StandaloneHerd, name: string, ms = 10_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const names: string[] = [];
    let buffer = '';
    const req = httpsRequest(`${h.url}${PATH}?watch=true`, { ca: readFileSync(h.tls.caFile), cert: readFileSync(h.tls.certFile), key: readFileSync(h.tls.keyFile) }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const event = JSON.parse(buffer.slice(0, nl)) as { type: string; object: { metadata: { name: string } } };
          buffer = buffer.slice(nl + 1);
          if (event.type === 'ADDED') names.push(event.object.metadata.name);
          if (event.object.metadata.name === name) return done();
        }
      });
    });
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      req.destroy();
      resolve(names);
    }
    req.on('error', (err) => (names.length ? done() : reject(err)));
    req.end();
  });
}

describe.runIf(fleet.stateDir !== undefined)('Herd replicas on etcd', () => {
  let a: StandaloneHerd;
  let b: StandaloneHerd;
  let agentA: Agent;
  beforeAll(async () => {
    const etcd = { servers: readFleetState(fleet.stateDir!)!.etcd.url, prefix: `/herd-e2e-${Date.now()}` };
    [a, b] = await Promise.all([startStandaloneHerd({ etcd }), startStandaloneHerd({ etcd })]);
    agentA = agentFor(a);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await agentA?.close();
  });

  it('a write to one replica shows on the other replica\'s watch', async () => {
    const seen = watchUntil(b, 'shared');
    await sleep(500);
    const res = await request(`${a.url}${PATH}`, { method: 'POST', dispatcher: agentA, headers: { 'content-type': 'application/json' }, body: body('shared') });
    expect(res.statusCode).toBe(201);
    await res.body.dump();
    expect(await seen).toContain('shared');
  });

  it('loses no acknowledged write when a replica is killed with SIGKILL mid-write', async () => {
    const acked: string[] = [];
    const writing = (async () => {
      for (let i = 0; ; i++) {
        try {
          const res = await request(`${a.url}${PATH}`, { method: 'POST', dispatcher: agentA, headers: { 'content-type': 'application/json' }, body: body(`kill-${i}`) });
          await res.body.dump();
          if (res.statusCode === 201) acked.push(`kill-${i}`);
        } catch {
          return;
        }
      }
    })();
    await sleep(1500);
    a.kill();
    await writing;
    expect(acked.length).toBeGreaterThan(10);
    const agentB = agentFor(b);
    const list = await request(`${b.url}${PATH}`, { dispatcher: agentB });
    const names = new Set(((await list.body.json()) as { items: { metadata: { name: string } }[] }).items.map((o) => o.metadata.name));
    await agentB.close();
    expect(acked.filter((n) => !names.has(n))).toEqual([]);
    await a.restart();
  });
});
