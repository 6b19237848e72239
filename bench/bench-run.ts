import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { herdEntryPoint } from '../e2e/controlplane/herd-process.js';
import { machineInfo } from './api-report.js';
import { Teardown } from './teardown.js';

/** What every benchmark starts with. */
export interface BenchRun {
  /** The project's root: results go to `<root>/.herd/bench`. */
  readonly root: string;
  readonly startedAt: string;
  readonly machine: ReturnType<typeof machineInfo>;
  /** Already holds the removal of `work`, so it goes last. */
  readonly teardown: Teardown;
  /** A fresh temporary directory for the run's fleet and files. */
  readonly work: string;
}

export function startBenchRun(log: (line: string) => void): BenchRun {
  const root = resolve(dirname(herdEntryPoint()), '..', '..');
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const teardown = new Teardown(log);
  const work = mkdtempSync(join(tmpdir(), 'herd-bench-'));
  teardown.add('temporary directory', async () => rmSync(work, { recursive: true, force: true }));
  return { root, startedAt, machine, teardown, work };
}
