// The FederatedTypeConfigs Herd installs on first start. They are ordinary objects: deleting one stops serving its
// Federated<Kind>, and creating more federates more kinds (CRDs included).
//
// FederatedNamespace is namespaced, as in KubeFed: a FederatedNamespace named `team-a` lives in namespace `team-a`
// and federates that namespace. Namespace owners can then federate their namespace with namespaced RBAC, deleting
// the namespace on the host removes it.
import type { FederatedTypeConfig, ResourceScope } from './federated-type-config.js';
import { federatedTypeConfigName } from './federated-type-config.js';
import { API_VERSION, DEFAULT_TYPE_LABEL } from './well-known.js';

interface DefaultType {
  group: string;
  version: string;
  kind: string;
  pluralName: string;
  scope: ResourceScope;
  shortNames: string[];
  federatedScope?: ResourceScope;
}

const DEFAULT_TYPES: readonly DefaultType[] = [
  { group: 'apps', version: 'v1', kind: 'Deployment', pluralName: 'deployments', scope: 'Namespaced', shortNames: ['fdeploy'] },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', pluralName: 'statefulsets', scope: 'Namespaced', shortNames: ['fsts'] },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', pluralName: 'daemonsets', scope: 'Namespaced', shortNames: ['fds'] },
  { group: 'batch', version: 'v1', kind: 'Job', pluralName: 'jobs', scope: 'Namespaced', shortNames: ['fjob'] },
  { group: 'batch', version: 'v1', kind: 'CronJob', pluralName: 'cronjobs', scope: 'Namespaced', shortNames: ['fcj'] },
  { group: '', version: 'v1', kind: 'Service', pluralName: 'services', scope: 'Namespaced', shortNames: ['fsvc'] },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'Ingress',
    pluralName: 'ingresses',
    scope: 'Namespaced',
    shortNames: ['fing'],
  },
  { group: '', version: 'v1', kind: 'ConfigMap', pluralName: 'configmaps', scope: 'Namespaced', shortNames: ['fcm'] },
  { group: '', version: 'v1', kind: 'Secret', pluralName: 'secrets', scope: 'Namespaced', shortNames: ['fsecret'] },
  { group: '', version: 'v1', kind: 'ServiceAccount', pluralName: 'serviceaccounts', scope: 'Namespaced', shortNames: ['fsa'] },
  {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    pluralName: 'namespaces',
    scope: 'Cluster',
    shortNames: ['fns'],
    federatedScope: 'Namespaced',
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'Role',
    pluralName: 'roles',
    scope: 'Namespaced',
    shortNames: ['frole'],
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'RoleBinding',
    pluralName: 'rolebindings',
    scope: 'Namespaced',
    shortNames: ['frb'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'PersistentVolumeClaim',
    pluralName: 'persistentvolumeclaims',
    scope: 'Namespaced',
    shortNames: ['fpvc'],
  },
];

function toConfig(t: DefaultType): FederatedTypeConfig {
  const targetType = { group: t.group, version: t.version, kind: t.kind, pluralName: t.pluralName, scope: t.scope };
  return {
    apiVersion: API_VERSION,
    kind: 'FederatedTypeConfig',
    metadata: { name: federatedTypeConfigName(targetType), labels: { [DEFAULT_TYPE_LABEL]: 'true' } },
    spec: {
      targetType,
      federatedType: {
        kind: `Federated${t.kind}`,
        pluralName: `federated${t.pluralName}`,
        shortNames: [...t.shortNames],
        scope: t.federatedScope ?? t.scope,
      },
      propagation: 'Enabled',
      statusCollection: 'Enabled',
    },
  };
}

/** The 14 default FederatedTypeConfig objects, fresh copies on every call. */
export function defaultFederatedTypeConfigs(): FederatedTypeConfig[] {
  return DEFAULT_TYPES.map(toConfig);
}
