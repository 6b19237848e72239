import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { describeWritten, kubeconfigCommand, kubeconfigFiles } from './kubeconfig-command.js';

const quiet = (cmd: ReturnType<typeof kubeconfigCommand>) => cmd.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });

const HOST_CONFIG = `apiVersion: v1
kind: Config
clusters:
- name: host
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority: /pki/ca.crt
users:
- name: host-admin
  user:
    client-certificate: /pki/admin.crt
    client-key: /pki/admin.key
contexts:
- name: host
  context:
    cluster: host
    user: host-admin
current-context: host
`;

afterEach(() => vi.restoreAllMocks());

describe('kubeconfigFiles', () => {
  it("is $KUBECONFIG's list, else ~/.kube/config", () => {
    expect(kubeconfigFiles({ KUBECONFIG: ['/a', '/b'].join(delimiter) })).toEqual(['/a', '/b']);
    expect(kubeconfigFiles({})).toEqual([join(homedir(), '.kube', 'config')]);
  });
});

describe('herd kubeconfig', () => {
  it('--fleet --member writes the fleet and member contexts and prints them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herd-kubeconfig-cmd-'));
    const file = join(dir, 'config');
    writeFileSync(file, HOST_CONFIG);
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk).trimEnd());
      return true;
    });
    await quiet(kubeconfigCommand()).parseAsync(['--fleet', '--kubeconfig', file, '--member', 'member-1', '--member', 'member-2'], { from: 'user' });
    const doc = parse(readFileSync(file, 'utf8')) as { contexts: { name: string; context: { user: string } }[]; clusters: { name: string; cluster: { server: string } }[] };
    expect(doc.contexts.map((c) => c.name)).toEqual(['host', 'fleet', 'member-1@fleet', 'member-2@fleet']);
    expect(doc.contexts.every((c) => c.context.user === 'host-admin')).toBe(true);
    expect(doc.clusters.find((c) => c.name === 'member-2@fleet')?.cluster.server).toBe('https://127.0.0.1:6443/apis/fleet.herd.io/v1alpha1/clusters/member-2/proxy');
    expect(lines[0]).toBe(`wrote 3 contexts to ${file} (from context host, user host-admin):`);
    expect(lines).toContain('  fleet           https://127.0.0.1:6443/apis/fleet.herd.io/v1alpha1/views/global/proxy');
  });

  it('needs --fleet, and a valid member name', async () => {
    await expect(quiet(kubeconfigCommand()).parseAsync([], { from: 'user' })).rejects.toThrow('pass --fleet');
    await expect(quiet(kubeconfigCommand()).parseAsync(['--fleet', '--member', 'Not_A_Name'], { from: 'user' })).rejects.toThrow('DNS-1123');
  });

  it('describes what it wrote', () => {
    expect(describeWritten({ output: '/k', hostContext: 'host', contexts: [{ name: 'fleet', server: 'https://h/v' }] })).toEqual([
      'wrote 1 context to /k (from context host):',
      '  fleet  https://h/v',
      'try: kubectl --context fleet get pods -A',
    ]);
  });
});
