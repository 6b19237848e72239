import { describe, expect, inject, it } from 'vitest';
import { stopComponent } from './fleet/component-outage.js';
import { eventually } from './fleet/eventually.js';
import { kubectl } from './fleet/kubectl.js';

// The fleet's Herd runs aggregated: it watches the host (authentication settings) and members through long-lived
// requests. SIGTERM must still end it promptly, or every rollout of Herd waits for the kubelet's SIGKILL.
const fleet = inject('fleet');

describe.runIf(fleet.stateDir !== undefined)('the fleet\'s aggregated Herd', () => {
  it('exits within 5 s of SIGTERM with its host and member watches open, and serves again after a restart', async () => {
    const started = Date.now();
    // stopComponent sends SIGTERM and resolves when the process is gone (SIGKILL only after 10 s).
    const outage = await stopComponent(fleet.stateDir!, 'herd');
    const seconds = (Date.now() - started) / 1000;
    console.log(`herd shutdown: exited ${seconds.toFixed(2)} s after SIGTERM`);
    try {
      expect(seconds).toBeLessThan(5);
    } finally {
      await outage.start();
      await eventually('the host serves federation.herd.io again', async () => (await kubectl(fleet, fleet.hostContext, ['get', '--raw', '/apis/federation.herd.io/v1alpha1'])).code === 0, {
        timeoutMs: 60_000,
        intervalMs: 500,
      });
    }
  });
});
