#!/usr/bin/env node
// `npm run bench -- <benchmark> [options]`: benchmarks that print ratios against a real kube-apiserver measured in
// the same run. Nothing here asserts: a missed target is printed, and the exit code is 0 unless the run failed.
import { parseArgs } from 'node:util';
import { DEFAULT_API_OPTIONS, runApiBench, type ApiBenchOptions } from './api-bench.js';
import { DEFAULT_FANOUT_OPTIONS, runFanoutBench, type FanoutBenchOptions } from './fanout-bench.js';
import { DEFAULT_FLEET_OPTIONS, runFleetBench, type FleetBenchOptions } from './fleet-bench.js';
import { DEFAULT_GSLB_OPTIONS, runGslbBench, type GslbBenchOptions } from './gslb-bench.js';

const F = DEFAULT_FLEET_OPTIONS;
const G = DEFAULT_GSLB_OPTIONS;

const USAGE = `usage: npm run bench -- <benchmark> [options]

benchmarks:
  api       LIST of 10k objects and GET/s: Herd (standalone, sqlite) vs a kube-apiserver, same run
  fanout    federated create → in all N members vs a direct create (N = 1, 3), and federated vs direct creates/s:
            Herd (standalone) with 3 joined kube-apiserver members, same run
  fleet     the fleet view vs the members themselves: merged LIST of M pods over 3 members vs one kube-apiserver
            holding all M, watch delay added by the view, Herd's memory per cached pod, and join → visible vs a
            direct LIST: Herd (standalone) with kube-apiserver members, same run
  gslb      global load balancing: decide() latency in process per strategy, decisions/s through the decision
            subresource, DNS answers/s vs NSD serving the same static zone (same load generator), and failover time
            after an ingress kill and a member kill: Herd (standalone, DNS) with 3 kube-apiserver members, same run

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

options (fleet):
  --objects M[,M…]     pods in the merged LIST, each M loaded on top of the previous (default ${F.objects.join(',')})
  --concurrency N      pod creates in flight per stream while loading (default ${F.concurrency})
  --iterations N       measured full LISTs per side and M, after ${F.warmups} warm-ups (default ${F.iterations})
  --rates R[,R…]       watch-delay event rates per second (default ${F.rates.join(',')})
  --watch-seconds N    watch-delay duration per rate (default ${F.watchSeconds})
  --join-objects N     pods in the member that joins last (default ${F.joinObjects})

options (gslb):
  --objects N          timed decide() calls per strategy and fleet size in process, after ${G.warmupCalls} warm-ups (default ${G.calls})
  --concurrency N      decision GETs in flight through the API (default ${G.concurrency})
  --seconds N          measuring time of the API run and per DNS server, after ${G.warmupSeconds} s warm-up each (default ${G.seconds})
  --dns-outstanding N  DNS queries the load generator keeps outstanding (default ${G.dnsOutstanding})
  --ingress-trials N   ingress kills (each restarted) before the member kill (default ${G.ingressTrials})
`;

type Benchmark = 'api' | 'fanout' | 'fleet' | 'gslb';

/** Options each benchmark takes besides --objects and --concurrency; any other is refused. */
const OWN: Readonly<Record<Benchmark, readonly string[]>> = {
  api: ['iterations', 'get-seconds', 'profile'],
  fanout: ['seconds', 'unique-templates'],
  fleet: ['iterations', 'rates', 'watch-seconds', 'join-objects'],
  gslb: ['seconds', 'dns-outstanding', 'ingress-trials'],
};
const COMMON = ['objects', 'concurrency', 'help'];

function positiveInt(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new RangeError(`--${name} must be an integer from 1 to ${max}, got ${value}`);
  return n;
}

/** `10000,100000`: distinct positive integers, sorted ascending. */
function positiveInts(name: string, value: string | undefined, fallback: readonly number[], max: number): number[] {
  if (value === undefined) return [...fallback];
  const values = value.split(',').map((v) => positiveInt(name, v.trim(), 0, max));
  return [...new Set(values)].sort((a, b) => a - b);
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
      rates: { type: 'string' },
      'watch-seconds': { type: 'string' },
      'join-objects': { type: 'string' },
      'dns-outstanding': { type: 'string' },
      'ingress-trials': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [benchmark] = positionals;
  if (values.help || benchmark === undefined) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  if (!(benchmark in OWN)) {
    process.stderr.write(`unknown benchmark "${benchmark}"\n\n${USAGE}`);
    return 2;
  }
  const allowed = new Set([...COMMON, ...OWN[benchmark as Benchmark]]);
  const foreign = Object.keys(values).filter((name) => values[name as keyof typeof values] !== undefined && !allowed.has(name));
  if (foreign.length > 0) {
    process.stderr.write(`${foreign.map((n) => `--${n}`).join(', ')} ${foreign.length === 1 ? 'does' : 'do'} not apply to ${benchmark}\n\n${USAGE}`);
    return 2;
  }
  if (benchmark === 'gslb') {
    const options: GslbBenchOptions = {
      ...G,
      calls: positiveInt('objects', values.objects, G.calls, 10_000_000),
      concurrency: positiveInt('concurrency', values.concurrency, G.concurrency, 256),
      seconds: positiveInt('seconds', values.seconds, G.seconds, 600),
      dnsOutstanding: positiveInt('dns-outstanding', values['dns-outstanding'], G.dnsOutstanding, 10_000),
      ingressTrials: positiveInt('ingress-trials', values['ingress-trials'], G.ingressTrials, 20),
    };
    await runGslbBench(options);
    return 0;
  }
  if (benchmark === 'fleet') {
    const options: FleetBenchOptions = {
      ...F,
      objects: positiveInts('objects', values.objects, F.objects, 1_000_000),
      concurrency: positiveInt('concurrency', values.concurrency, F.concurrency, 256),
      iterations: positiveInt('iterations', values.iterations, F.iterations, 1000),
      rates: positiveInts('rates', values.rates, F.rates, 10_000),
      watchSeconds: positiveInt('watch-seconds', values['watch-seconds'], F.watchSeconds, 600),
      joinObjects: positiveInt('join-objects', values['join-objects'], F.joinObjects, 1_000_000),
    };
    await runFleetBench(options);
    return 0;
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
