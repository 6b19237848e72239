import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system, ms) used so far by the processes `pids`; 0 for one that is gone or where /proc is absent. */
export function cpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name, which may itself hold spaces: state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* process gone, or no /proc */
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** CPU time the processes use while `body` runs. */
export async function withCpu<T>(pids: readonly number[], body: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const before = cpuMs(pids);
  const result = await body();
  return { result, cpuMs: cpuMs(pids) - before };
}

/** CPU time (ms) the whole machine has been busy (every core, all but idle and iowait), from /proc/stat; 0 without it. */
export function machineBusyMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return ((total - idle) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** This process's own CPU time (ms): the load generator. */
export function selfCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
