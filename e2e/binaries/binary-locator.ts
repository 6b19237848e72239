import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { COMPONENTS, type BinaryName, type GoComponent } from './components.js';

/** Where each control-plane binary comes from, and which ones still have to be built. */
export interface BinaryLocation {
  readonly component: GoComponent;
  /** Absolute path the binary is (or will be, once built) at. */
  readonly path: string;
  readonly source: 'HERD_K8S_BIN_DIR' | 'KUBEBUILDER_ASSETS' | 'cache';
  readonly present: boolean;
}

/** The folder holding cached builds: `$HERD_CACHE_DIR`, else `$XDG_CACHE_HOME/herd`, else `~/.cache/herd`. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HERD_CACHE_DIR) return env.HERD_CACHE_DIR;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'herd');
}

function isPresent(path: string, component: GoComponent): boolean {
  if (!isExecutable(path)) return false;
  return (component.companions ?? []).every((f) => existsSync(join(dirname(path), f)));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves every binary: a directory named by `HERD_K8S_BIN_DIR` wins, then `KUBEBUILDER_ASSETS` (which usually holds
 * only kube-apiserver, etcd and kubectl), then the versioned cache. A binary with companion files (kwok's stages) counts
 * only where those files are beside it. A binary found nowhere is reported at its cache path
 * with `present: false`, which is where a build puts it.
 */
export function locateBinaries(env: NodeJS.ProcessEnv = process.env): BinaryLocation[] {
  return COMPONENTS.map((component) => {
    for (const source of ['HERD_K8S_BIN_DIR', 'KUBEBUILDER_ASSETS'] as const) {
      const dir = env[source];
      if (!dir) continue;
      const path = join(dir, component.binary);
      if (isPresent(path, component)) return { component, path, source, present: true };
    }
    const path = join(cacheRoot(env), 'bin', component.cacheKey, component.binary);
    return { component, path, source: 'cache', present: isPresent(path, component) };
  });
}

export type BinaryPaths = Readonly<Record<BinaryName, string>>;

/** Paths of all binaries, or an error listing those missing (callers build them first with `buildMissingBinaries`). */
export function requireBinaries(env: NodeJS.ProcessEnv = process.env): BinaryPaths {
  const found = locateBinaries(env);
  const missing = found.filter((b) => !b.present).map((b) => b.component.binary);
  if (missing.length > 0) {
    throw new Error(`control-plane binaries missing: ${missing.join(', ')}; run \`herd dev binaries\` to build them`);
  }
  return Object.fromEntries(found.map((b) => [b.component.binary, b.path])) as Record<BinaryName, string>;
}
