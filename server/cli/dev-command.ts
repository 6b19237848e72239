import { formatPlacementTable, type PlacementExplanationView } from './placement-table.js';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { requireBinaries } from '../../e2e/binaries/binary-locator.js';
import { herdEntryPoint } from '../../e2e/controlplane/herd-process.js';
import { locateBinaries } from '../../e2e/binaries/binary-locator.js';
import { buildMissingBinaries } from '../../e2e/binaries/go-builder.js';
import { fleetStatus } from '../../e2e/controlplane/fleet-status.js';
import { isRunning } from '../../e2e/controlplane/managed-process.js';
import { DEFAULT_STATE_DIR, startLocalFleet, stopLocalFleet } from '../../e2e/controlplane/local-fleet.js';
import { formatDnsResponse, queryDns } from '../../pkg/gslb/dns-client.js';
import type { FleetState } from '../../e2e/controlplane/fleet-state.js';
import { buildProgressReporter } from './build-progress.js';
import { FLEET_CONTEXT, memberContextName } from './fleet-contexts.js';

const out = (line: string) => process.stdout.write(line + '\n');

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

async function ensureBinaries(): Promise<void> {
  const reporter = buildProgressReporter();
  try {
    const result = await buildMissingBinaries({ onProgress: reporter.onProgress });
    for (const b of result.built) out(`built ${b.binary} -> ${b.path}`);
  } finally {
    reporter.stop();
  }
}

function printTryIt(state: FleetState): void {
  const members = state.clusters.filter((c) => c.role === 'member');
  out('');
  out('The fleet is up. Try:');
  out(`  export KUBECONFIG=${state.kubeconfig}`);
  out('  kubectl config get-contexts');
  out('  kubectl --context host get namespaces');
  if (state.herd) {
    out('  kubectl --context host get federateddeployments -A -o wide');
    out('  kubectl --context host api-resources --api-group=federation.herd.io');
    out('  kubectl --context host get federatedtypeconfigs');
    out('  kubectl --context host explain federateddeployment.spec.placement');
    out('  kubectl --context host get memberclusters -o wide');
    out('  npx herd explain federateddeployment/web --herd-context host');
    out(withComment(`  kubectl --context ${FLEET_CONTEXT} get pods -A`, 50, "# every member's pods, with a CLUSTER column"));
    out(withComment(`  kubectl --context ${FLEET_CONTEXT} get deployments -A -w`, 50, '# one watch over the fleet'));
    if (members[0]) out(withComment(`  kubectl --context ${memberContextName(members[0].name)} get pods -A`, 50, '# one member through Herd, as you'));
    out('  kubectl --context host get globalloadbalancers -A -o wide');
    if (state.herd.dns) {
      const { address, port, zone } = state.herd.dns;
      out(withComment(`  dig @${address} -p ${port} web.default.${zone}`, 62, "# Herd's DNS answer (also: npx herd dns query …)"));
      out(withComment(`  dig @${address} -p ${port} +subnet=10.2.0.0/24 web.default.${zone}`, 62, '# a client in us-east'));
    }
  }
  for (const m of members) out(`  kubectl --context ${m.context} get nodes -L topology.kubernetes.io/region   # ${m.region}/${m.zone}`);
  out(`  herd dev status --state-dir ${state.stateDir}`);
  out('');
}

function kubectlOut(kubectl: string, kubeconfig: string, context: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(kubectl, ['--kubeconfig', kubeconfig, '--context', context, ...args], (err, stdout, stderr) =>
      err ? reject(new Error(stderr.trim() || err.message)) : resolve(stdout.trimEnd()),
    );
  });
}

/**
 * Waits for the example FederatedDeployment to be Ready (Propagated without workloads) and prints the fleet-wide
 * result: the Federated object with its aggregated status, the Deployment each member got, and the placement
 * decision per member.
 */
async function printExampleResult(kubectl: string, state: FleetState, workloads: boolean, log: (line: string) => void): Promise<void> {
  const run = (context: string, args: readonly string[]) => kubectlOut(kubectl, state.kubeconfig, context, args);
  const condition = workloads ? 'Ready' : 'Propagated';
  try {
    await run('host', ['wait', `--for=condition=${condition}`, 'federateddeployment/web', '-n', 'default', '--timeout=90s']);
    log(`example: federateddeployment/web is ${condition}`);
  } catch (err) {
    log(`example: federateddeployment/web is not ${condition} yet: ${err instanceof Error ? err.message : String(err)}`);
  }
  out('');
  out('$ kubectl --context host get federateddeployment web');
  out(await run('host', ['get', 'federateddeployment', 'web', '-n', 'default', '-o', 'wide']).catch((e: Error) => e.message));
  for (const m of state.clusters.filter((c) => c.role === 'member')) {
    out(`$ kubectl --context ${m.context} get deployment web        # ${m.region ?? ''}`);
    out(await run(m.context, ['get', 'deployment', 'web', '-n', 'default', '-o', 'custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,READY:.status.readyReplicas,IMAGE:.spec.template.spec.containers[0].image']).catch((e: Error) => e.message.split('\n')[0]!));
  }
  out('$ herd explain federateddeployment/web');
  const explained = await run('host', ['get', '--raw', '/apis/federation.herd.io/v1alpha1/namespaces/default/federateddeployments/web/placement']).catch(() => undefined);
  if (explained) out(formatPlacementTable('FederatedDeployment', JSON.parse(explained) as PlacementExplanationView).trimEnd());
  await printLoadBalancerExample(run, state, log);
}

/** The example GlobalLoadBalancer: its status, one decision, and the DNS answer Herd gives for it. */
async function printLoadBalancerExample(run: (context: string, args: readonly string[]) => Promise<string>, state: FleetState, log: (line: string) => void): Promise<void> {
  try {
    await run('host', ['wait', '--for=condition=Ready', 'globalloadbalancer/web', '-n', 'default', '--timeout=60s']);
    log('example: globalloadbalancer/web is Ready');
  } catch (err) {
    log(`example: globalloadbalancer/web is not Ready yet: ${err instanceof Error ? err.message : String(err)}`);
  }
  out('$ kubectl --context host get globalloadbalancer web -o wide');
  out(await run('host', ['get', 'globalloadbalancer', 'web', '-n', 'default', '-o', 'wide']).catch((e: Error) => e.message));
  const decisionPath = '/apis/federation.herd.io/v1alpha1/namespaces/default/globalloadbalancers/web/decision?clientRegion=us-east';
  out(`$ kubectl --context host get --raw '${decisionPath}'`);
  const decision = await run('host', ['get', '--raw', decisionPath]).catch((e: Error) => e.message);
  try {
    const d = JSON.parse(decision) as { targets: { cluster: string; addresses: string[]; answered: boolean; explanation: string }[]; excluded: { cluster: string; reason: string }[] };
    for (const t of d.targets) out(`  ${t.answered ? 'answer  ' : 'fallback'} ${t.cluster.padEnd(10)} ${t.addresses.join(',').padEnd(16)} ${t.explanation}`);
    for (const e of d.excluded) out(`  excluded ${e.cluster.padEnd(10)} ${''.padEnd(16)} ${e.reason}`);
  } catch {
    out(decision);
  }
  const dns = state.herd?.dns;
  if (!dns) return;
  out(`$ dig @${dns.address} -p ${dns.port} web.default.${dns.zone}        # or: npx herd dns query web.default.${dns.zone}`);
  const answer = await queryDns({ server: dns.address, port: dns.port, name: `web.default.${dns.zone}`, type: 'A' }).then(formatDnsResponse, (e: Error) => e.message);
  out(answer.trimEnd());
}

function applyExamples(kubectl: string, kubeconfig: string, dir: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(kubectl, ['--kubeconfig', kubeconfig, '--context', 'host', 'apply', '-f', dir], (err, stdout, stderr) =>
      err ? reject(new Error(`applying the examples in ${dir} failed: ${stderr || err.message}`)) : resolve(stdout.trim().split('\n').filter(Boolean)),
    );
  });
}

function upCommand(): Command {
  return new Command('up')
    .description('start a local fleet: a host cluster with the aggregation layer and N member clusters, as local processes')
    .option('--members <n>', 'number of member clusters', positiveInt, 3)
    .option('--workloads', 'members also run kube-controller-manager, kube-scheduler and kwok nodes, so workloads become Ready', false)
    .option('--detach', 'leave the fleet running and exit; stop it with `herd dev down`', false)
    .option('--no-herd', 'do not start Herd and register it on the host (control planes only)')
    .option('--example', 'apply manifests/examples to the host once Herd is registered', false)
    .option('--state-dir <dir>', 'where the fleet keeps its PKI, kubeconfig, logs and fleet.json', DEFAULT_STATE_DIR)
    .action(async (opts: { members: number; workloads: boolean; detach: boolean; stateDir: string; herd: boolean; example: boolean }) => {
      await ensureBinaries();
      const started = Date.now();
      const log = (line: string) => out(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
      const state = await startLocalFleet({ stateDir: opts.stateDir, members: opts.members, workloads: opts.workloads, herd: opts.herd, log });
      if (opts.example && state.herd) {
        const examples = join(dirname(dirname(herdEntryPoint())), '..', 'manifests', 'examples');
        const applied = await applyExamples(requireBinaries().kubectl, state.kubeconfig, examples);
        for (const line of applied) log(`example: ${line}`);
        await printExampleResult(requireBinaries().kubectl, state, opts.workloads, log);
      }
      printTryIt(state);
      if (opts.detach) {
        out(`Detached. Stop it with: herd dev down --state-dir ${state.stateDir}`);
        return;
      }
      // Listen for Ctrl-C before saying so: a signal that came first would kill the process with the fleet still up.
      await new Promise<void>((resolve) => {
        const reported = new Set<string>();
        const watchdog = setInterval(() => {
          for (const p of state.processes) {
            if (!reported.has(p.name) && !isRunning(p)) {
              reported.add(p.name);
              out(`warning: ${p.name} (pid ${p.pid}) exited; its log is ${p.log}`);
            }
          }
        }, 2000);
        const stop = () => {
          clearInterval(watchdog);
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        out('Press Ctrl-C to stop the fleet.');
      });
      out('stopping the fleet…');
      const { stopped } = await stopLocalFleet(state.stateDir);
      out(`stopped ${stopped.length} processes and removed ${state.stateDir}`);
    });
}

function downCommand(): Command {
  return new Command('down')
    .description('stop every process of a local fleet (by pid) and remove its state directory')
    .option('--state-dir <dir>', 'the fleet to stop', DEFAULT_STATE_DIR)
    .action(async (opts: { stateDir: string }) => {
      const { stopped, found } = await stopLocalFleet(opts.stateDir);
      out(found ? `stopped ${stopped.length} processes and removed ${opts.stateDir}` : `no fleet in ${opts.stateDir}`);
    });
}

function statusCommand(): Command {
  return new Command('status')
    .description('show the health of each component of a local fleet')
    .option('--state-dir <dir>', 'the fleet to inspect', DEFAULT_STATE_DIR)
    .action(async (opts: { stateDir: string }) => {
      const status = await fleetStatus(opts.stateDir);
      if (!status) {
        out(`no fleet in ${opts.stateDir}; start one with \`herd dev up\``);
        process.exitCode = 1;
        return;
      }
      const rows = status.components.map((c) => [
        c.name,
        String(c.pid),
        c.running ? 'running' : 'exited',
        c.healthy === undefined ? '-' : c.healthy ? 'healthy' : 'unhealthy',
        c.url ?? '',
      ]);
      const header = ['COMPONENT', 'PID', 'PROCESS', 'HEALTH', 'ENDPOINT'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const r of [header, ...rows]) out(r.map((cell, i) => cell.padEnd(widths[i]!)).join('   ').trimEnd());
      for (const c of status.state.clusters) {
        if (c.role === 'member') out(`${c.name}: region ${c.region}, zone ${c.zone}, ${c.server}`);
      }
      if (status.components.some((c) => !c.running || c.healthy === false)) process.exitCode = 1;
    });
}

function binariesCommand(): Command {
  return new Command('binaries')
    .description('build the missing control-plane binaries (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd, kwok) from the Go module proxy, cached by version')
    .option('--list', 'only show where each binary is, without building', false)
    .action(async (opts: { list: boolean }) => {
      if (!opts.list) await ensureBinaries();
      for (const b of locateBinaries()) out(`${b.component.binary.padEnd(24)} ${b.present ? b.path : '(missing)'}  [${b.source}]`);
    });
}

export function devCommand(): Command {
  return new Command('dev')
    .description('run a local development fleet of real Kubernetes control planes')
    .addCommand(binariesCommand())
    .addCommand(upCommand())
    .addCommand(downCommand())
    .addCommand(statusCommand());
}

/** A command and its comment, the comments aligned at `column` and never run into a long command. */
function withComment(command: string, column: number, comment: string): string {
  return `${command.padEnd(column - 1)} ${comment}`;
}
