import { readFileSync } from 'node:fs';
import { readFleetState, writeFleetState } from '../controlplane/fleet-state.js';
import { startProcess, stopProcess } from '../controlplane/managed-process.js';
import { isHealthy } from '../controlplane/tls-request.js';

/** A stopped fleet component and the way back. */
export interface StoppedComponent {
  /** Starts the component again with the command line it had, and waits until it is healthy. */
  start(): Promise<void>;
}

/**
 * Stops one process of a local fleet (`member-3/kube-apiserver`, say) for an outage test. Its command line is read
 * from /proc before it stops, so it comes back exactly as it was; fleet.json is updated with the new pid so that
 * `herd dev down` still finds it.
 */
export async function stopComponent(stateDir: string, name: string, tls?: { caFile?: string; certFile?: string; keyFile?: string }): Promise<StoppedComponent> {
  const state = readFleetState(stateDir);
  const record = state?.processes.find((p) => p.name === name);
  if (!state || !record) throw new Error(`no process ${name} in the fleet at ${stateDir}`);
  const args = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0').filter((a, i, all) => i > 0 && !(a === '' && i === all.length - 1));
  await stopProcess(record);
  return {
    async start() {
      const next = startProcess({ name, binary: record.binary, args, log: record.log, ...(record.healthUrl ? { healthUrl: record.healthUrl } : {}) });
      const current = readFleetState(stateDir)!;
      writeFleetState({ ...current, processes: current.processes.map((p) => (p.name === name ? next : p)) });
      if (record.healthUrl) {
        const deadline = Date.now() + 60_000;
        while (!(await isHealthy(record.healthUrl, tls ?? { insecure: true }).catch(() => false))) {
          if (Date.now() > deadline) throw new Error(`${name} did not become healthy again within 60 s`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    },
  };
}
