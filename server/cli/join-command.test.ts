import { mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultKubeconfig, joinCommand, unjoinCommand } from './join-command.js';

describe('defaultKubeconfig', () => {
  it('takes the first file of $KUBECONFIG that exists, else ~/.kube/config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herd-kc-'));
    writeFileSync(join(dir, 'b'), '');
    expect(defaultKubeconfig({ KUBECONFIG: [join(dir, 'a'), join(dir, 'b')].join(delimiter) })).toBe(join(dir, 'b'));
    expect(defaultKubeconfig({})).toBe(join(homedir(), '.kube', 'config'));
  });
});

describe('join and unjoin commands', () => {
  const quiet = <T extends ReturnType<typeof joinCommand>>(cmd: T) => cmd.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });

  it('refuses a --label that is not key=value', async () => {
    await expect(quiet(joinCommand()).parseAsync(['member-1', '--kubeconfig', 'k', '--label', 'novalue'], { from: 'user' })).rejects.toThrow('must be key=value');
  });

  it('requires the member kubeconfig', async () => {
    await expect(quiet(joinCommand()).parseAsync(['member-1'], { from: 'user' })).rejects.toThrow("required option '--kubeconfig <file>' not specified");
  });

  it('offers --orphan and the Herd target flags on unjoin', () => {
    const flags = unjoinCommand().options.map((o) => o.long);
    expect(flags).toEqual(expect.arrayContaining(['--orphan', '--herd-kubeconfig', '--herd-context', '--namespace', '--credentials-dir']));
  });
});
