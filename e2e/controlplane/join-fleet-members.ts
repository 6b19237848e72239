import { ClusterClient, connectionFromKubeconfig } from '../../pkg/members/cluster-client.js';
import { HostSecretCredentialStore } from '../../pkg/members/host-secret-credential-store.js';
import { joinMember } from '../../pkg/members/join-member.js';
import type { ClusterRecord } from './fleet-state.js';
import { HERD_NAMESPACE } from './herd-registration.js';

/**
 * Joins every member of the local fleet to Herd, as `herd join` does in aggregated mode: through the host with its
 * admin kubeconfig, credentials (each member's admin client certificate) in Secrets in herd-system, region and zone
 * from the fleet topology. Logs `joined member-1 (eu-west/eu-west-a)` for each.
 */
export async function joinFleetMembers(host: ClusterRecord, members: readonly ClusterRecord[], log: (line: string) => void): Promise<void> {
  const herd = new ClusterClient(connectionFromKubeconfig(host.kubeconfig));
  try {
    const credentials = new HostSecretCredentialStore(herd);
    for (const m of members) {
      await joinMember({
        name: m.name,
        kubeconfig: m.kubeconfig,
        context: m.context,
        herd,
        credentials,
        namespace: HERD_NAMESPACE,
        ...(m.region ? { region: m.region } : {}),
        ...(m.zone ? { zone: m.zone } : {}),
      });
      log(`joined ${m.name} (${m.region ?? '-'}/${m.zone ?? '-'})`);
    }
  } finally {
    await herd.close();
  }
}
