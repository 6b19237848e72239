#!/usr/bin/env node
// `npm run bench -- <benchmark> [options]`: benchmarks that print ratios against a real kube-apiserver measured in
// the same run. Nothing here asserts: a missed target is printed, and the exit code is 0 unless the run failed.
import { parseArgs } from 'node:util';
import { DEFAULT_API_OPTIONS, runApiBench, type ApiBenchOptions } from './api-bench.js';
import { DEFAULT_FANOUT_OPTIONS, runFanoutBench, type FanoutBenchOptions } from './fanout-bench.js';

const USAGE = `usage: npm run bench -- <benchmark> [options]

benchmarks:
  api       LIST of 10k objects and GET/s: Herd (standalone, sqlite) vs a kube-apiserver, same run
  fanout    federated create → in all N members vs a direct create (N = 1, 3), and federated vs direct creates/s:
            Herd (standalone) with 3 joined kube-apiserver members, same run

options (api):
  --objects N        objects loaded into each server (default ${DEFAULT_API_OPTIONS.objects})
  --concurrency N    requests in flight while loading and for GET/s (default ${DEFAULT_API_OPTIONS.concurrency})
  --iterations N     measured full LISTs per server, after 2 warm-ups (default ${DEFAULT_API_OPTIONS.listIterations})
  --get-seconds N    GET/s duration per server (default ${DEFAULT_API_OPTIONS.getSeconds})
  --profile          write a V8 CPU profile of Herd to .herd/bench/profiles/

options (fanout):
  --objects N          measured latency samples per N, federated and direct each, after ${DEFAULT_FANOUT_OPTIONS.warmups} warm-ups (default ${DEFAULT_FANOUT_OPTIONS.objects})
  --concurrency N      creates in flight for creates/s (default ${DEFAULT_FANOUT_OPTIONS.concurrency})
  --seconds N          creates/s measuring time per side, after ${DEFAULT_FANOUT_OPTIONS.warmupSeconds} s warm-up (default ${DEFAULT_FANOUT_OPTIONS.seconds})
  --unique-templates   give every object its own template, so each federated create pays Herd's template dry run
`;

const ONLY: Readonly<Record<string, readonly string[]>> = {
  api: ['iterations', 'get-seconds', 'profile'],
  fanout: ['seconds', 'unique-templates'],
};

function positiveInt(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new RangeError(`--${name} must be an integer from 1 to ${max}, got ${value}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      objects: { type: 'string' },
      concurrency: { type: 'string' },
      iterations: { type: 'string' },
      'get-seconds': { type: 'string' },
      profile: { type: 'boolean' },
      seconds: { type: 'string' },
      'unique-templates': { type: 'boolean' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [benchmark] = positionals;
  if (values.help || benchmark === undefined) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  if (benchmark !== 'api' && benchmark !== 'fanout') {
    process.stderr.write(`unknown benchmark "${benchmark}"\n\n${USAGE}`);
    return 2;
  }
  const foreign = Object.entries(ONLY)
    .filter(([b]) => b !== benchmark)
    .flatMap(([, names]) => names)
    .filter((name) => values[name as keyof typeof values] !== undefined);
  if (foreign.length > 0) {
    process.stderr.write(`${foreign.map((n) => `--${n}`).join(', ')} ${foreign.length === 1 ? 'does' : 'do'} not apply to ${benchmark}\n\n${USAGE}`);
    return 2;
  }
  if (benchmark === 'fanout') {
    const options: FanoutBenchOptions = {
      ...DEFAULT_FANOUT_OPTIONS,
      objects: positiveInt('objects', values.objects, DEFAULT_FANOUT_OPTIONS.objects, 10_000),
      concurrency: positiveInt('concurrency', values.concurrency, DEFAULT_FANOUT_OPTIONS.concurrency, 256),
      seconds: positiveInt('seconds', values.seconds, DEFAULT_FANOUT_OPTIONS.seconds, 600),
      uniqueTemplates: values['unique-templates'] ?? false,
    };
    await runFanoutBench(options);
    return 0;
  }
  const options: ApiBenchOptions = {
    ...DEFAULT_API_OPTIONS,
    objects: positiveInt('objects', values.objects, DEFAULT_API_OPTIONS.objects, 100_000),
    concurrency: positiveInt('concurrency', values.concurrency, DEFAULT_API_OPTIONS.concurrency, 256),
    listIterations: positiveInt('iterations', values.iterations, DEFAULT_API_OPTIONS.listIterations, 1000),
    getSeconds: positiveInt('get-seconds', values['get-seconds'], DEFAULT_API_OPTIONS.getSeconds, 600),
    profile: values.profile ?? false,
  };
  await runApiBench(options);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
