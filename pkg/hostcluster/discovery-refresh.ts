import type { ClusterClient } from '../members/cluster-client.js';

/** Annotation Herd bumps on its own APIService; the value is the generation of the served resource set. */
export const DISCOVERY_GENERATION_ANNOTATION = 'federation.herd.io/discovery-generation';

/**
 * Tells the host's aggregator that Herd's discovery changed. The aggregator otherwise re-reads an APIService's
 * discovery only on its periodic check (about a minute); an update of the APIService object makes it re-read at
 * once, so a new FederatedTypeConfig shows in `kubectl api-resources` within a second. Calls are debounced; a failed
 * patch is logged and only delays discovery until the periodic check.
 */
export function discoveryRefresher(
  host: ClusterClient,
  apiService: string,
  log: (msg: string, err?: unknown) => void = () => {},
  debounceMs = 250,
): (generation: number) => void {
  let timer: NodeJS.Timeout | undefined;
  let latest = 0;
  return (generation) => {
    latest = generation;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const patch = { metadata: { annotations: { [DISCOVERY_GENERATION_ANNOTATION]: `${process.pid}-${latest}` } } };
      host
        .callWithType('PATCH', `/apis/apiregistration.k8s.io/v1/apiservices/${apiService}`, patch, 'application/merge-patch+json')
        .then((res) => res.status !== 200 && log(`patching APIService ${apiService} answered ${res.status}: ${res.body.slice(0, 200)}`))
        .catch((err: unknown) => log(`patching APIService ${apiService} failed`, err));
    }, debounceMs);
    timer.unref();
  };
}
