import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateBinaries, requireBinaries } from './binary-locator.js';
import { COMPONENTS } from './components.js';

function fakeBinaries(names: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'herd-bin-'));
  for (const name of names) {
    writeFileSync(join(dir, name), '#!/bin/sh\n');
    writeFileSync(join(dir, 'kwok-stages.yaml'), '');
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

describe('locateBinaries', () => {
  it('reports every component missing from an empty cache, at its versioned cache path', () => {
    const cache = mkdtempSync(join(tmpdir(), 'herd-cache-'));
    const found = locateBinaries({ HERD_CACHE_DIR: cache });
    expect(found).toHaveLength(COMPONENTS.length);
    for (const b of found) {
      expect(b.present).toBe(false);
      expect(b.source).toBe('cache');
      expect(b.path).toBe(join(cache, 'bin', b.component.cacheKey, b.component.binary));
    }
  });

  it('prefers HERD_K8S_BIN_DIR, then KUBEBUILDER_ASSETS, then the cache', () => {
    const cache = mkdtempSync(join(tmpdir(), 'herd-cache-'));
    const etcdDir = join(cache, 'bin', COMPONENTS.find((c) => c.binary === 'etcd')!.cacheKey);
    mkdirSync(etcdDir, { recursive: true });
    writeFileSync(join(etcdDir, 'etcd'), '');
    chmodSync(join(etcdDir, 'etcd'), 0o755);
    const herdDir = fakeBinaries(['kube-apiserver']);
    const assets = fakeBinaries(['kube-apiserver', 'kubectl']);
    const found = locateBinaries({ HERD_CACHE_DIR: cache, HERD_K8S_BIN_DIR: herdDir, KUBEBUILDER_ASSETS: assets });
    const by = Object.fromEntries(found.map((b) => [b.component.binary, b]));
    expect(by['kube-apiserver']).toMatchObject({ source: 'HERD_K8S_BIN_DIR', present: true, path: join(herdDir, 'kube-apiserver') });
    expect(by['kubectl']).toMatchObject({ source: 'KUBEBUILDER_ASSETS', present: true });
    expect(by['etcd']).toMatchObject({ source: 'cache', present: true });
    expect(by['kwok']).toMatchObject({ source: 'cache', present: false });
  });

  it('does not count a file without the execute bit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herd-bin-'));
    writeFileSync(join(dir, 'kube-apiserver'), '');
    const found = locateBinaries({ HERD_CACHE_DIR: dir, HERD_K8S_BIN_DIR: dir });
    expect(found.find((b) => b.component.binary === 'kube-apiserver')).toMatchObject({ source: 'cache', present: false });
  });
});

describe('requireBinaries', () => {
  it('names the missing binaries and the command that builds them', () => {
    const dir = fakeBinaries(['kube-apiserver', 'kubectl', 'etcd']);
    const cache = mkdtempSync(join(tmpdir(), 'herd-cache-'));
    expect(() => requireBinaries({ HERD_CACHE_DIR: cache, KUBEBUILDER_ASSETS: dir })).toThrow(
      'control-plane binaries missing: kube-controller-manager, kube-scheduler, kwok; run `herd dev binaries` to build them',
    );
  });

  it('returns a path for every binary when all are present', () => {
    const dir = fakeBinaries(COMPONENTS.map((c) => c.binary));
    const paths = requireBinaries({ HERD_CACHE_DIR: dir, HERD_K8S_BIN_DIR: dir });
    expect(paths.kwok).toBe(join(dir, 'kwok'));
    expect(Object.keys(paths).sort()).toEqual(COMPONENTS.map((c) => c.binary).sort());
  });
});
