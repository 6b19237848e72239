import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { undeclaredFields } from '../../meta/schema-structure.js';
import { overridePolicyDefinition, type OverridePolicy } from './override-policy.js';

const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(overridePolicyDefinition.schema);

const policy: OverridePolicy = {
  apiVersion: 'federation.herd.io/v1alpha1',
  kind: 'OverridePolicy',
  metadata: { name: 'china-mirror', namespace: 'shop' },
  spec: {
    resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment' }],
    rules: [
      {
        targetClusters: { clusterSelector: { matchLabels: { region: 'cn' } }, exclude: ['cn-test'] },
        overriders: {
          image: [{ component: 'Registry', operator: 'replace', value: 'registry.cn.example.com' }],
          labels: [{ operator: 'add', value: { mirror: 'cn' } }],
          annotations: [{ operator: 'remove', value: { 'example.com/debug': '' } }],
          args: [{ containerName: 'web', operator: 'add', value: ['--region=cn'] }],
          command: [{ containerName: 'web', operator: 'remove', value: ['--verbose'] }],
          jsonPatch: [{ op: 'replace', path: '/spec/replicas', value: 2 }],
        },
      },
    ],
  },
};

describe('OverridePolicy schema', () => {
  it('accepts a rule that uses every overrider', () => {
    expect(validate(policy), JSON.stringify(validate.errors)).toBe(true);
    expect(undeclaredFields(overridePolicyDefinition.schema, policy)).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['an image overrider on an unknown component', { component: 'Digest', operator: 'replace', value: 'x' }],
    ['an image overrider with an unknown operator', { component: 'Tag', operator: 'append', value: 'x' }],
    ['an image overrider without a component', { operator: 'remove' }],
  ])('rejects %s', (_name, image) => {
    const rules = [{ overriders: { image: [image] } }];
    expect(validate({ ...policy, spec: { ...policy.spec, rules } })).toBe(false);
  });

  it('rejects replace on container args, which only append or remove', () => {
    const rules = [{ overriders: { args: [{ containerName: 'web', operator: 'replace', value: [] }] } }];
    expect(validate({ ...policy, spec: { ...policy.spec, rules } })).toBe(false);
  });

  it('rejects a policy without rules', () => {
    expect(validate({ ...policy, spec: { ...policy.spec, rules: [] } })).toBe(false);
  });
});
