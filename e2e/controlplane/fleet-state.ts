import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessRecord } from './managed-process.js';

/** One cluster of the fleet as written to `fleet.json`. */
export interface ClusterRecord {
  readonly name: string;
  readonly role: 'host' | 'member';
  /** kubeconfig context for this cluster in `<stateDir>/kubeconfig`. */
  readonly context: string;
  readonly server: string;
  readonly port: number;
  readonly etcdPrefix: string;
  readonly caFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** A kubeconfig with only this cluster, used by its own controllers. */
  readonly kubeconfig: string;
  readonly region?: string;
  readonly zone?: string;
  readonly frontProxy?: { readonly caFile: string; readonly clientCertFile: string; readonly clientKeyFile: string };
}

/**
 * The state a running fleet leaves in `<stateDir>/fleet.json`: enough for `herd dev status|down`, tests and later
 * Herd components to find every endpoint, credential and process. Written after every process start, so a fleet
 * that failed half-way can still be torn down.
 */
export interface FleetState {
  readonly version: 1;
  readonly stateDir: string;
  readonly kubeconfig: string;
  readonly kubernetesVersion: string;
  readonly workloads: boolean;
  readonly startedAt: string;
  readonly etcd: { readonly url: string };
  /** Herd itself, when the fleet runs it: its direct URL and the CA of its serving certificate. */
  herd?: {
    readonly url: string;
    readonly port: number;
    readonly caFile: string;
    readonly dataDir: string;
    /** Herd's DNS server for GlobalLoadBalancers (UDP and TCP). */
    readonly dns?: { readonly address: string; readonly port: number; readonly zone: string };
  };
  readonly clusters: ClusterRecord[];
  readonly processes: ProcessRecord[];
}

export const FLEET_FILE = 'fleet.json';

export function fleetFile(stateDir: string): string {
  return join(stateDir, FLEET_FILE);
}

export function writeFleetState(state: FleetState): void {
  const path = fleetFile(state.stateDir);
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
}

export function readFleetState(stateDir: string): FleetState | undefined {
  const path = fleetFile(stateDir);
  if (!existsSync(path)) return undefined;
  const state = JSON.parse(readFileSync(path, 'utf8')) as FleetState;
  if (state.version !== 1) throw new Error(`${path}: unsupported fleet state version ${String(state.version)}`);
  return state;
}
