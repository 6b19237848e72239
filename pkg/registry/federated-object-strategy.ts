import { PROPAGATION_FINALIZER } from '../../api/federation/v1alpha1/well-known.js';
import type { KubeObject } from './object-meta.js';
import type { Strategy } from './resource-store.js';

/** Checks a Federated object's template before it is stored (a member dry run); throws a StatusError to refuse it. */
export type TemplateAdmission = (object: KubeObject) => Promise<void>;

/**
 * The strategy of every Federated<Kind>: a new object carries the propagation finalizer from its first write, so it
 * cannot disappear before Herd has removed (or orphaned) its member copies, and the fan-out does not wait for an
 * extra write to add it. With `admitTemplate`, a create or a spec change is refused when the template check fails.
 */
export function federatedObjectStrategy(admitTemplate?: TemplateAdmission): Strategy {
  return {
    prepareForCreate(object: KubeObject): void {
      const meta = object.metadata!;
      const finalizers = meta.finalizers ?? [];
      if (!finalizers.includes(PROPAGATION_FINALIZER)) meta.finalizers = [...finalizers, PROPAGATION_FINALIZER];
    },
    ...(admitTemplate
      ? {
          async admit(object: KubeObject): Promise<void> {
            if (object.metadata?.deletionTimestamp) return;
            await admitTemplate(object);
          },
        }
      : {}),
  };
}
