import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { E2eFleet } from './fleet-provider.js';

const run = promisify(execFile);

export interface KubectlResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs kubectl against one context of the fleet; never throws on a non-zero exit (tests assert on `code`). */
export async function kubectl(fleet: E2eFleet, context: string, args: readonly string[], input?: string): Promise<KubectlResult> {
  const child = run(fleet.kubectl, ['--kubeconfig', fleet.kubeconfig, '--context', context, ...args], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 170_000,
  });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  try {
    const { stdout, stderr } = await child;
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number | string };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? String(err), code: typeof e.code === 'number' ? e.code : 1 };
  }
}

/** kubectl that must succeed: returns stdout, or throws with kubectl's stderr. */
export async function kubectlOk(fleet: E2eFleet, context: string, args: readonly string[], input?: string): Promise<string> {
  const r = await kubectl(fleet, context, args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} (context ${context}) failed with ${r.code}: ${r.stderr}`);
  return r.stdout;
}
