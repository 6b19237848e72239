import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { herdEntryPoint } from './controlplane/herd-process.js';
import { tlsRequest } from './controlplane/tls-request.js';
import { kubectl, kubectlOk } from './fleet/kubectl.js';
import { startStandaloneHerd, type StandaloneHerd } from './fleet/standalone-herd.js';

// A standalone Herd (sqlite) joined to the fleet's members through `herd join --credentials-dir`, killed with
// SIGKILL in the middle of fanning 50 objects out to 3 members, then started again.
const fleet = inject('fleet');
const members = fleet.memberContexts.slice(0, 3);
const run = promisify(execFile);
const NS = 'restart-e2e';
const COUNT = 50;
let herd: StandaloneHerd;

const onHerd = (args: readonly string[], input?: string) => kubectlOk({ ...fleet, kubeconfig: herd.kubeconfig }, 'herd', args, input);

async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function managedIn(member: string): Promise<any[]> {
  const out = await kubectlOk(fleet, member, ['get', 'configmaps', '-n', NS, '-l', 'federation.herd.io/managed=true', '-o', 'json']);
  return (JSON.parse(out) as { items: any[] }).items;
}

describe.runIf(fleet.provider === 'local' && members.length === 3)('Herd killed with SIGKILL during a fan-out', () => {
  beforeAll(async () => {
    herd = await startStandaloneHerd();
    for (const member of members) {
      await run(process.execPath, [
        herdEntryPoint(),
        'join',
        member,
        '--kubeconfig',
        fleet.kubeconfig,
        '--context',
        member,
        '--herd-kubeconfig',
        herd.kubeconfig,
        '--credentials-dir',
        join(herd.dataDir, 'member-credentials'),
      ]);
    }
    await onHerd(['wait', '--for=condition=Ready', 'memberclusters', '--all', '--timeout=60s']);
  });

  afterAll(async () => {
    await herd?.stop();
    for (const member of members) await kubectl(fleet, member, ['delete', 'namespace', NS, '--wait=false']);
  });

  it('converges every object after a restart, with nothing missing or duplicated', async () => {
    const objects = Array.from({ length: COUNT }, (_, i) => ({
      apiVersion: 'federation.herd.io/v1alpha1',
      kind: 'FederatedConfigMap',
      metadata: { name: `cm-${String(i).padStart(2, '0')}`, namespace: NS },
      spec: { template: { data: { index: String(i) } }, placement: { clusterSelector: {} } },
    }));
    // All 50 creates at once; as soon as every one is acknowledged, the fan-out of 150 member writes is under way.
    const answers = await Promise.all(
      objects.map((o) => tlsRequest(`${herd.url}/apis/federation.herd.io/v1alpha1/namespaces/${NS}/federatedconfigmaps`, herd.tls, { method: 'POST', body: JSON.stringify(o), timeoutMs: 30_000 })),
    );
    expect(answers.map((a) => a.status)).toEqual(objects.map(() => 201));
    herd.kill();
    const before = await Promise.all(members.map(async (m) => (await managedIn(m).catch(() => [])).length));
    console.log(`[e2e] at the kill, the members held ${before.join(' + ')} of ${COUNT * members.length} copies`);
    await herd.restart();
    for (const member of members) {
      await eventually(`${COUNT} config maps in ${member}`, async () => (await managedIn(member)).length === COUNT);
    }
    for (const member of members) {
      const items = await managedIn(member);
      expect(new Set(items.map((i) => i.metadata.name)).size).toBe(COUNT);
      for (const item of items) expect(item.data.index).toBe(String(Number(item.metadata.name.slice(3))));
    }
    await onHerd(['wait', '--for=condition=Propagated', 'federatedconfigmaps', '--all', '-n', NS, '--timeout=60s']);
  });
});
