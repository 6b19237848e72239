import { stringify } from 'yaml';
import { FLEET_GROUP, FLEET_VERSION } from '../../api/fleet/v1alpha1/well-known.js';

/** Where Herd is registered on the host: namespace and Service names the APIService points at. */
export const HERD_NAMESPACE = 'herd-system';
export const HERD_SERVICE = 'herd-apiserver';
export const HERD_GROUP = 'federation.herd.io';
export const HERD_VERSION = 'v1alpha1';
/** The user name Herd's client certificate carries on the host in the dev fleet. */
export const HERD_HOST_USER = 'system:herd:apiserver';

export interface RegistrationInput {
  /** Port Herd listens on at 127.0.0.1 (the ExternalName Service resolves `localhost`). */
  readonly port: number;
  /** PEM of the CA that signed Herd's serving certificate. */
  readonly caPem: string;
}

/** The APIServices Herd serves: its federation API and the fleet view (`views/global/proxy`, `clusters/{name}/proxy`). */
export const HERD_API_SERVICES = [`${HERD_VERSION}.${HERD_GROUP}`, `${FLEET_VERSION}.${FLEET_GROUP}`] as const;

/**
 * The host objects that make kube-apiserver route `federation.herd.io` and `fleet.herd.io` to a Herd process on this
 * machine: an ExternalName Service to localhost (aggregator routing stays off), one APIService per group with the
 * serving CA, RBAC for Herd's own identity (delegated authentication and authorization, the authentication ConfigMap,
 * namespaces, read access to the member credential Secrets in herd-system), and ClusterRoles aggregated into
 * view/edit/admin: view reads the fleet view and the member proxies, edit also writes through the member proxies.
 */
export function registrationManifests(input: RegistrationInput): string {
  const apiService = (group: string, version: string): object => ({
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: `${version}.${group}` },
    spec: {
      group,
      version,
      service: { name: HERD_SERVICE, namespace: HERD_NAMESPACE, port: input.port },
      caBundle: Buffer.from(input.caPem).toString('base64'),
      groupPriorityMinimum: 1000,
      versionPriority: 15,
    },
  });
  const docs: object[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: HERD_NAMESPACE } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: HERD_SERVICE, namespace: HERD_NAMESPACE },
      spec: { type: 'ExternalName', externalName: 'localhost' },
    },
    apiService(HERD_GROUP, HERD_VERSION),
    apiService(FLEET_GROUP, FLEET_VERSION),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'herd-apiserver:system:auth-delegator' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: HERD_HOST_USER }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'herd-apiserver-auth-reader', namespace: 'kube-system' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: HERD_HOST_USER }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'herd-apiserver' },
      rules: [
        { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch', 'update'] },
        { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['flowcontrol.apiserver.k8s.io'], resources: ['prioritylevelconfigurations', 'flowschemas'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['apiregistration.k8s.io'], resources: ['apiservices'], resourceNames: [`${HERD_VERSION}.${HERD_GROUP}`], verbs: ['get', 'patch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'herd-apiserver' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'herd-apiserver' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: HERD_HOST_USER }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'herd-apiserver', namespace: HERD_NAMESPACE },
      // Herd only reads the member credentials; `herd join` (the admin, here) writes them.
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'herd-apiserver', namespace: HERD_NAMESPACE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'herd-apiserver' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: HERD_HOST_USER }],
    },
    aggregatedRole('herd-view', 'view', [
      { apiGroups: [HERD_GROUP], resources: ['*'], verbs: ['get', 'list', 'watch'] },
      // The host sees every request under views/global/proxy and clusters/<name>/proxy as `get` (reads and watches)
      // of the proxy subresource; what a user then sees is decided by each member's RBAC.
      { apiGroups: [FLEET_GROUP], resources: ['views/proxy', 'clusters/proxy'], verbs: ['get'] },
    ]),
    aggregatedRole('herd-edit', 'edit', [
      { apiGroups: [HERD_GROUP], resources: ['*'], verbs: ['create', 'delete', 'deletecollection', 'patch', 'update'] },
      { apiGroups: [FLEET_GROUP], resources: ['clusters/proxy'], verbs: ['get', 'create', 'update', 'patch', 'delete'] },
    ]),
    aggregatedRole('herd-admin', 'admin', [{ apiGroups: [HERD_GROUP], resources: ['*'], verbs: ['*'] }]),
  ];
  return docs.map((d) => stringify(d)).join('---\n');
}

function aggregatedRole(name: string, to: 'view' | 'edit' | 'admin', rules: object[]): object {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { [`rbac.authorization.k8s.io/aggregate-to-${to}`]: 'true' } },
    rules,
  };
}
