import { request as httpsRequest } from 'node:https';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { CustomObjectsApi, KubeConfig, makeInformer, type KubernetesObject } from '@kubernetes/client-node';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandaloneHerd, type StandaloneHerd } from './fleet/standalone-herd.js';

const PATH = '/apis/federation.herd.io/v1alpha1/namespaces/default/federatedconfigmaps';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let herd: StandaloneHerd;
let agent: Agent;
beforeAll(async () => {
  herd = await startStandaloneHerd({ compactionIntervalSeconds: 2, minRequestTimeoutSeconds: 3 });
  agent = new Agent({ connect: { ca: readFileSync(herd.tls.caFile), cert: readFileSync(herd.tls.certFile), key: readFileSync(herd.tls.keyFile) } });
});
afterAll(async () => {
  await herd?.stop();
  await agent?.close();
});

const body = (name: string) =>
  JSON.stringify({ apiVersion: 'federation.herd.io/v1alpha1', kind: 'FederatedConfigMap', metadata: { name }, spec: { template: { data: { n: name } } } });

async function call(method: 'GET' | 'POST', path: string, payload?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await request(`${herd.url}${path}`, { method, dispatcher: agent, headers: { 'content-type': 'application/json' }, ...(payload ? { body: payload } : {}) });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

type WatchLine = { type: string; object: { metadata: { name?: string; resourceVersion: string }; code?: number; reason?: string } };

/** Reads watch events (node:https, so ending early is a plain socket close) until `until` holds, the stream ends, or `ms` pass. */
function readWatch(path: string, until: (event: WatchLine) => boolean, ms = 5000): Promise<WatchLine[]> {
  return new Promise((resolve, reject) => {
    const events: WatchLine[] = [];
    let buffer = '';
    const req = httpsRequest(`${herd.url}${path}`, { ca: readFileSync(herd.tls.caFile), cert: readFileSync(herd.tls.certFile), key: readFileSync(herd.tls.keyFile) }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (!line) continue;
          const event = JSON.parse(line) as WatchLine;
          events.push(event);
          if (until(event)) return finish();
        }
      });
      res.on('end', finish);
      res.on('error', finish);
    });
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      req.destroy();
      resolve(events);
    }
    req.on('error', (err) => (events.length > 0 ? finish() : reject(err)));
    req.end();
  });
}

describe('an informer across compaction', () => {
  it('gets 410 when its watch resumes from a compacted resourceVersion, relists, and stays correct', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(herd.kubeconfig);
    const api = kc.makeApiClient(CustomObjectsApi);
    const listPath = '/apis/federation.herd.io/v1alpha1/namespaces/quiet/federatedconfigmaps';
    const informer = makeInformer<KubernetesObject>(kc, listPath, () =>
      api.listNamespacedCustomObject({ group: 'federation.herd.io', version: 'v1alpha1', namespace: 'quiet', plural: 'federatedconfigmaps' }),
    );
    const errors: unknown[] = [];
    informer.on('error', (err: unknown) => errors.push(err));
    await call('POST', '/apis/federation.herd.io/v1alpha1/namespaces/quiet/federatedconfigmaps', body('steady'));
    await informer.start();
    const lists = () => (informer.list() ?? []).map((o) => o.metadata?.name);
    try {
      const listsBefore = await listRequests();
      // Writes elsewhere move the store's revision past the informer's while its watch stays quiet; compaction (every
      // 2 s) forgets the informer's revision, and when its watch times out (3-6 s) and resumes from that revision it
      // gets 410 and relists. Keep writing until the relist shows in Herd's LIST count.
      const deadline = Date.now() + 40_000;
      for (let i = 0; (await listRequests()) === listsBefore && Date.now() < deadline; i++) {
        await call('POST', PATH, body(`noise-${i}`));
        await sleep(500);
      }
      expect(await listRequests()).toBeGreaterThan(listsBefore);
      // After the relist the informer follows changes again.
      await call('POST', '/apis/federation.herd.io/v1alpha1/namespaces/quiet/federatedconfigmaps', body('late'));
      const seenBy = Date.now() + 10_000;
      while (!lists().includes('late') && Date.now() < seenBy) await sleep(100);
      expect(lists().sort()).toEqual(['late', 'steady']);
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});

/** LIST requests Herd has served, from its own metrics. */
async function listRequests(): Promise<number> {
  const res = await request(`${herd.url}/metrics`, { dispatcher: agent });
  const text = await res.body.text();
  return [...text.matchAll(/^herd_apiserver_request_total\{verb="list",resource="federatedconfigmaps",code="200"\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

describe('Herd killed with SIGKILL during writes and watches', () => {
  it('loses no acknowledged write, and a watch resumes from the last resourceVersion it saw', async () => {
    const acked: string[] = [];
    let watchedRv = '';
    const watching = (async () => {
      try {
        const res = await request(`${herd.url}${PATH}?watch=true&resourceVersion=0&allowWatchBookmarks=true`, { dispatcher: agent });
        for await (const line of createInterface({ input: res.body })) {
          if (line) watchedRv = (JSON.parse(line) as { object: { metadata: { resourceVersion: string } } }).object.metadata.resourceVersion;
        }
      } catch {
        /* the connection dies with the process */
      }
    })();
    const writing = (async () => {
      for (let i = 0; ; i++) {
        try {
          const res = await call('POST', PATH, body(`obj-${i}`));
          if (res.status === 201) acked.push(`obj-${i}`);
        } catch {
          return; // Herd is gone
        }
      }
    })();
    await sleep(1500);
    herd.kill();
    await writing;
    await watching;
    expect(acked.length).toBeGreaterThan(20);
    expect(watchedRv).not.toBe('');

    await herd.restart();
    const list = await call('GET', PATH);
    const names = new Set((list.json.items as { metadata: { name: string } }[]).map((o) => o.metadata.name));
    expect(acked.filter((n) => !names.has(n))).toEqual([]);

    // Resume the watch where it stopped: events after watchedRv arrive, without an error.
    await call('POST', PATH, body('after-restart'));
    const events = await readWatch(`${PATH}?watch=true&resourceVersion=${watchedRv}`, (e) => e.object.metadata.name === 'after-restart');
    expect(events.some((e) => e.type === 'ERROR')).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'after-restart' } } });
  });

  it('answers a watch from a compacted resourceVersion with an ERROR event 410 Expired', async () => {
    const first = await call('POST', PATH, body('compaction-a'));
    const oldRv = (first.json.metadata as { resourceVersion: string }).resourceVersion;
    await call('POST', PATH, body('compaction-b'));
    await sleep(5000); // two compaction intervals
    const events = await readWatch(`${PATH}?watch=true&resourceVersion=${oldRv}`, () => true);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });
});
