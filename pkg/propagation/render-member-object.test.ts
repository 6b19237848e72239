import { describe, expect, it } from 'vitest';
import type { FederatedObject } from '../../api/federation/v1alpha1/federated-resource.js';
import type { TargetType } from '../../api/federation/v1alpha1/federated-type-config.js';
import type { OverridePolicy, OverrideRule, Overriders } from '../../api/federation/v1alpha1/override-policy.js';
import {
  FEDERATED_KIND_ANNOTATION,
  FEDERATED_NAME_ANNOTATION,
  MANAGED_LABEL,
  RENDERED_HASH_ANNOTATION,
} from '../../api/federation/v1alpha1/well-known.js';
import type { KubeObject } from '../../api/meta/object-meta.js';
import { renderMemberObject, renderedHash, type RenderInput, type RenderResult } from './render-member-object.js';

const deploymentType: TargetType = { group: 'apps', version: 'v1', kind: 'Deployment', pluralName: 'deployments', scope: 'Namespaced' };
const namespaceType: TargetType = { group: '', version: 'v1', kind: 'Namespace', pluralName: 'namespaces', scope: 'Cluster' };
const cronJobType: TargetType = { group: 'batch', version: 'v1', kind: 'CronJob', pluralName: 'cronjobs', scope: 'Namespaced' };
const podType: TargetType = { version: 'v1', kind: 'Pod', pluralName: 'pods', scope: 'Namespaced' };
const configMapType: TargetType = { version: 'v1', kind: 'ConfigMap', pluralName: 'configmaps', scope: 'Namespaced' };

function federatedDeployment(overrides?: FederatedObject['spec']['overrides']): FederatedObject {
  return {
    apiVersion: 'federation.herd.io/v1alpha1',
    kind: 'FederatedDeployment',
    metadata: { name: 'web', namespace: 'shop', uid: 'u-1', resourceVersion: '7', generation: 3, labels: { team: 'fed-only' } },
    spec: {
      template: {
        metadata: { labels: { app: 'web' }, annotations: { note: 'hi' }, name: 'ignored', namespace: 'ignored', uid: 'x' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              initContainers: [{ name: 'init', image: 'busybox:1.36', args: ['--once'] }],
              containers: [
                { name: 'web', image: 'nginx:1.27', args: ['--port=80', '--verbose'] },
                { name: 'sidecar', image: 'registry.example.com/team/proxy:v2' },
              ],
            },
          },
        },
      },
      placement: { clusters: [{ name: 'east' }] },
      ...(overrides ? { overrides } : {}),
    },
  };
}

function policy(name: string, rules: OverrideRule[]): OverridePolicy {
  return {
    apiVersion: 'federation.herd.io/v1alpha1',
    kind: 'OverridePolicy',
    metadata: { name, namespace: 'shop' },
    spec: { resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment' }], rules },
  };
}

const east = { name: 'east', labels: { region: 'us-east', tier: 'prod' } };

function input(extra: Partial<RenderInput> = {}): RenderInput {
  return { federated: federatedDeployment(), target: deploymentType, cluster: east, overridePolicies: [], ...extra };
}

function rendered(result: RenderResult): KubeObject {
  if (!result.ok) throw new Error(`render failed: ${result.reason}: ${result.message}`);
  return result.object;
}

const podSpec = (o: KubeObject) => (o.spec as { template: { spec: Record<string, { name: string; image: string; args?: string[]; command?: string[] }[]> } }).template.spec;
const images = (o: KubeObject) => [...podSpec(o).initContainers!, ...podSpec(o).containers!].map((c) => c.image);

function withRule(overriders: Overriders, targetClusters?: OverrideRule['targetClusters']): RenderInput {
  return input({ overridePolicies: [policy('p', [{ ...(targetClusters ? { targetClusters } : {}), overriders }])] });
}

describe('renderMemberObject: the template', () => {
  it('builds the target object with Herd identity, template labels and annotations and the template fields', () => {
    const object = rendered(renderMemberObject(input()));
    expect(object).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'shop',
        labels: { app: 'web', [MANAGED_LABEL]: 'true' },
        annotations: { note: 'hi', [FEDERATED_NAME_ANNOTATION]: 'shop/web', [FEDERATED_KIND_ANNOTATION]: 'FederatedDeployment' },
      },
      spec: federatedDeployment().spec.template.spec,
    });
    expect(Object.keys(object)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
  });

  it('uses the bare version for core kinds', () => {
    const fed: FederatedObject = { ...federatedDeployment(), kind: 'FederatedConfigMap', spec: { template: { data: { a: 'b' } } } };
    const object = rendered(renderMemberObject(input({ federated: fed, target: configMapType })));
    expect(object.apiVersion).toBe('v1');
    expect(object.kind).toBe('ConfigMap');
    expect(object.data).toEqual({ a: 'b' });
  });

  it('leaves out the namespace for a cluster-scoped target: FederatedNamespace team-a renders Namespace team-a', () => {
    const fed: FederatedObject = {
      apiVersion: 'federation.herd.io/v1alpha1',
      kind: 'FederatedNamespace',
      metadata: { name: 'team-a', namespace: 'team-a' },
      spec: { template: { metadata: { labels: { owner: 'a' } } } },
    };
    const object = rendered(renderMemberObject(input({ federated: fed, target: namespaceType })));
    expect(object.metadata).toEqual({
      name: 'team-a',
      labels: { owner: 'a', [MANAGED_LABEL]: 'true' },
      annotations: { [FEDERATED_NAME_ANNOTATION]: 'team-a/team-a', [FEDERATED_KIND_ANNOTATION]: 'FederatedNamespace' },
    });
    expect('namespace' in object.metadata).toBe(false);
    expect(object.apiVersion).toBe('v1');
  });

  it('names a cluster-scoped Federated object by its name alone', () => {
    const fed: FederatedObject = {
      apiVersion: 'federation.herd.io/v1alpha1',
      kind: 'FederatedClusterRole',
      metadata: { name: 'reader' },
      spec: { template: { rules: [] } },
    };
    const target: TargetType = { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', pluralName: 'clusterroles', scope: 'Cluster' };
    const object = rendered(renderMemberObject(input({ federated: fed, target })));
    expect(object.metadata.annotations?.[FEDERATED_NAME_ANNOTATION]).toBe('reader');
    expect(object.apiVersion).toBe('rbac.authorization.k8s.io/v1');
  });

  it('never takes apiVersion, kind or status from the template, and Herd label values win over the template', () => {
    const fed = federatedDeployment();
    fed.spec.template.apiVersion = 'apps/v1beta1';
    fed.spec.template.kind = 'Other';
    fed.spec.template.status = { replicas: 9 };
    (fed.spec.template.metadata as { labels: Record<string, string> }).labels[MANAGED_LABEL] = 'false';
    const object = rendered(renderMemberObject(input({ federated: fed })));
    expect(object.apiVersion).toBe('apps/v1');
    expect(object.kind).toBe('Deployment');
    expect(object.status).toBeUndefined();
    expect(object.metadata.labels?.[MANAGED_LABEL]).toBe('true');
  });

  it('sets spec.replicas to the scheduled share, creating spec when the template has none', () => {
    expect((rendered(renderMemberObject(input({ replicas: 1 }))).spec as { replicas: number }).replicas).toBe(1);
    expect((rendered(renderMemberObject(input({ replicas: 0 }))).spec as { replicas: number }).replicas).toBe(0);
    const fed: FederatedObject = { ...federatedDeployment(), spec: { template: {} } };
    expect(rendered(renderMemberObject(input({ federated: fed, replicas: 2 }))).spec).toEqual({ replicas: 2 });
  });

  it('keeps the template replicas when no share is given', () => {
    expect((rendered(renderMemberObject(input())).spec as { replicas: number }).replicas).toBe(3);
  });

  it('fails with RenderFailed when spec.template.spec is not an object but replicas must be set', () => {
    const fed: FederatedObject = { ...federatedDeployment(), spec: { template: { spec: 'nope' } } };
    expect(renderMemberObject(input({ federated: fed, replicas: 2 }))).toMatchObject({ ok: false, reason: 'RenderFailed' });
  });

  it('fails with RenderFailed without a name, or without a namespace for a namespaced target', () => {
    const noName = federatedDeployment();
    delete noName.metadata.name;
    expect(renderMemberObject(input({ federated: noName }))).toMatchObject({ ok: false, reason: 'RenderFailed' });
    const noNamespace = federatedDeployment();
    delete noNamespace.metadata.namespace;
    expect(renderMemberObject(input({ federated: noNamespace }))).toMatchObject({ ok: false, reason: 'RenderFailed' });
  });

  it('never changes its input, and the result shares nothing with it', () => {
    const fed = federatedDeployment([{ clusterName: 'east', patches: [{ op: 'add', path: '/spec/extra', value: { a: 1 } }, { op: 'add', path: '/spec/extra/b', value: 2 }] }]);
    const policies = [
      policy('p', [
        {
          overriders: {
            image: [{ component: 'Tag', operator: 'replace', value: 'v9' }],
            labels: [{ operator: 'add', value: { x: 'y' } }],
            args: [{ containerName: 'web', operator: 'add', value: ['--x'] }],
            jsonPatch: [{ op: 'add', path: '/spec/fromPolicy', value: { list: [1] } }, { op: 'add', path: '/spec/fromPolicy/list/-', value: 2 }],
          },
        },
      ]),
    ];
    const before = structuredClone({ fed, policies });
    const object = rendered(renderMemberObject(input({ federated: fed, overridePolicies: policies, replicas: 1 })));
    expect({ fed, policies }).toEqual(before);
    expect(object.spec).toMatchObject({ extra: { a: 1, b: 2 }, fromPolicy: { list: [1, 2] } });
    (podSpec(object).containers![0]!.args as string[]).push('--mutated');
    (object.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels.app = 'changed';
    expect({ fed, policies }).toEqual(before);
  });
});

describe('renderMemberObject: which rules apply to the cluster', () => {
  const addLabel: Overriders = { labels: [{ operator: 'add', value: { hit: 'yes' } }] };
  const hit = (targetClusters: OverrideRule['targetClusters'], cluster = east) =>
    rendered(renderMemberObject({ ...withRule(addLabel, targetClusters), cluster })).metadata.labels?.hit === 'yes';

  it.each<[string, OverrideRule['targetClusters'], boolean]>([
    ['unset targets every cluster', undefined, true],
    ['empty targets every cluster', {}, true],
    ['a listed name', { clusterNames: ['west', 'east'] }, true],
    ['an unlisted name', { clusterNames: ['west'] }, false],
    ['a matching selector', { clusterSelector: { matchLabels: { region: 'us-east' } } }, true],
    ['a selector that does not match', { clusterSelector: { matchLabels: { region: 'eu' } } }, false],
    ['an expression selector', { clusterSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['prod'] }] } }, true],
    ['an empty selector matches every cluster', { clusterSelector: {} }, true],
    ['named or matching: named though the selector does not match', { clusterNames: ['east'], clusterSelector: { matchLabels: { region: 'eu' } } }, true],
    ['named or matching: matching though not named', { clusterNames: ['west'], clusterSelector: { matchLabels: { region: 'us-east' } } }, true],
    ['excluded wins over a name', { clusterNames: ['east'], exclude: ['east'] }, false],
    ['excluded wins over everything', { exclude: ['east'] }, false],
    ['another cluster excluded', { exclude: ['west'] }, true],
  ])('%s', (_name, targets, expected) => {
    expect(hit(targets)).toBe(expected);
  });

  it('fails with OverrideFailed naming the rule when the selector is invalid', () => {
    const result = renderMemberObject(withRule(addLabel, { clusterSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }));
    expect(result).toMatchObject({ ok: false, reason: 'OverrideFailed' });
    expect(!result.ok && result.message).toMatch(/^OverridePolicy shop\/p rule 0 targetClusters: /);
  });
});

describe('renderMemberObject: image overrider', () => {
  it.each<[string, Overriders['image'], string[]]>([
    ['replaces the registry of every container and init container', [{ component: 'Registry', operator: 'replace', value: 'mirror.cn' }], ['mirror.cn/busybox:1.36', 'mirror.cn/nginx:1.27', 'mirror.cn/team/proxy:v2']],
    ['adds a registry only where there is none', [{ component: 'Registry', operator: 'add', value: 'mirror.cn' }], ['mirror.cn/busybox:1.36', 'mirror.cn/nginx:1.27', 'registry.example.com/team/proxy:v2']],
    ['removes the registry', [{ component: 'Registry', operator: 'remove' }], ['busybox:1.36', 'nginx:1.27', 'team/proxy:v2']],
    ['replaces the repository', [{ component: 'Repository', operator: 'replace', value: 'library/x' }], ['library/x:1.36', 'library/x:1.27', 'registry.example.com/library/x:v2']],
    ['add keeps the repository that is always there', [{ component: 'Repository', operator: 'add', value: 'x' }], ['busybox:1.36', 'nginx:1.27', 'registry.example.com/team/proxy:v2']],
    ['replaces the tag', [{ component: 'Tag', operator: 'replace', value: 'v9' }], ['busybox:v9', 'nginx:v9', 'registry.example.com/team/proxy:v9']],
    ['removes the tag', [{ component: 'Tag', operator: 'remove' }], ['busybox', 'nginx', 'registry.example.com/team/proxy']],
    ['add keeps existing tags', [{ component: 'Tag', operator: 'add', value: 'v9' }], ['busybox:1.36', 'nginx:1.27', 'registry.example.com/team/proxy:v2']],
    ['replaces the tag with a digest', [{ component: 'Tag', operator: 'replace', value: 'sha256:abc' }], ['busybox@sha256:abc', 'nginx@sha256:abc', 'registry.example.com/team/proxy@sha256:abc']],
    ['applies the overriders in order', [{ component: 'Tag', operator: 'remove' }, { component: 'Tag', operator: 'add', value: 'latest' }], ['busybox:latest', 'nginx:latest', 'registry.example.com/team/proxy:latest']],
  ])('%s', (_name, image, expected) => {
    expect(images(rendered(renderMemberObject(withRule({ image }))))).toEqual(expected);
  });

  it.each<[string, string, Overriders['image'], string]>([
    ['a registry with a port', 'localhost:5000/app:1', [{ component: 'Tag', operator: 'replace', value: '2' }], 'localhost:5000/app:2'],
    ['a registry with a port and no tag', 'reg:5000/app', [{ component: 'Tag', operator: 'add', value: '2' }], 'reg:5000/app:2'],
    ['localhost as registry', 'localhost/app', [{ component: 'Registry', operator: 'replace', value: 'r.io' }], 'r.io/app'],
    ['a two-part name without registry', 'team/app:1', [{ component: 'Registry', operator: 'add', value: 'r.io' }], 'r.io/team/app:1'],
    ['a digest is kept by registry changes', 'r.io/app@sha256:1', [{ component: 'Registry', operator: 'replace', value: 'm.io' }], 'm.io/app@sha256:1'],
    ['a tag and digest are both dropped by a tag replace', 'app:1@sha256:1', [{ component: 'Tag', operator: 'replace', value: '2' }], 'app:2'],
    ['a digest counts as a tag for add', 'app@sha256:1', [{ component: 'Tag', operator: 'add', value: '2' }], 'app@sha256:1'],
  ])('parses %s', (_name, image, overriders, expected) => {
    const fed = federatedDeployment();
    const spec = (fed.spec.template.spec as { template: { spec: { containers: { image: string }[]; initContainers?: unknown } } }).template.spec;
    spec.containers = [{ image } as { image: string }];
    delete spec.initContainers;
    const object = rendered(renderMemberObject({ ...withRule({ image: overriders }), federated: fed }));
    expect(podSpec(object).containers![0]!.image).toBe(expected);
  });

  it('changes only the image the predicate names', () => {
    const image: Overriders['image'] = [{ component: 'Tag', operator: 'replace', value: 'v9', predicate: { path: '/spec/template/spec/containers/1/image' } }];
    expect(images(rendered(renderMemberObject(withRule({ image }))))).toEqual(['busybox:1.36', 'nginx:1.27', 'registry.example.com/team/proxy:v9']);
  });

  it.each<[string, string]>([
    ['a missing path', '/spec/template/spec/containers/5/image'],
    ['a path to something that is not an image', '/spec/template/spec/containers/0'],
    ['a path to a number', '/spec/replicas'],
    ['a pointer without a leading slash', 'spec/template'],
    ['a pointer with a bad escape', '/spec/~2'],
  ])('fails with OverrideFailed for a predicate with %s', (_name, path) => {
    const result = renderMemberObject(withRule({ image: [{ component: 'Tag', operator: 'replace', value: 'v', predicate: { path } }] }));
    expect(result).toMatchObject({ ok: false, reason: 'OverrideFailed' });
    expect(!result.ok && result.message).toMatch(/^OverridePolicy shop\/p rule 0 image\[0\]: /);
  });

  it.each<[string, Overriders['image']]>([
    ['replace without a value', [{ component: 'Registry', operator: 'replace' }]],
    ['add with an empty value', [{ component: 'Tag', operator: 'add', value: '' }]],
    ['removing the repository', [{ component: 'Repository', operator: 'remove' }]],
  ])('fails with OverrideFailed for %s', (_name, image) => {
    expect(renderMemberObject(withRule({ image }))).toMatchObject({ ok: false, reason: 'OverrideFailed' });
  });

  it('changes the job template of a CronJob', () => {
    const fed: FederatedObject = {
      ...federatedDeployment(),
      kind: 'FederatedCronJob',
      spec: { template: { spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'app:1' }] } } } } } } },
    };
    const object = rendered(renderMemberObject({ ...withRule({ image: [{ component: 'Tag', operator: 'replace', value: '2' }] }), federated: fed, target: cronJobType }));
    expect(object.spec).toEqual({ schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'app:2' }] } } } } });
  });

  it('changes the spec of a Pod', () => {
    const fed: FederatedObject = { ...federatedDeployment(), kind: 'FederatedPod', spec: { template: { spec: { containers: [{ name: 'c', image: 'app:1' }] } } } };
    const object = rendered(renderMemberObject({ ...withRule({ image: [{ component: 'Registry', operator: 'add', value: 'r.io' }] }), federated: fed, target: podType }));
    expect(object.spec).toEqual({ containers: [{ name: 'c', image: 'r.io/app:1' }] });
  });

  it('fails with OverrideFailed on a kind without a pod template', () => {
    const fed: FederatedObject = { ...federatedDeployment(), kind: 'FederatedConfigMap', spec: { template: { data: {} } } };
    const result = renderMemberObject({ ...withRule({ image: [{ component: 'Tag', operator: 'replace', value: '2' }] }), federated: fed, target: configMapType });
    expect(result).toMatchObject({ ok: false, reason: 'OverrideFailed' });
    expect(!result.ok && result.message).toContain('no pod template');
  });
});

describe('renderMemberObject: labels and annotations overriders', () => {
  it('adds (overwriting), replaces only present keys and removes keys', () => {
    const object = rendered(
      renderMemberObject(
        withRule({
          labels: [
            { operator: 'add', value: { app: 'web2', new: 'n' } },
            { operator: 'replace', value: { new: 'n2', absent: 'a' } },
            { operator: 'remove', value: { app: '', missing: '' } },
          ],
          annotations: [{ operator: 'replace', value: { note: 'bye' } }, { operator: 'add', value: { extra: 'e' } }],
        }),
      ),
    );
    expect(object.metadata.labels).toEqual({ new: 'n2', [MANAGED_LABEL]: 'true' });
    expect(object.metadata.annotations).toMatchObject({ note: 'bye', extra: 'e' });
  });

  it('runs labels after image and before jsonPatch within a rule, and rules in order', () => {
    const result = renderMemberObject(
      input({
        overridePolicies: [
          policy('a', [
            { overriders: { jsonPatch: [{ op: 'replace', path: '/metadata/labels/step', value: 'patched' }], labels: [{ operator: 'add', value: { step: 'label' } }] } },
            { overriders: { labels: [{ operator: 'replace', value: { step: 'second-rule' } }] } },
          ]),
          policy('b', [{ overriders: { labels: [{ operator: 'add', value: { step: `${'policy-b'}` } }] } }]),
        ],
      }),
    );
    expect(rendered(result).metadata.labels?.step).toBe('policy-b');
    const firstOnly = renderMemberObject(
      input({ overridePolicies: [policy('a', [{ overriders: { jsonPatch: [{ op: 'replace', path: '/metadata/labels/step', value: 'patched' }], labels: [{ operator: 'add', value: { step: 'label' } }] } }])] }),
    );
    expect(rendered(firstOnly).metadata.labels?.step).toBe('patched');
  });

  it('fails with RenderFailed when a labels overrider removes the managed label', () => {
    const result = renderMemberObject(withRule({ labels: [{ operator: 'remove', value: { [MANAGED_LABEL]: '' } }] }));
    expect(result).toMatchObject({ ok: false, reason: 'RenderFailed' });
    expect(!result.ok && result.message).toContain(MANAGED_LABEL);
  });

  it('fails with RenderFailed when an annotations overrider changes the federated name', () => {
    const result = renderMemberObject(withRule({ annotations: [{ operator: 'add', value: { [FEDERATED_NAME_ANNOTATION]: 'other/x' } }] }));
    expect(result).toMatchObject({ ok: false, reason: 'RenderFailed' });
    expect(!result.ok && result.message).toContain(FEDERATED_NAME_ANNOTATION);
  });
});

describe('renderMemberObject: args and command overriders', () => {
  it('appends and removes entries of the named container, init containers included', () => {
    const object = rendered(
      renderMemberObject(
        withRule({
          args: [
            { containerName: 'web', operator: 'remove', value: ['--verbose'] },
            { containerName: 'web', operator: 'add', value: ['--region=cn'] },
            { containerName: 'init', operator: 'add', value: ['--fast'] },
          ],
          command: [
            { containerName: 'sidecar', operator: 'add', value: ['/proxy', '-v'] },
            { containerName: 'web', operator: 'remove', value: ['/absent'] },
          ],
        }),
      ),
    );
    const spec = podSpec(object);
    expect(spec.containers![0]).toEqual({ name: 'web', image: 'nginx:1.27', args: ['--port=80', '--region=cn'] });
    expect(spec.containers![1]).toEqual({ name: 'sidecar', image: 'registry.example.com/team/proxy:v2', command: ['/proxy', '-v'] });
    expect(spec.initContainers![0]!.args).toEqual(['--once', '--fast']);
  });

  it('fails with OverrideFailed naming the policy, rule and overrider when the container does not exist', () => {
    const result = renderMemberObject(
      input({
        overridePolicies: [policy('mirror', [{ overriders: {} }, { overriders: { command: [{ containerName: 'ghost', operator: 'add', value: ['x'] }] } }])],
      }),
    );
    expect(result).toEqual({
      ok: false,
      reason: 'OverrideFailed',
      message: 'OverridePolicy shop/mirror rule 1 command[0]: no container named "ghost" in /spec/template/spec',
    });
  });
});

describe('renderMemberObject: JSON patches', () => {
  it('applies policy patches, then the object own overrides for this cluster only', () => {
    const fed = federatedDeployment([
      { clusterName: 'west', patches: [{ op: 'replace', path: '/spec/replicas', value: 100 }] },
      { clusterName: 'east', patches: [{ op: 'replace', path: '/spec/replicas', value: 5 }, { op: 'add', path: '/spec/paused', value: true }] },
    ]);
    const overridePolicies = [policy('p', [{ overriders: { jsonPatch: [{ op: 'replace', path: '/spec/replicas', value: 4 }, { op: 'remove', path: '/spec/selector' }] } }])];
    const object = rendered(renderMemberObject(input({ federated: fed, overridePolicies, replicas: 2 })));
    expect(object.spec).toMatchObject({ replicas: 5, paused: true });
    expect((object.spec as Record<string, unknown>).selector).toBeUndefined();
  });

  it('applies the cluster own overrides after the scheduled replicas', () => {
    const fed = federatedDeployment([{ clusterName: 'east', patches: [{ op: 'replace', path: '/spec/replicas', value: 7 }] }]);
    expect((rendered(renderMemberObject(input({ federated: fed, replicas: 2 }))).spec as { replicas: number }).replicas).toBe(7);
  });

  it.each<[string, { op: 'add' | 'remove' | 'replace'; path: string; value?: unknown }]>([
    ['replace of a missing path', { op: 'replace', path: '/spec/missing', value: 1 }],
    ['remove of a missing path', { op: 'remove', path: '/spec/missing' }],
    ['add under a missing parent', { op: 'add', path: '/spec/missing/deeper', value: 1 }],
    ['a pointer without a leading slash', { op: 'add', path: 'spec/x', value: 1 }],
    ['an index past the end', { op: 'add', path: '/spec/template/spec/containers/9', value: {} }],
    ['add without a value', { op: 'add', path: '/spec/x' }],
  ])('fails with OverrideFailed for %s in spec.overrides, naming the patch', (_name, patch) => {
    const fed = federatedDeployment([{ clusterName: 'east', patches: [{ op: 'add', path: '/spec/ok', value: 1 }, patch] }]);
    const result = renderMemberObject(input({ federated: fed }));
    expect(result).toMatchObject({ ok: false, reason: 'OverrideFailed' });
    expect(!result.ok && result.message).toMatch(new RegExp(`^spec\\.overrides\\[east\\] patch 1: ${patch.op} `));
  });

  it('fails for an operation other than add, remove and replace', () => {
    const fed = federatedDeployment([{ clusterName: 'east', patches: [{ op: 'move' as 'add', path: '/spec/x' }] }]);
    expect(renderMemberObject(input({ federated: fed }))).toMatchObject({ ok: false, reason: 'OverrideFailed' });
  });

  it('names a failing policy patch and keeps the document out of the message', () => {
    const fed = federatedDeployment();
    fed.spec.template.data = { password: 'hunter2' };
    const result = renderMemberObject({ ...withRule({ jsonPatch: [{ op: 'remove', path: '/data/nothing' }] }), federated: fed });
    expect(result).toEqual({
      ok: false,
      reason: 'OverrideFailed',
      message: 'OverridePolicy shop/p rule 0 jsonPatch[0]: remove /data/nothing: Cannot perform the operation at a path that does not exist',
    });
  });

  it('refuses a patch into the prototype', () => {
    const fed = federatedDeployment([{ clusterName: 'east', patches: [{ op: 'add', path: '/__proto__/polluted', value: 'yes' }] }]);
    expect(renderMemberObject(input({ federated: fed }))).toMatchObject({ ok: false, reason: 'OverrideFailed' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each<[string, { op: 'add' | 'remove' | 'replace'; path: string; value?: unknown }, string]>([
    ['the kind', { op: 'replace', path: '/kind', value: 'StatefulSet' }, 'kind'],
    ['the apiVersion', { op: 'replace', path: '/apiVersion', value: 'apps/v2' }, 'apiVersion'],
    ['the name', { op: 'replace', path: '/metadata/name', value: 'other' }, 'metadata.name'],
    ['the namespace', { op: 'replace', path: '/metadata/namespace', value: 'other' }, 'metadata.namespace'],
    ['the namespace (removed)', { op: 'remove', path: '/metadata/namespace' }, 'metadata.namespace'],
    ['the managed label', { op: 'replace', path: `/metadata/labels/${MANAGED_LABEL.replace('/', '~1')}`, value: 'false' }, MANAGED_LABEL],
    ['the kind annotation', { op: 'remove', path: `/metadata/annotations/${FEDERATED_KIND_ANNOTATION.replace('/', '~1')}` }, FEDERATED_KIND_ANNOTATION],
    ['all annotations', { op: 'remove', path: '/metadata/annotations' }, 'metadata.annotations'],
    ['a label value that is not a string', { op: 'add', path: '/metadata/labels/n', value: 1 }, 'metadata.labels[n]'],
    ['the whole object', { op: 'replace', path: '', value: 'x' }, 'not an object'],
  ])('fails with RenderFailed when overrides change %s', (_name, patch, mentioned) => {
    const result = renderMemberObject(input({ federated: federatedDeployment([{ clusterName: 'east', patches: [patch] }]) }));
    expect(result).toMatchObject({ ok: false, reason: 'RenderFailed' });
    expect(!result.ok && result.message).toContain(mentioned);
  });

  it('fails with RenderFailed when overrides give a cluster-scoped object a namespace', () => {
    const fed: FederatedObject = {
      apiVersion: 'federation.herd.io/v1alpha1',
      kind: 'FederatedNamespace',
      metadata: { name: 'team-a', namespace: 'team-a' },
      spec: { template: {}, overrides: [{ clusterName: 'east', patches: [{ op: 'add', path: '/metadata/namespace', value: 'team-a' }] }] },
    };
    expect(renderMemberObject(input({ federated: fed, target: namespaceType }))).toMatchObject({ ok: false, reason: 'RenderFailed' });
  });
});

describe('renderedHash', () => {
  const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { x: '1', y: '2' } }, data: { k: 'v', list: [1, { b: 2, a: 1 }] } };

  it('is a sha256 hex digest', () => {
    expect(renderedHash(object)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order', () => {
    const reordered: KubeObject = { data: { list: [1, { a: 1, b: 2 }], k: 'v' }, metadata: { labels: { y: '2', x: '1' }, name: 'a' }, kind: 'ConfigMap', apiVersion: 'v1' };
    expect(renderedHash(reordered)).toBe(renderedHash(object));
  });

  it('changes when a value, a key or the array order changes', () => {
    const base = renderedHash(object);
    expect(renderedHash({ ...object, data: { k: 'w', list: [1, { b: 2, a: 1 }] } })).not.toBe(base);
    expect(renderedHash({ ...object, data: { k2: 'v', list: [1, { b: 2, a: 1 }] } })).not.toBe(base);
    expect(renderedHash({ ...object, data: { k: 'v', list: [{ b: 2, a: 1 }, 1] } })).not.toBe(base);
    expect(renderedHash({ ...object, data: { k: 'v', list: [1, { b: 2, a: 1 }] }, extra: null })).not.toBe(base);
  });

  it('ignores the rendered-hash annotation itself, so an object carrying its hash hashes the same', () => {
    const hash = renderedHash(object);
    const stamped: KubeObject = { ...object, metadata: { ...object.metadata, annotations: { [RENDERED_HASH_ANNOTATION]: hash } } };
    expect(renderedHash(stamped)).toBe(renderedHash({ ...object, metadata: { ...object.metadata, annotations: {} } }));
    expect(stamped.metadata.annotations?.[RENDERED_HASH_ANNOTATION]).toBe(hash);
  });

  it('is the same for two renderings of the same input', () => {
    const first = rendered(renderMemberObject(input({ replicas: 2 })));
    const second = rendered(renderMemberObject(input({ replicas: 2 })));
    expect(renderedHash(first)).toBe(renderedHash(second));
    expect(renderedHash(rendered(renderMemberObject(input({ replicas: 3 }))))).not.toBe(renderedHash(first));
  });
});
