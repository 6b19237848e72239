import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeFleetContexts, planFleetContexts, writeFleetContexts } from './fleet-contexts.js';

const VIEW = '/apis/fleet.herd.io/v1alpha1/views/global/proxy';
const proxy = (m: string) => `/apis/fleet.herd.io/v1alpha1/clusters/${m}/proxy`;

// As kubectl writes it: sequences at the key's indentation, a comment, an unrelated cluster.
const USER_CONFIG = `apiVersion: v1
kind: Config
# my clusters
clusters:
- name: prod
  cluster:
    server: https://prod.example:6443/
    certificate-authority: pki/ca.crt
    tls-server-name: api.prod.example
- name: other
  cluster:
    server: https://other.example
contexts:
- name: prod
  context:
    cluster: prod
    user: alice
    namespace: team-a
- name: other
  context:
    cluster: other
    user: bob
current-context: prod
users:
- name: alice
  user:
    client-certificate: pki/alice.crt
    client-key: pki/alice.key
- name: bob
  user:
    token: t0k3n
`;

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'herd-fleet-contexts-'));
}

interface Config {
  'current-context'?: string;
  clusters: { name: string; cluster: Record<string, unknown> }[];
  contexts: { name: string; context: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
}

describe('planFleetContexts', () => {
  it("derives fleet and member contexts from the current context: server plus prefix, the host's CA and user", () => {
    const plan = planFleetContexts([{ path: '/home/a/.kube/config', text: USER_CONFIG }], { members: ['member-1', 'member-2'] });
    expect(plan.hostContext).toBe('prod');
    expect(plan.contextFile).toBe('/home/a/.kube/config');
    expect(plan.clusters.map((c) => [c.name, c.body.server])).toEqual([
      ['fleet', `https://prod.example:6443${VIEW}`],
      ['member-1@fleet', `https://prod.example:6443${proxy('member-1')}`],
      ['member-2@fleet', `https://prod.example:6443${proxy('member-2')}`],
    ]);
    expect(plan.clusters[0]!.body).toEqual({ server: `https://prod.example:6443${VIEW}`, 'certificate-authority': 'pki/ca.crt', 'tls-server-name': 'api.prod.example' });
    expect(plan.contexts[1]).toEqual({ name: 'member-1@fleet', body: { cluster: 'member-1@fleet', user: 'alice', namespace: 'team-a' } });
    expect(plan.user?.name).toBe('alice');
  });

  it('takes --context, and refuses a context that already is the fleet view', () => {
    expect(planFleetContexts([{ path: 'k', text: USER_CONFIG }], { context: 'other' }).clusters[0]!.body.server).toBe(`https://other.example${VIEW}`);
    const written = mergeFleetContexts({ path: 'k', text: USER_CONFIG }, planFleetContexts([{ path: 'k', text: USER_CONFIG }]));
    expect(() => planFleetContexts([{ path: 'k', text: written }], { context: 'fleet' })).toThrow('already goes through');
  });

  it('follows kubectl over several files: the first definition wins, current-context from the first file setting it', () => {
    const first = { path: '/a/config', text: 'apiVersion: v1\nkind: Config\nusers:\n- name: alice\n  user:\n    token: first\n' };
    const plan = planFleetContexts([first, { path: '/b/config', text: USER_CONFIG }]);
    expect(plan.hostContext).toBe('prod');
    expect(plan.user).toEqual({ name: 'alice', body: { token: 'first' }, from: '/a/config' });
    expect(plan.contextFile).toBe('/b/config');
  });

  it('says what is missing', () => {
    expect(() => planFleetContexts([{ path: 'k', text: 'apiVersion: v1\nkind: Config\n' }])).toThrow('no current context');
    expect(() => planFleetContexts([{ path: 'k', text: USER_CONFIG }], { context: 'nope' })).toThrow('context "nope" is not in k');
    expect(() => planFleetContexts([{ path: 'k', text: USER_CONFIG }], { members: ['Bad/Name'] })).toThrow('DNS-1123');
    expect(() => planFleetContexts([{ path: 'k', text: USER_CONFIG.replace('user: alice', 'user: carol') }])).toThrow('user "carol"');
  });

  it('refuses to replace an entry the host context itself uses', () => {
    const text = USER_CONFIG.replace('- name: prod\n  cluster:', '- name: fleet\n  cluster:').replace('cluster: prod', 'cluster: fleet');
    expect(() => planFleetContexts([{ path: 'k', text }])).toThrow('uses the entry "fleet"');
  });
});

describe('mergeFleetContexts', () => {
  it('adds the contexts and leaves every other entry, the comments, the list style and the current context alone', () => {
    const plan = planFleetContexts([{ path: '/h/config', text: USER_CONFIG }], { members: ['member-3'] });
    const text = mergeFleetContexts({ path: '/h/config', text: USER_CONFIG }, plan);
    expect(text).toContain('# my clusters');
    expect(text).toMatch(/^clusters:\n- name: prod$/m);
    const doc = parse(text) as Config;
    expect(doc['current-context']).toBe('prod');
    expect(doc.clusters.map((c) => c.name)).toEqual(['prod', 'other', 'fleet', 'member-3@fleet']);
    expect(doc.contexts.map((c) => c.name)).toEqual(['prod', 'other', 'fleet', 'member-3@fleet']);
    expect(doc.users.map((u) => u.name)).toEqual(['alice', 'bob']);
    expect(doc.clusters[0]).toEqual((parse(USER_CONFIG) as Config).clusters[0]);
    // Same folder: relative paths stay relative.
    expect(doc.clusters[2]!.cluster['certificate-authority']).toBe('pki/ca.crt');
  });

  it('is idempotent: a second run replaces its own entries', () => {
    const plan = planFleetContexts([{ path: 'k', text: USER_CONFIG }], { members: ['member-1'] });
    const once = mergeFleetContexts({ path: 'k', text: USER_CONFIG }, plan);
    expect(mergeFleetContexts({ path: 'k', text: once }, plan)).toBe(once);
  });

  it('into another file: copies the user, makes relative paths absolute, and makes fleet current in a new file', () => {
    const plan = planFleetContexts([{ path: '/home/a/.kube/config', text: USER_CONFIG }]);
    const doc = parse(mergeFleetContexts({ path: '/tmp/out/fleet.kubeconfig' }, plan)) as Config;
    expect(doc['current-context']).toBe('fleet');
    expect(doc.users).toEqual([{ name: 'alice', user: { 'client-certificate': '/home/a/.kube/pki/alice.crt', 'client-key': '/home/a/.kube/pki/alice.key' } }]);
    expect(doc.clusters[0]!.cluster['certificate-authority']).toBe('/home/a/.kube/pki/ca.crt');
    expect(doc.contexts).toEqual([{ name: 'fleet', context: { cluster: 'fleet', user: 'alice', namespace: 'team-a' } }]);
  });

  it('refuses to overwrite a different user of the same name in another file', () => {
    const plan = planFleetContexts([{ path: '/h/config', text: USER_CONFIG }]);
    const other = 'apiVersion: v1\nkind: Config\nusers:\n- name: alice\n  user:\n    token: someone-else\n';
    expect(() => mergeFleetContexts({ path: '/o/config', text: other }, plan)).toThrow('already has a different user "alice"');
  });
});

describe('writeFleetContexts', () => {
  it('writes back into the file that defines the host context by default, and a new output file (and its folder) with mode 0600', () => {
    const d = dir();
    const config = join(d, 'config');
    writeFileSync(config, USER_CONFIG);
    const written = writeFleetContexts({ kubeconfigs: [join(d, 'missing'), config], members: ['member-2'] });
    expect(written).toEqual({
      output: config,
      hostContext: 'prod',
      user: 'alice',
      contexts: [
        { name: 'fleet', server: `https://prod.example:6443${VIEW}` },
        { name: 'member-2@fleet', server: `https://prod.example:6443${proxy('member-2')}` },
      ],
    });
    expect((parse(readFileSync(config, 'utf8')) as Config).contexts.map((c) => c.name)).toEqual(['prod', 'other', 'fleet', 'member-2@fleet']);

    const output = join(d, 'new', 'dir', 'out.kubeconfig');
    writeFleetContexts({ kubeconfigs: [config], output });
    expect(statSync(output).mode & 0o777).toBe(0o600);
    expect((parse(readFileSync(output, 'utf8')) as Config).contexts.map((c) => c.name)).toEqual(['fleet']);
  });

  it('says when no kubeconfig exists', () => {
    expect(() => writeFleetContexts({ kubeconfigs: [join(dir(), 'nope')] })).toThrow('no kubeconfig found');
  });
});
