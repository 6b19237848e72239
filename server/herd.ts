#!/usr/bin/env node
import { Command } from 'commander';
import { devCommand } from './cli/dev-command.js';
import { dnsCommand } from './cli/dns-command.js';
import { explainCommand } from './cli/explain-command.js';
import { joinCommand, unjoinCommand } from './cli/join-command.js';
import { kubeconfigCommand } from './cli/kubeconfig-command.js';
import { serveCommand } from './cli/serve-command.js';

const program = new Command()
  .name('herd')
  .description('Herd: one Kubernetes API for a fleet of clusters.')
  .version(process.env.npm_package_version ?? '0.1.0')
  .showHelpAfterError()
  .addCommand(serveCommand())
  .addCommand(joinCommand())
  .addCommand(unjoinCommand())
  .addCommand(explainCommand())
  .addCommand(kubeconfigCommand())
  .addCommand(dnsCommand())
  .addCommand(devCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
