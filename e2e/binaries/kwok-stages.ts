import { execFile } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** File beside the kwok binary holding the Stage configuration kwok runs with. */
export const KWOK_STAGES_FILE = 'kwok-stages.yaml';

/**
 * The stages the fleet simulates, as published in the kwok module: nodes initialise to Ready and renew their Lease
 * (so the node lifecycle controller keeps them Ready), pods become Ready at once, finish when their Job says so and
 * go away when deleted.
 */
const STAGE_FILES = [
  'kustomize/stage/node/fast/node-initialize.yaml',
  'kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'kustomize/stage/pod/fast/pod-ready.yaml',
  'kustomize/stage/pod/fast/pod-complete.yaml',
  'kustomize/stage/pod/fast/pod-delete.yaml',
];

/** Writes the stage file from the kwok module that `moduleDir` depends on (already in the module cache after a build). */
export async function writeKwokStages(moduleDir: string, env: NodeJS.ProcessEnv, outFile: string): Promise<void> {
  const { stdout } = await run('go', ['list', '-m', '-f', '{{.Dir}}', 'sigs.k8s.io/kwok'], { cwd: moduleDir, env });
  const dir = stdout.trim();
  const docs = STAGE_FILES.map((f) => readFileSync(join(dir, f), 'utf8').trim());
  writeFileSync(`${outFile}.tmp`, docs.join('\n---\n') + '\n');
  renameSync(`${outFile}.tmp`, outFile);
}
