import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryDns } from '../pkg/gslb/dns-client.js';
import { freePort } from '../e2e/controlplane/free-port.js';
import { logTail } from '../e2e/controlplane/managed-process.js';
import type { Teardown } from './teardown.js';

/** The static zone the reference serves: what Herd serves for one GlobalLoadBalancer, written down once. */
export interface StaticZone {
  /** The apex, e.g. `herd.local`. */
  readonly zone: string;
  readonly hostname: string;
  readonly addresses: readonly string[];
  /** TTL of the address records (the GlobalLoadBalancer's ttlSeconds). */
  readonly ttl: number;
}

/** The reference DNS server, running: where it answers and the process group doing the work. */
export interface ReferenceDns {
  readonly name: string;
  readonly version: string;
  readonly address: string;
  readonly port: number;
  /** The process group leader; its children (NSD's main and server processes) are found under /proc. */
  readonly pid: number;
  /** Every process of the group now: for CPU accounting. */
  pids(): number[];
  readonly config: string;
}

/**
 * The zone file: the SOA and NS Herd answers for its apex (same names and timers as DnsResponder's defaults) and the
 * hostname's A records, nothing else.
 */
export function zoneFile(z: StaticZone): string {
  const hostname = z.hostname.endsWith(`.${z.zone}`) ? z.hostname.slice(0, -(z.zone.length + 1)) : `${z.hostname}.`;
  return [
    `$ORIGIN ${z.zone}.`,
    '$TTL 3600',
    `@ IN SOA ns.${z.zone}. hostmaster.${z.zone}. 1 3600 600 86400 30`,
    `@ IN NS ns.${z.zone}.`,
    ...z.addresses.map((a) => `${hostname} ${z.ttl} IN A ${a}`),
    '',
  ].join('\n');
}

/**
 * NSD's configuration for one local process: one address and port on 127.0.0.1, everything it writes (pid, state,
 * log) under `dir`, no privilege drop or chroot (it never binds port 53), no remote control, no zone transfers.
 * - `server-count: 1`: one answering process, as Herd answers DNS on one event loop thread.
 * - rate limiting off: Debian builds NSD with response rate limiting at 200 answers/s per client /24 by default,
 *   which would cap the benchmark's single client and measure the limiter, not the server.
 * - `minimal-responses`: no NS records in the authority section of positive answers, as Herd answers, so both send
 *   the same bytes for the same question; `round-robin`: the A records rotate, as Herd's RoundRobin rotates them.
 */
export function nsdConfig(dir: string, port: number, zone: string, zoneFilePath: string): string {
  return [
    'server:',
    `  ip-address: 127.0.0.1@${port}`,
    `  port: ${port}`,
    '  do-ip6: no',
    '  server-count: 1',
    '  username: ""',
    '  chroot: ""',
    `  zonesdir: "${dir}"`,
    '  database: ""',
    `  pidfile: "${join(dir, 'nsd.pid')}"`,
    `  xfrdfile: "${join(dir, 'xfrd.state')}"`,
    `  zonelistfile: "${join(dir, 'zone.list')}"`,
    `  xfrdir: "${dir}"`,
    `  logfile: "${join(dir, 'nsd.log')}"`,
    '  verbosity: 1',
    '  hide-version: yes',
    '  rrl-ratelimit: 0',
    '  rrl-whitelist-ratelimit: 0',
    '  minimal-responses: yes',
    '  round-robin: yes',
    'remote-control:',
    '  control-enable: no',
    'zone:',
    `  name: ${zone}`,
    `  zonefile: "${zoneFilePath}"`,
    '',
  ].join('\n');
}

/** Processes whose process group is `pgid`, from /proc (empty without /proc); zombies only when asked. */
export function processGroup(pgid: number, zombies = false): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // state is field 3, pgrp field 5: after the command name, index 0 and 2.
      if ((zombies || fields[0] !== 'Z') && Number(fields[2]) === pgid) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops NSD as its manual says, SIGTERM to the pid in its pid file (which stops its server processes and xfrd), then whatever is left of the group: SIGTERM, and SIGKILL after `graceMs`. Resolves once
 * no process of the group is left.
 */
async function stopNsd(pgid: number, pidFile: string, graceMs = 5000): Promise<void> {
  const signal = (pid: number, s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      /* gone */
    }
  };
  const gone = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (processGroup(pgid).length > 0) {
      if (Date.now() > deadline) return false;
      await sleep(50);
    }
    return true;
  };
  let main: number | undefined;
  try {
    main = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    /* no pid file: it never got that far */
  }
  let stopped = false;
  if (main && processGroup(pgid).includes(main)) {
    signal(main, 'SIGTERM');
    stopped = await gone(graceMs);
  }
  if (!stopped) {
    signal(-pgid, 'SIGTERM');
    if (!(await gone(graceMs))) {
      signal(-pgid, 'SIGKILL');
      await gone(1000);
    }
  }
  // NSD's main process exits before reaping its server process, which init then reaps: wait for that too, so
  // nothing named nsd is left in the process table when the benchmark ends.
  const deadline = Date.now() + 5000;
  while (processGroup(pgid, true).length > 0 && Date.now() < deadline) await sleep(100);
}

/**
 * Starts NSD (`nsd -d`: foreground, no daemon) from `binary` under `dir` on a free port of 127.0.0.1, serving `z`,
 * in a process group of its own that teardown stops as a whole. Resolves once it answers the hostname with all the
 * addresses. Touches no system configuration: the config, zone, pid file, state and log are all in `dir`.
 */
export async function startNsd(binary: string, dir: string, z: StaticZone, teardown: Teardown): Promise<ReferenceDns> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const zonePath = join(dir, `${z.zone}.zone`);
  writeFileSync(zonePath, zoneFile(z));
  const config = join(dir, 'nsd.conf');
  writeFileSync(config, nsdConfig(dir, port, z.zone, zonePath));
  const log = join(dir, 'nsd.out');
  const fd = openSync(log, 'a');
  let pid: number | undefined;
  try {
    const child = spawn(binary, ['-d', '-c', config], { detached: true, stdio: ['ignore', fd, fd] });
    pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${binary}`);
    child.unref();
  } finally {
    closeSync(fd);
  }
  const group = pid;
  teardown.add('reference DNS server (nsd)', () => stopNsd(group, join(dir, 'nsd.pid')));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answer = await queryDns({ server: '127.0.0.1', port, name: z.hostname, type: 'A', edns: false, timeoutMs: 500 }).catch(() => undefined);
    const got = answer?.answers.filter((a) => a.type === 'A').map((a) => String(a.data)) ?? [];
    if (answer?.rcode === 'NOERROR' && z.addresses.every((a) => got.includes(a))) break;
    if (processGroup(group).length === 0 || Date.now() > deadline) {
      const tail = [logTail(log), logTail(join(dir, 'nsd.log'))].filter(Boolean).join('\n');
      throw new Error(`nsd did not answer ${z.hostname} on 127.0.0.1:${port}${processGroup(group).length === 0 ? ' (it exited)' : ' within 20 s'}\n${tail}`);
    }
    await sleep(100);
  }
  const banner = readFileSync(join(dir, 'nsd.log'), 'utf8');
  const version = /NSD (\d[\w.]*)/.exec(banner)?.[1];
  return { name: 'nsd', version: version ? `NSD ${version}` : 'NSD', address: '127.0.0.1', port, pid: group, pids: () => processGroup(group), config };
}
