/**
 * The control-plane programs the local fleet runs, each pinned to one version and built from the Go module
 * in `go/<module>/` beside this file. Bumping a version means editing the pin here and that module's go.mod.
 */
export interface GoComponent {
  /** Executable name, as it appears in a binary directory. */
  readonly binary: string;
  /** Wrapper module folder under e2e/binaries/go. */
  readonly module: 'kubernetes' | 'etcd' | 'kwok';
  /** Go package path to build. */
  readonly pkg: string;
  /** Cache folder name, keyed by version: binaries of different versions never mix. */
  readonly cacheKey: string;
  /** Files that must sit beside the binary for it to count as present (written by the build). */
  readonly companions?: readonly string[];
}

export const KUBERNETES_VERSION = '1.36.3';
export const ETCD_VERSION = '3.6.16';
export const KWOK_VERSION = '0.8.0';

const k8s = (binary: string): GoComponent => ({
  binary,
  module: 'kubernetes',
  pkg: `k8s.io/kubernetes/cmd/${binary}`,
  cacheKey: `kubernetes-v${KUBERNETES_VERSION}`,
});

export const COMPONENTS: readonly GoComponent[] = [
  k8s('kube-apiserver'),
  k8s('kube-controller-manager'),
  k8s('kube-scheduler'),
  k8s('kubectl'),
  { binary: 'etcd', module: 'etcd', pkg: 'go.etcd.io/etcd/server/v3', cacheKey: `etcd-v${ETCD_VERSION}` },
  { binary: 'kwok', module: 'kwok', pkg: 'sigs.k8s.io/kwok/cmd/kwok', cacheKey: `kwok-v${KWOK_VERSION}`, companions: ['kwok-stages.yaml'] /* KWOK_STAGES_FILE */ },
];

export type BinaryName = 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kubectl' | 'etcd' | 'kwok';

/** Linker flags that stamp the Kubernetes version the way upstream's release build does (compatibility versions depend on it). */
export function kubernetesLdflags(version = KUBERNETES_VERSION): string {
  const [major, minor] = version.split('.');
  const flags = ['-s', '-w'];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(
      `-X ${pkg}.gitVersion=v${version}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
      `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
    );
  }
  return flags.join(' ');
}
