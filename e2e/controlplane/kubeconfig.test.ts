import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderKubeconfig } from './kubeconfig.js';

describe('renderKubeconfig', () => {
  it('writes one cluster, user and context per entry, the first one current', () => {
    const doc = parse(
      renderKubeconfig([
        { context: 'host', server: 'https://127.0.0.1:1', caFile: '/h/ca.crt', clientCertFile: '/h/a.crt', clientKeyFile: '/h/a.key' },
        { context: 'member-1', server: 'https://127.0.0.1:2', caFile: '/m/ca.crt', clientCertFile: '/m/a.crt', clientKeyFile: '/m/a.key' },
      ]),
    );
    expect(doc['current-context']).toBe('host');
    expect(doc.contexts.map((c: { name: string }) => c.name)).toEqual(['host', 'member-1']);
    expect(doc.clusters[1]).toEqual({ name: 'member-1', cluster: { server: 'https://127.0.0.1:2', 'certificate-authority': '/m/ca.crt' } });
    expect(doc.users[0]).toEqual({ name: 'host-admin', user: { 'client-certificate': '/h/a.crt', 'client-key': '/h/a.key' } });
    expect(doc.contexts[1].context).toEqual({ cluster: 'member-1', user: 'member-1-admin' });
  });

  it('refuses an empty list', () => {
    expect(() => renderKubeconfig([])).toThrow('at least one context');
  });
});
