import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRunning, logTail, startProcess, stopProcess } from './managed-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('managed processes', () => {
  it('starts a detached process with output in its log, and stops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herd-proc-'));
    const log = join(dir, 'sleep.log');
    const record = startProcess({ name: 'sleeper', binary: '/bin/sh', args: ['-c', 'echo started; exec sleep 30'], log });
    expect(isRunning(record)).toBe(true);
    for (let i = 0; i < 50 && !readFileSync(log, 'utf8').includes('started'); i++) await sleep(20);
    expect(logTail(log)).toBe('started');
    expect(await stopProcess(record)).toBe(true);
    expect(isRunning(record)).toBe(false);
    expect(await stopProcess(record)).toBe(false);
  });

  it('escalates to SIGKILL when a process ignores SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herd-proc-'));
    const record = startProcess({
      name: 'stubborn',
      binary: '/bin/sh',
      args: ['-c', "trap '' TERM; while :; do sleep 0.05; done"],
      log: join(dir, 'stubborn.log'),
    });
    await sleep(100);
    const started = Date.now();
    await stopProcess(record, 300);
    expect(isRunning(record)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('does not take a live pid running another program for ours', () => {
    expect(isRunning({ pid: process.pid, binary: '/no/such/binary' })).toBe(false);
    expect(isRunning({ pid: process.pid, binary: process.execPath })).toBe(readFileSync(`/proc/${process.pid}/cmdline`, 'utf8').split('\0')[0] === process.execPath);
  });
});
