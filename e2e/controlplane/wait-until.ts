import { isRunning, logTail, type ProcessRecord } from './managed-process.js';

/** A component that did not come up: its name, why, and the end of its log. */
export class ComponentStartError extends Error {
  constructor(
    readonly component: string,
    reason: string,
    readonly log: string,
    readonly tail: string,
  ) {
    super(`${component} ${reason}\n--- last lines of ${log} ---\n${tail}`);
    this.name = 'ComponentStartError';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` until it holds. Fails fast, with the component's log tail, if the process exits meanwhile, and fails
 * the same way when `timeoutMs` passes.
 */
export async function waitUntil(record: ProcessRecord, check: () => Promise<boolean>, timeoutMs: number, what = 'ready'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (!isRunning(record)) throw new ComponentStartError(record.name, `exited before it was ${what}`, record.log, logTail(record.log));
    if (Date.now() > deadline) {
      throw new ComponentStartError(record.name, `was not ${what} after ${Math.round(timeoutMs / 1000)} s`, record.log, logTail(record.log));
    }
    await sleep(250);
  }
}
