import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPONENTS } from './components.js';
import { buildMissingBinaries, compareVersions, goModulesDir } from './go-builder.js';

describe('compareVersions', () => {
  it.each([
    ['1.26.8', '1.26.0', 1],
    ['1.26.0', '1.26', 0],
    ['1.25.9', '1.26.0', -1],
    ['1.100.0', '1.26.0', 1],
  ])('%s against %s has the sign of %d', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});

describe('buildMissingBinaries', () => {
  it('on a machine without Go, names every missing binary and both ways out', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'herd-cache-'));
    const env = { PATH: mkdtempSync(join(tmpdir(), 'empty-path-')), HERD_CACHE_DIR: cache };
    const err = await buildMissingBinaries({ env }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toContain('kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd, kwok');
    expect(message).toContain('no `go` command on PATH');
    expect(message).toContain('install Go 1.26.0 or newer');
    expect(message).toContain('HERD_K8S_BIN_DIR');
    expect(message).toContain('KUBEBUILDER_ASSETS');
  });

  it('does nothing, and never calls Go, when every binary is already present', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herd-bin-'));
    for (const c of COMPONENTS) {
      writeFileSync(join(dir, c.binary), '');
      writeFileSync(join(dir, 'kwok-stages.yaml'), '');
      chmodSync(join(dir, c.binary), 0o755);
    }
    const result = await buildMissingBinaries({ env: { PATH: '', HERD_K8S_BIN_DIR: dir, HERD_CACHE_DIR: dir } });
    expect(result.built).toEqual([]);
    expect([...result.skipped].sort()).toEqual(COMPONENTS.map((c) => c.binary).sort());
  });
});

describe('goModulesDir', () => {
  it('finds the wrapper modules from the source tree', () => {
    expect(goModulesDir()).toMatch(/e2e\/binaries\/go$/);
  });
});
