import type { FederatedObject } from '../../api/federation/v1alpha1/federated-resource.js';
import type { TargetType } from '../../api/federation/v1alpha1/federated-type-config.js';

/** One served Federated<Kind> and the kind it propagates. */
export interface FederatedType {
  readonly plural: string;
  readonly federatedKind: string;
  readonly target: TargetType;
  readonly propagation: boolean;
  readonly statusCollection: boolean;
}

/** `<namespace>/<name>` (or `<name>`) of a Federated object: the federated-name annotation of its member copies. */
export function federatedName(fed: FederatedObject): string {
  return fed.metadata.namespace ? `${fed.metadata.namespace}/${fed.metadata.name}` : String(fed.metadata.name);
}
