import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs the tests that sit beside the code and never need a cluster;
// `e2e` runs the suites in e2e/ against one real local fleet started once per run (global setup).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{server,pkg,api,e2e,bench}/**/*.test.ts'],
          exclude: ['**/*.e2e.test.ts', 'node_modules/**', 'dist/**'],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          globalSetup: ['e2e/fleet/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          // Suites share one fleet; running them one after another keeps them from contending on 2 cores.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
