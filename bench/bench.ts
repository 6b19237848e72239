#!/usr/bin/env node
// `npm run bench -- <benchmark> [options]`: benchmarks that print ratios against a real kube-apiserver measured in
// the same run. Nothing here asserts: a missed target is printed, and the exit code is 0 unless the run failed.
import { parseArgs } from 'node:util';
import { DEFAULT_API_OPTIONS, runApiBench, type ApiBenchOptions } from './api-bench.js';

const USAGE = `usage: npm run bench -- <benchmark> [options]

benchmarks:
  api    LIST of 10k objects and GET/s: Herd (standalone, sqlite) vs a kube-apiserver, same run

options (api):
  --objects N        objects loaded into each server (default ${DEFAULT_API_OPTIONS.objects})
  --concurrency N    requests in flight while loading and for GET/s (default ${DEFAULT_API_OPTIONS.concurrency})
  --iterations N     measured full LISTs per server, after 2 warm-ups (default ${DEFAULT_API_OPTIONS.listIterations})
  --get-seconds N    GET/s duration per server (default ${DEFAULT_API_OPTIONS.getSeconds})
  --profile          write a V8 CPU profile of Herd to .herd/bench/profiles/
`;

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
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [benchmark] = positionals;
  if (values.help || benchmark === undefined) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  if (benchmark !== 'api') {
    process.stderr.write(`unknown benchmark "${benchmark}"\n\n${USAGE}`);
    return 2;
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
