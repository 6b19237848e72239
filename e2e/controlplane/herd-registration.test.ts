import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { HERD_HOST_USER, HERD_NAMESPACE, registrationManifests } from './herd-registration.js';

interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: { resources: string[]; verbs: string[] }[];
  subjects?: { name: string }[];
}

describe('registrationManifests', () => {
  const docs = parseAllDocuments(registrationManifests({ port: 1234, caPem: 'PEM' })).map((d) => d.toJSON() as Doc);

  it('creates the namespace member credentials live in', () => {
    expect(docs.some((d) => d.kind === 'Namespace' && d.metadata.name === HERD_NAMESPACE)).toBe(true);
  });

  it('lets Herd read, and only read, the Secrets in its namespace', () => {
    const role = docs.find((d) => d.kind === 'Role' && d.metadata.namespace === HERD_NAMESPACE)!;
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }]);
    const binding = docs.find((d) => d.kind === 'RoleBinding' && d.metadata.namespace === HERD_NAMESPACE)!;
    expect(binding.subjects?.map((s) => s.name)).toEqual([HERD_HOST_USER]);
  });
});
