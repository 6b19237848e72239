import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, inject, it } from 'vitest';
import { readFleetState } from './controlplane/fleet-state.js';
import { isRunning } from './controlplane/managed-process.js';
import { kubectl, kubectlOk } from './fleet/kubectl.js';

const fleet = inject('fleet');
const herd = resolve('dist/server/herd.js');

function runHerd(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [herd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => done({ code, output }));
  });
}

describe('the e2e fleet', () => {
  it('answers kubectl on every context', async () => {
    for (const context of [fleet.hostContext, ...fleet.memberContexts]) {
      expect(await kubectlOk(fleet, context, ['get', '--raw', '/readyz'])).toBe('ok');
      const version = JSON.parse(await kubectlOk(fleet, context, ['version', '-o', 'json'])) as { serverVersion: { gitVersion: string } };
      expect(version.serverVersion.gitVersion).toMatch(/^v1\.(3[4-9]|[4-9]\d)\./);
      expect(await kubectlOk(fleet, context, ['get', 'namespace', 'default', '-o', 'name'])).toBe('namespace/default\n');
    }
  });

  it('publishes the aggregation layer settings on the host', async () => {
    const cm = JSON.parse(
      await kubectlOk(fleet, fleet.hostContext, ['-n', 'kube-system', 'get', 'configmap', 'extension-apiserver-authentication', '-o', 'json']),
    ) as { data: Record<string, string> };
    expect(cm.data['requestheader-client-ca-file']).toContain('BEGIN CERTIFICATE');
    expect(JSON.parse(cm.data['requestheader-allowed-names']!)).toContain('front-proxy-client');
    expect(JSON.parse(cm.data['requestheader-username-headers']!)).toEqual(['X-Remote-User']);
    expect(JSON.parse(cm.data['requestheader-group-headers']!)).toEqual(['X-Remote-Group']);
    expect(JSON.parse(cm.data['requestheader-extra-headers-prefix']!)).toEqual(['X-Remote-Extra-']);
  });

  it('runs a 3-replica Deployment on member-1 to Available', async () => {
    const member = fleet.memberContexts[0]!;
    const ns = `e2e-deploy-${Date.now()}`;
    await kubectlOk(fleet, member, ['create', 'namespace', ns]);
    await kubectlOk(fleet, member, ['-n', ns, 'create', 'deployment', 'web', '--image=registry.k8s.io/pause:3.10', '--replicas=3']);
    await kubectlOk(fleet, member, ['-n', ns, 'wait', 'deployment/web', '--for=condition=Available', '--timeout=120s']);
    const deploy = JSON.parse(await kubectlOk(fleet, member, ['-n', ns, 'get', 'deployment', 'web', '-o', 'json'])) as {
      status: { availableReplicas: number; readyReplicas: number };
    };
    expect(deploy.status).toMatchObject({ availableReplicas: 3, readyReplicas: 3 });
    await kubectlOk(fleet, member, ['delete', 'namespace', ns, '--wait=false']);
  });

  it('finishes deleting a host namespace that holds objects', async () => {
    const ns = `e2e-ns-${Date.now()}`;
    await kubectlOk(fleet, fleet.hostContext, ['create', 'namespace', ns]);
    await kubectlOk(fleet, fleet.hostContext, ['-n', ns, 'create', 'configmap', 'settings', '--from-literal=a=b']);
    await kubectlOk(fleet, fleet.hostContext, ['delete', 'namespace', ns, '--timeout=120s']);
    const after = await kubectl(fleet, fleet.hostContext, ['get', 'namespace', ns]);
    expect(after.code).not.toBe(0);
    expect(after.stderr).toContain(`namespaces "${ns}" not found`);
  });

  it('labels members with their region and zone', async () => {
    for (const [i, context] of fleet.memberContexts.entries()) {
      const nodes = JSON.parse(await kubectlOk(fleet, context, ['get', 'nodes', '-o', 'json'])) as {
        items: { metadata: { labels: Record<string, string> } }[];
      };
      expect(nodes.items.length).toBeGreaterThan(0);
      const regions = new Set(nodes.items.map((n) => n.metadata.labels['topology.kubernetes.io/region']));
      expect(regions.size).toBe(1);
      if (fleet.stateDir) {
        const record = readFleetState(fleet.stateDir)!.clusters.find((c) => c.context === context)!;
        expect([...regions][0]).toBe(record.region);
        expect(record.region).toBe(['eu-west', 'us-east', 'ap-south'][i]);
      }
    }
  });
});

describe.runIf(fleet.provider === 'local')('herd dev', () => {
  it('runs a second fleet beside the first, reports it healthy, and `down` leaves no process alive', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'herd-dev-'));
    const up = await runHerd(['dev', 'up', '--members', '1', '--no-herd', '--detach', '--state-dir', stateDir]);
    expect(up.code, up.output).toBe(0);
    expect(up.output).toContain('fleet ready');
    const state = readFleetState(stateDir)!;
    expect(state.clusters.map((c) => c.name)).toEqual(['host', 'member-1']);
    expect(state.processes.map((p) => p.name)).toEqual(['etcd', 'host/kube-apiserver', 'member-1/kube-apiserver', 'host/kube-controller-manager']);
    expect(state.processes.every(isRunning)).toBe(true);

    const status = await runHerd(['dev', 'status', '--state-dir', stateDir]);
    expect(status.code, status.output).toBe(0);
    expect(status.output.match(/running\s+healthy/g)).toHaveLength(4);

    const down = await runHerd(['dev', 'down', '--state-dir', stateDir]);
    expect(down.code, down.output).toBe(0);
    expect(down.output).toContain('stopped 4 processes');
    expect(state.processes.filter(isRunning)).toEqual([]);
    expect(existsSync(stateDir)).toBe(false);
  });

  it('tears a foreground fleet down on Ctrl-C', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'herd-dev-'));
    const child = spawn(process.execPath, [herd, 'dev', 'up', '--members', '1', '--no-herd', '--state-dir', stateDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    await new Promise<void>((ready, fail) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        output += line + '\n';
        if (line.includes('Press Ctrl-C')) ready();
      });
      child.on('close', (code) => fail(new Error(`dev up exited with ${code} before it was ready:\n${output}`)));
    });
    const processes = readFleetState(stateDir)!.processes;
    expect(processes.every(isRunning)).toBe(true);
    const exited = new Promise<number | null>((done) => child.on('close', done));
    child.kill('SIGINT');
    expect(await exited, output).toBe(0);
    expect(processes.filter(isRunning)).toEqual([]);
    expect(existsSync(stateDir)).toBe(false);
  });

  it('refuses to start a second fleet in a state directory whose fleet runs', async () => {
    const again = await runHerd(['dev', 'up', '--members', '1', '--detach', '--state-dir', fleet.stateDir!]);
    expect(again.code).toBe(1);
    expect(again.output).toContain(`a fleet is already running in ${fleet.stateDir}`);
    expect(readFleetState(fleet.stateDir!)!.processes.every(isRunning)).toBe(true);
  });
});
