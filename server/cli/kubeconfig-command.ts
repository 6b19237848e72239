import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { FLEET_CONTEXT, isMemberName, writeFleetContexts, type WrittenFleetContexts } from './fleet-contexts.js';

const out = (line: string) => process.stdout.write(line + '\n');

/** The kubeconfig files kubectl reads, in its order: $KUBECONFIG's list, else ~/.kube/config. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  return listed.length > 0 ? listed : [join(homedir(), '.kube', 'config')];
}

function collectMember(value: string, previous: string[] | undefined): string[] {
  if (!isMemberName(value)) throw new InvalidArgumentError('must be a member name (a DNS-1123 subdomain)');
  return [...(previous ?? []), value];
}

/** What `herd kubeconfig --fleet` prints: the file, then one line per context with its server. */
export function describeWritten(w: WrittenFleetContexts): string[] {
  const width = Math.max(...w.contexts.map((c) => c.name.length));
  return [
    `wrote ${w.contexts.length} context${w.contexts.length === 1 ? '' : 's'} to ${w.output} (from context ${w.hostContext}${w.user ? `, user ${w.user}` : ''}):`,
    ...w.contexts.map((c) => `  ${c.name.padEnd(width)}  ${c.server}`),
    `try: kubectl --context ${FLEET_CONTEXT} get pods -A`,
  ];
}

/** `herd kubeconfig --fleet`: contexts for the fleet view and the member proxies, with the user's own credentials. */
export function kubeconfigCommand(): Command {
  return new Command('kubeconfig')
    .description(
      `write kubeconfig contexts for Herd's fleet view: \`${FLEET_CONTEXT}\` (every member's resources, merged, read-only) and \`<member>@${FLEET_CONTEXT}\` per --member (one member through Herd, as you), with the host context's CA and credentials`,
    )
    .option('--fleet', 'write the fleet view contexts (required: the only kind of context this command writes so far)', false)
    .option('--kubeconfig <file>', 'kubeconfig to read (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'context of the host cluster Herd is registered on (default: the current context)')
    .option('--member <name>', `also write a context <name>@${FLEET_CONTEXT} for this member; repeat for more`, collectMember)
    .option('--output <file>', 'file to write the contexts to, merged with what it holds (default: the kubeconfig file that defines the host context)')
    .action((opts: { fleet: boolean; kubeconfig?: string; context?: string; member?: string[]; output?: string }) => {
      if (!opts.fleet) throw new Error('nothing to write: pass --fleet');
      const written = writeFleetContexts({
        kubeconfigs: opts.kubeconfig ? [opts.kubeconfig] : kubeconfigFiles(),
        ...(opts.context ? { context: opts.context } : {}),
        members: opts.member ?? [],
        ...(opts.output ? { output: opts.output } : {}),
      });
      for (const line of describeWritten(written)) out(line);
    });
}
