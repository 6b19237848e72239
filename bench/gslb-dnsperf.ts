import { spawn } from 'node:child_process';
import { closeSync, createReadStream, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { DnsLoadOptions, DnsLoadRun, DnsLoadTarget } from './gslb-dns-load.js';
import { cpuMs } from './process-cpu.js';

/**
 * One dnsperf run (Debian's dnsperf): `dnsperf -s SERVER -p PORT -d QUERYFILE -l SECONDS -q OUTSTANDING -c 1 -t 1 -v`,
 * its output in `outputFile`. With -v dnsperf writes one line per answer (`> NOERROR name A 0.000123`), which gives
 * the latency distribution (its summary only has the average, min and max); writing them to a file costs dnsperf
 * little (measured: the same queries per second with and without). Its summary lines give queries per second,
 * completed and lost queries, response codes and sizes.
 */
export async function runDnsperf(binary: string, target: DnsLoadTarget, o: DnsLoadOptions, files: { readonly queries: string; readonly output: string }): Promise<DnsLoadRun> {
  writeFileSync(files.queries, `${target.name} ${target.type}\n`);
  const timeoutSeconds = Math.max(1, Math.round((o.timeoutMs ?? 1000) / 1000));
  const args = ['-s', target.server, '-p', String(target.port), '-d', files.queries, '-l', String(o.seconds), '-q', String(o.outstanding), '-c', String(o.sockets ?? 1), '-t', String(timeoutSeconds), '-v'];
  const fd = openSync(files.output, 'w');
  let code: number | null;
  // Its CPU time, read from /proc while it runs (the last reading misses at most one interval at its end).
  let clientCpuMs = 0;
  let sampler: NodeJS.Timeout | undefined;
  try {
    const child = spawn(binary, args, { stdio: ['ignore', fd, fd] });
    const pid = child.pid;
    if (pid !== undefined) sampler = setInterval(() => (clientCpuMs = Math.max(clientCpuMs, cpuMs([pid]))), 100);
    code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c) => resolve(c));
    });
  } finally {
    clearInterval(sampler);
    closeSync(fd);
  }
  if (code !== 0) throw new Error(`dnsperf ${args.join(' ')} exited ${code}: ${readFileSync(files.output, 'utf8').split('\n').slice(-5).join(' | ')}`);
  return { ...(await parseDnsperfOutput(files.output)), clientCpuMs };
}

const number = (text: string, re: RegExp): number | undefined => {
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
};

/** Reads dnsperf -v output: a latency per answer line, then the statistics block. */
export async function parseDnsperfOutput(path: string): Promise<DnsLoadRun> {
  const latenciesMs: number[] = [];
  const summary: string[] = [];
  let inSummary = false;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line.startsWith('> ')) {
      const seconds = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (Number.isFinite(seconds)) latenciesMs.push(seconds * 1000);
    } else if (inSummary || line.startsWith('Statistics:')) {
      inSummary = true;
      summary.push(line);
    }
  }
  const text = summary.join('\n');
  const sent = number(text, /Queries sent:\s+(\d+)/);
  const completed = number(text, /Queries completed:\s+(\d+)/);
  const lost = number(text, /Queries lost:\s+(\d+)/);
  const runSeconds = number(text, /Run time \(s\):\s+([\d.]+)/);
  const qps = number(text, /Queries per second:\s+([\d.]+)/);
  const avg = /Average Latency \(s\):\s+([\d.]+) \(min ([\d.]+), max ([\d.]+)\)/.exec(text);
  if (sent === undefined || completed === undefined || lost === undefined || runSeconds === undefined || qps === undefined) {
    throw new Error(`dnsperf printed no statistics (see ${path})`);
  }
  const rcodes: Record<string, number> = {};
  const codes = /Response codes:\s+(.*)/.exec(text)?.[1] ?? '';
  for (const m of codes.matchAll(/([A-Z]+) (\d+) \(/g)) rcodes[m[1]!] = Number(m[2]);
  return {
    sent,
    completed,
    lost,
    seconds: runSeconds,
    rcodes,
    latenciesMs,
    responseBytes: number(text, /Average packet size:\s+request \d+, response (\d+)/) ?? 0,
    reported: {
      queriesPerSecond: qps,
      avgLatencyMs: avg ? Number(avg[1]) * 1000 : Number.NaN,
      minLatencyMs: avg ? Number(avg[2]) * 1000 : Number.NaN,
      maxLatencyMs: avg ? Number(avg[3]) * 1000 : Number.NaN,
    },
  };
}

/** `dnsperf 2.10.0`, from its banner. */
export function dnsperfVersion(output: string): string {
  const v = /Version (\S+)/.exec(output)?.[1];
  return v ? `dnsperf ${v}` : 'dnsperf';
}
