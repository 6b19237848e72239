// A small OpenAPI v3 index and documents shaped like kube-apiserver's: references wrapped in `allOf` beside a
// description and a default, required lists, IntOrString and Quantity as type unions, list and map extensions, and
// a CRD whose schema references itself.

const S = '#/components/schemas/';
const wrap = (name: string, description: string, extra: Record<string, unknown> = {}) => ({ allOf: [{ $ref: S + name }], description, ...extra });
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

const objectMeta = {
  description: 'ObjectMeta is metadata that all persisted resources must have.',
  type: 'object',
  properties: { name: { type: 'string', description: 'Name.' }, labels: { type: 'object', additionalProperties: { type: 'string', default: '' } } },
};

export const appsV1 = {
  openapi: '3.0.0',
  components: {
    schemas: {
      'io.k8s.api.apps.v1.Deployment': {
        description: 'Deployment enables declarative updates for Pods and ReplicaSets.',
        type: 'object',
        properties: {
          apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema.' },
          kind: { type: 'string', description: 'Kind is a string value.' },
          metadata: wrap(META, "Standard object's metadata.", { default: {} }),
          spec: wrap('io.k8s.api.apps.v1.DeploymentSpec', 'Specification of the desired behavior of the Deployment.', { default: {} }),
          status: { type: 'object', properties: { replicas: { type: 'integer', format: 'int32' } } },
        },
        'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'Deployment', version: 'v1' }],
      },
      'io.k8s.api.apps.v1.DeploymentSpec': {
        description: 'DeploymentSpec is the specification of the desired behavior of the Deployment.',
        type: 'object',
        required: ['selector', 'template'],
        properties: {
          replicas: { type: 'integer', format: 'int32', description: 'Number of desired pods.' },
          selector: wrap('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector', 'Label selector for pods.'),
          template: wrap('io.k8s.api.core.v1.PodTemplateSpec', 'Template describes the pods that will be created.', { default: {} }),
          strategy: wrap('io.k8s.api.apps.v1.DeploymentStrategy', 'The deployment strategy.', { default: {} }),
        },
      },
      'io.k8s.api.apps.v1.DeploymentStrategy': {
        description: 'DeploymentStrategy describes how to replace existing pods with new ones.',
        type: 'object',
        properties: {
          type: { type: 'string', enum: ['Recreate', 'RollingUpdate'], description: 'Type of deployment.\n\nPossible enum values: ...' },
          rollingUpdate: { allOf: [{ $ref: S + 'io.k8s.api.apps.v1.RollingUpdateDeployment' }] },
        },
      },
      'io.k8s.api.apps.v1.RollingUpdateDeployment': {
        description: 'Spec to control the desired behavior of rolling update.',
        type: 'object',
        properties: {
          maxSurge: wrap('io.k8s.apimachinery.pkg.util.intstr.IntOrString', 'The maximum number of pods that can be scheduled above the desired number.'),
        },
      },
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
        description: 'IntOrString is a type that can hold an int32 or a string.',
        format: 'int-or-string',
        oneOf: [{ type: 'integer' }, { type: 'string' }],
      },
      'io.k8s.apimachinery.pkg.api.resource.Quantity': {
        description: 'Quantity is a fixed-point representation of a number.',
        oneOf: [{ type: 'string' }, { type: 'number' }],
      },
      'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': {
        description: 'A label selector is a label query over a set of resources.',
        type: 'object',
        properties: {
          matchLabels: { type: 'object', additionalProperties: { type: 'string', default: '' } },
          matchExpressions: {
            type: 'array',
            items: { allOf: [{ $ref: S + 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement' }], default: {} },
            'x-kubernetes-list-type': 'atomic',
          },
        },
        'x-kubernetes-map-type': 'atomic',
      },
      'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': {
        type: 'object',
        required: ['key', 'operator'],
        properties: { key: { type: 'string', default: '' }, operator: { type: 'string', default: '' }, values: { type: 'array', items: { type: 'string', default: '' } } },
      },
      'io.k8s.api.core.v1.PodTemplateSpec': {
        type: 'object',
        properties: { metadata: wrap(META, "Standard object's metadata.", { default: {} }), spec: wrap('io.k8s.api.core.v1.PodSpec', 'Pod spec.', { default: {} }) },
      },
      'io.k8s.api.core.v1.PodSpec': {
        type: 'object',
        required: ['containers'],
        properties: {
          containers: {
            type: 'array',
            items: { allOf: [{ $ref: S + 'io.k8s.api.core.v1.Container' }], default: {} },
            'x-kubernetes-list-map-keys': ['name'],
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-patch-merge-key': 'name',
            'x-kubernetes-patch-strategy': 'merge',
          },
        },
      },
      'io.k8s.api.core.v1.Container': {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', default: '', description: 'Name of the container.' },
          image: { type: 'string' },
          resources: wrap('io.k8s.api.core.v1.ResourceRequirements', 'Compute resources.', { default: {} }),
        },
      },
      'io.k8s.api.core.v1.ResourceRequirements': {
        type: 'object',
        properties: { limits: { type: 'object', additionalProperties: { allOf: [{ $ref: S + 'io.k8s.apimachinery.pkg.api.resource.Quantity' }] } } },
      },
      [META]: objectMeta,
    },
  },
};

export const coreV1 = {
  openapi: '3.0.0',
  components: {
    schemas: {
      'io.k8s.api.core.v1.ConfigMap': {
        description: 'ConfigMap holds configuration data for pods to consume.',
        type: 'object',
        properties: {
          data: { type: 'object', additionalProperties: { type: 'string', default: '' } },
          immutable: { type: 'boolean' },
          metadata: wrap(META, "Standard object's metadata.", { default: {} }),
        },
        'x-kubernetes-group-version-kind': [{ group: '', kind: 'ConfigMap', version: 'v1' }],
      },
      [META]: objectMeta,
    },
  },
};

/** A CRD as kube-apiserver publishes it, with a self-referencing node type added. */
export const exampleV1 = {
  openapi: '3.0.0',
  components: {
    schemas: {
      'com.example.v1.Widget': {
        description: 'A widget.',
        type: 'object',
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: wrap(META, "Standard object's metadata."),
          spec: {
            type: 'object',
            required: ['size'],
            oneOf: [{ required: ['color'] }, { required: ['shade'] }],
            'x-kubernetes-validations': [{ rule: 'self.size != "0"' }],
            properties: {
              size: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], description: 'How big.' },
              color: { type: 'string', pattern: '^[a-z]+$', nullable: true },
              shade: { type: 'string', pattern: '(?i)dark' },
              config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              inner: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
              tree: { allOf: [{ $ref: S + 'com.example.v1.Node' }], description: 'A tree of nodes.' },
              raw: { allOf: [{ $ref: S + 'io.k8s.apimachinery.pkg.runtime.RawExtension' }] },
            },
          },
        },
        'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'Widget', version: 'v1' }],
      },
      'com.example.v1.Node': {
        description: 'One node.',
        type: 'object',
        properties: { value: { type: 'string' }, children: { type: 'array', items: { $ref: S + 'com.example.v1.Node' } } },
      },
      'io.k8s.apimachinery.pkg.runtime.RawExtension': { description: 'RawExtension holds any object.', type: 'object' },
      [META]: objectMeta,
    },
  },
};

export const index = (hashes: { apps?: string; core?: string; example?: string } = {}) => ({
  paths: {
    api: { serverRelativeURL: '/openapi/v3/api?hash=0' },
    'api/v1': { serverRelativeURL: `/openapi/v3/api/v1?hash=${hashes.core ?? 'C1'}` },
    'apis/apps/v1': { serverRelativeURL: `/openapi/v3/apis/apps/v1?hash=${hashes.apps ?? 'A1'}` },
    'apis/example.com/v1': { serverRelativeURL: `/openapi/v3/apis/example.com/v1?hash=${hashes.example ?? 'E1'}` },
  },
});
