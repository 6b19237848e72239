import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** A process the fleet started, as recorded in fleet.json so any later `herd dev` command can find it. */
export interface ProcessRecord {
  /** Component name, unique in the fleet: `etcd`, `host/kube-apiserver`, `member-1/kwok`, … */
  readonly name: string;
  readonly binary: string;
  readonly pid: number;
  readonly log: string;
  /** URL answering 200 when the component is healthy, if it serves one. */
  readonly healthUrl?: string;
}

export interface StartRequest {
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  readonly log: string;
  readonly healthUrl?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Starts a component in its own session (so a Ctrl-C in the terminal reaches only the `herd` process, which then
 * tears everything down in order) with stdout and stderr appended to its log file. The child is unref'd: whether
 * the fleet outlives the `herd` process is the caller's choice (`--detach`).
 */
export function startProcess(req: StartRequest): ProcessRecord {
  const fd = openSync(req.log, 'a');
  try {
    const child = spawn(req.binary, [...req.args], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: req.env ?? process.env,
    });
    if (child.pid === undefined) throw new Error(`could not start ${req.name} (${req.binary})`);
    child.unref();
    return { name: req.name, binary: req.binary, pid: child.pid, log: req.log, ...(req.healthUrl ? { healthUrl: req.healthUrl } : {}) };
  } finally {
    closeSync(fd);
  }
}

/**
 * True when `pid` is alive and still runs `binary`. The command-line check keeps a recycled pid from being mistaken
 * for (and then killed as) one of ours; where /proc is absent, liveness alone decides.
 */
export function isRunning(record: Pick<ProcessRecord, 'pid' | 'binary'>): boolean {
  try {
    process.kill(record.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${record.pid}/stat`, 'utf8');
    const [state, ppid] = (stat.split(') ')[1] ?? '').split(' ');
    if (state === 'Z') return false; // a zombie has exited; only its parent has not reaped it
    const cmdline = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8');
    // Our own child may not have exec'd its binary yet, right after spawn.
    return cmdline.split('\0')[0] === record.binary || Number(ppid) === process.pid;
  } catch {
    return true;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Returns false if it was not running. */
export async function stopProcess(record: Pick<ProcessRecord, 'pid' | 'binary'>, graceMs = 10_000): Promise<boolean> {
  if (!isRunning(record)) return false;
  process.kill(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isRunning(record)) {
    if (Date.now() > deadline) {
      try {
        process.kill(record.pid, 'SIGKILL');
      } catch {
        /* exited meanwhile */
      }
      while (isRunning(record)) await sleep(50);
      break;
    }
    await sleep(50);
  }
  return true;
}

/** The last `lines` lines of a log file, for error messages. */
export function logTail(path: string, lines = 25): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.split('\n').filter(Boolean).slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
