import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program the benchmark needs from Debian's packages: where it is, and whether this run had to install it. */
export interface DebianTool {
  readonly binary: string;
  readonly package: string;
  /** Absolute path, when the program is there (found or installed). */
  readonly path?: string;
  /** This run installed the package with apt-get. */
  readonly installed: boolean;
  /** Why the program is missing, when it is. */
  readonly error?: string;
}

/** Daemons live in sbin, which a non-root PATH may leave out. */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The absolute path of `binary` in PATH (and the sbin directories), or undefined. */
export function which(binary: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const path = join(dir, binary);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

function run(command: string, args: readonly string[], timeoutMs: number): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(command, [...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }, (err, stdout, stderr) => {
      resolve({ ok: !err, output: `${stdout}${stderr}`.trim() || (err?.message ?? '') });
    });
  });
}

const lastLines = (text: string, n = 3) => text.split('\n').slice(-n).join(' | ');

/**
 * Finds `binary`; when it is missing, installs Debian's `pkg` with `apt-get install -y --no-install-recommends` (and,
 * should apt not know the package yet, once more after `apt-get update`). Never throws: a tool that cannot be had
 * comes back with `error`, and the caller reports that instead of a figure. apt-get does not start daemons here
 * (policy-rc.d in containers, and the benchmark never asks for it): servers are run by the benchmark itself.
 */
export async function ensureDebianTool(binary: string, pkg: string, log: (line: string) => void): Promise<DebianTool> {
  const found = which(binary);
  if (found) return { binary, package: pkg, path: found, installed: false };
  if (process.platform !== 'linux' || !which('apt-get')) return { binary, package: pkg, installed: false, error: `${binary} is not installed and there is no apt-get to install Debian's ${pkg}` };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return { binary, package: pkg, installed: false, error: `${binary} is not installed; install it with: sudo apt-get install -y --no-install-recommends ${pkg}` };
  }
  log(`${binary} is missing: apt-get install -y --no-install-recommends ${pkg}`);
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', pkg], 300_000);
  let result = await install();
  if (!result.ok) {
    log(`apt-get install ${pkg} failed (${lastLines(result.output, 1)}); apt-get update, then once more`);
    const update = await run('apt-get', ['update'], 300_000);
    if (!update.ok) return { binary, package: pkg, installed: false, error: `apt-get update failed: ${lastLines(update.output)}` };
    result = await install();
  }
  const path = which(binary);
  if (!result.ok || !path) return { binary, package: pkg, installed: false, error: `apt-get install ${pkg} failed: ${lastLines(result.output)}` };
  log(`installed Debian's ${pkg}: ${path}`);
  return { binary, package: pkg, path, installed: true };
}
