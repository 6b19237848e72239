import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { locateBinaries, type BinaryLocation } from './binary-locator.js';
import { kubernetesLdflags, type GoComponent } from './components.js';
import { KWOK_STAGES_FILE, writeKwokStages } from './kwok-stages.js';

const run = promisify(execFile);

/** Oldest Go that builds every pinned module (the `go` line of the wrapper go.mod files). */
export const MIN_GO_VERSION = '1.26.0';

export interface BuildProgress {
  readonly module: GoComponent['module'];
  readonly binaries: readonly string[];
  /** Packages compiled so far in this module's build. */
  readonly compiled: number;
  /** Packages the build depends on; cached ones are never compiled, so `compiled` may end below it. */
  readonly total: number;
  readonly phase: 'resolving' | 'compiling' | 'linking' | 'done';
}

export interface BuildOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly onProgress?: (p: BuildProgress) => void;
}

export interface BuildResult {
  readonly built: readonly { binary: string; path: string; seconds: number }[];
  readonly skipped: readonly string[];
}

/** The message for a machine that lacks both Go and ready-made binaries: it names both ways out. */
export function noGoMessage(missing: readonly string[], reason: string): string {
  return [
    `The control-plane binaries ${missing.join(', ')} are missing and cannot be built: ${reason}.`,
    'Either:',
    `  1. install Go ${MIN_GO_VERSION} or newer; \`herd dev binaries\` then builds them from the Go module proxy`,
    '     (one cold build takes 15-30 minutes on 2 cores and is cached by version), or',
    '  2. point HERD_K8S_BIN_DIR (or KUBEBUILDER_ASSETS, for kube-apiserver, etcd and kubectl) at a directory',
    '     that holds ready-made kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd and kwok.',
  ].join('\n');
}

/** Compares dotted versions numerically: `compareVersions('1.26.8', '1.26.0') > 0`. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

async function goVersion(env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run('go', ['env', 'GOVERSION'], { env });
    return stdout.trim().replace(/^go/, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'no `go` command on PATH' : `\`go env GOVERSION\` failed: ${String(err)}`);
  }
}

/** The folder with the wrapper modules, found from this file whether it runs from source or from dist/. */
export function goModulesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'e2e', 'binaries', 'go');
    if (existsSync(join(candidate, 'kubernetes', 'go.mod'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find e2e/binaries/go (the wrapper Go modules) above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

async function countDeps(moduleDir: string, pkgs: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { stdout } = await run('go', ['list', '-deps', '-f', '{{.ImportPath}}', ...pkgs], {
    cwd: moduleDir,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.split('\n').filter(Boolean).length;
}

function goBuild(moduleDir: string, args: readonly string[], env: NodeJS.ProcessEnv, onPackage: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['build', '-v', ...args], { cwd: moduleDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const tail: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => {
      // `-v` prints one import path per compiled package; anything else is a diagnostic worth keeping.
      if (/^[\w.-]+(\/[\w.~+-]+)*$/.test(line)) onPackage();
      else tail.push(line);
      if (tail.length > 40) tail.shift();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`go build ${args.at(-1)} failed (exit ${code}):\n${tail.join('\n')}`)),
    );
  });
}

/**
 * Builds every binary that `locateBinaries` reports missing, one module at a time, into its versioned cache folder.
 * Each binary is written to a temporary folder and renamed into place, so an interrupted build never leaves a
 * half-written binary that would count as present.
 */
export async function buildMissingBinaries(options: BuildOptions = {}): Promise<BuildResult> {
  const baseEnv = options.env ?? process.env;
  const locations = locateBinaries(baseEnv);
  const missing = locations.filter((b) => !b.present);
  const skipped = locations.filter((b) => b.present).map((b) => b.component.binary);
  if (missing.length === 0) return { built: [], skipped };

  const names = missing.map((b) => b.component.binary);
  let version: string;
  try {
    version = await goVersion(baseEnv);
  } catch (err) {
    throw new Error(noGoMessage(names, (err as Error).message));
  }
  if (compareVersions(version, MIN_GO_VERSION) < 0) {
    throw new Error(noGoMessage(names, `Go ${version} is older than ${MIN_GO_VERSION}`));
  }

  const env: NodeJS.ProcessEnv = { ...baseEnv, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=mod' };
  const modules = goModulesDir();
  const byModule = new Map<GoComponent['module'], BinaryLocation[]>();
  for (const b of missing) byModule.set(b.component.module, [...(byModule.get(b.component.module) ?? []), b]);

  const built: { binary: string; path: string; seconds: number }[] = [];
  for (const [module, bins] of byModule) {
    const started = Date.now();
    const moduleDir = join(modules, module);
    const binaries = bins.map((b) => b.component.binary);
    const report = (phase: BuildProgress['phase'], compiled: number, total: number) =>
      options.onProgress?.({ module, binaries, compiled, total, phase });
    report('resolving', 0, 0);
    const total = await countDeps(moduleDir, bins.map((b) => b.component.pkg), env);
    let compiled = 0;
    report('compiling', 0, total);
    const ldflags = module === 'kubernetes' ? kubernetesLdflags() : '-s -w';
    const tags = module === 'kubernetes' ? ['-tags=selinux,notest,grpcnotrace'] : [];
    for (const b of bins) {
      const outDir = dirname(b.path);
      mkdirSync(outDir, { recursive: true });
      const tmp = mkdtempSync(join(outDir, `.build-${b.component.binary}-`));
      try {
        await goBuild(moduleDir, ['-trimpath', ...tags, `-ldflags=${ldflags}`, '-o', join(tmp, b.component.binary), b.component.pkg], env, () => {
          compiled++;
          report('compiling', Math.min(compiled, total), total);
        });
        report('linking', Math.min(compiled, total), total);
        if (b.component.module === 'kwok') await writeKwokStages(moduleDir, env, join(outDir, KWOK_STAGES_FILE));
        renameSync(join(tmp, b.component.binary), b.path);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    report('done', total, total);
    const seconds = (Date.now() - started) / 1000;
    for (const b of bins) built.push({ binary: b.component.binary, path: b.path, seconds });
  }
  return { built, skipped };
}
