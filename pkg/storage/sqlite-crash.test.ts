import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { keyFor, within } from './conformance-fixture.js';
import { SqliteStorage } from './sqlite-storage.js';

const scratch = mkdtempSync(join(tmpdir(), 'herd-sqlite-crash-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('sqlite storage durability', () => {
  it('keeps every acknowledged write when the process is killed with SIGKILL', async () => {
    const path = join(scratch, 'store.db');
    const acknowledged = await runWriterAndKill(path, 150);
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    const storage = new SqliteStorage({ path });
    const last = acknowledged[acknowledged.length - 1] as { name: string; resourceVersion: string };
    expect(await storage.currentRevision()).toBeGreaterThanOrEqual(Number(last.resourceVersion));
    for (const { name, resourceVersion } of acknowledged) {
      expect((await storage.get(keyFor('ns1', name))).resourceVersion).toBe(resourceVersion);
    }
    await storage.close();
  });
});

/**
 * Runs a separate process that creates objects as fast as it can, printing each one once `create` has resolved,
 * and SIGKILLs it after `count` acknowledgements. Returns every acknowledged write.
 */
async function runWriterAndKill(path: string, count: number): Promise<{ name: string; resourceVersion: string }[]> {
  const writer = await bundleWriter();
  const child = spawn(process.execPath, [writer, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acknowledged: { name: string; resourceVersion: string }[] = [];
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const [name = '', resourceVersion = ''] = line.split(' ');
      acknowledged.push({ name, resourceVersion });
    }
    if (acknowledged.length >= count) child.kill('SIGKILL');
  });
  const signal = await within(
    new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, sig) => resolve(sig))),
    'waiting for the writer to be killed',
    8_000,
  );
  expect(signal).toBe('SIGKILL');
  return acknowledged;
}

/**
 * Compiles the writer, with this package's source, into one plain ES module that node runs directly. esbuild is
 * the compiler vitest itself runs on; better-sqlite3 stays external, imported by its resolved path because the
 * bundle lives in a scratch directory.
 */
async function bundleWriter(): Promise<string> {
  const entry = join(scratch, 'writer.ts');
  const outfile = join(scratch, 'writer.mjs');
  const storageModule = fileURLToPath(new URL('./sqlite-storage.ts', import.meta.url));
  writeFileSync(
    entry,
    `import { SqliteStorage } from ${JSON.stringify(storageModule)};
const storage = new SqliteStorage({ path: process.argv[2] });
for (let i = 0; ; i++) {
  const name = 'o' + i;
  const stored = await storage.create(${JSON.stringify(keyFor('ns1', ''))} + name, JSON.stringify({ metadata: { name, namespace: 'ns1' } }));
  process.stdout.write(name + ' ' + stored.resourceVersion + '\\n');
}
`,
  );
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    plugins: [
      {
        name: 'resolved-better-sqlite3',
        setup(b) {
          b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: sqlite, external: true }));
        },
      },
    ],
  });
  return outfile;
}
