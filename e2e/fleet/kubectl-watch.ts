import { spawn } from 'node:child_process';
import type { E2eFleet } from './fleet-provider.js';

/** A line kubectl printed, and when it arrived (ms since the epoch). */
export interface TimedLine {
  readonly line: string;
  readonly at: number;
}

/** A running `kubectl … -w`: the lines it printed so far, with their arrival times. */
export interface KubectlWatch {
  readonly lines: readonly TimedLine[];
  readonly stderr: () => string;
  /** The first line (printed so far or later) that matches, within `timeoutMs`. */
  waitFor(match: (line: string) => boolean, timeoutMs: number): Promise<TimedLine>;
  stop(): void;
}

/** Spawns kubectl (with the fleet's kubeconfig and one context) and timestamps each stdout line as it arrives. */
export function kubectlWatch(fleet: Pick<E2eFleet, 'kubectl' | 'kubeconfig'>, context: string, args: readonly string[]): KubectlWatch {
  const child = spawn(fleet.kubectl, ['--kubeconfig', fleet.kubeconfig, '--context', context, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: TimedLine[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  let stderr = '';
  let exited: string | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const at = Date.now();
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) lines.push({ line, at });
    for (const w of waiters) w();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.on('exit', (code, signal) => {
    exited = `kubectl exited (${signal ?? code})`;
    for (const w of waiters) w();
  });
  return {
    lines,
    stderr: () => stderr,
    waitFor(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((l) => match(l.line));
          if (found) done(() => resolve(found));
          else if (exited) done(() => reject(new Error(`${exited} before the line came: ${stderr.trim()}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no such line within ${timeoutMs} ms; got:\n${lines.map((l) => l.line).join('\n')}\n${stderr.trim()}`))),
          timeoutMs,
        );
        const done = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        waiters.add(check);
        check();
      });
    },
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
