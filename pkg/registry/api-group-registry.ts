import type { ResourceDefinition } from '../../api/meta/resource-definition.js';
import type { Storage } from '../storage/storage.js';
import { ResourceStore, type Strategy } from './resource-store.js';

/** One resource as served: its definition (names, schema, columns) and the store behind it. */
export interface ServedResource {
  readonly definition: ResourceDefinition;
  readonly store: ResourceStore;
}

/**
 * The resources of one API group version, by plural name. Resources can come and go at run time (each
 * FederatedTypeConfig adds one); listeners hear about every change so discovery and OpenAPI are rebuilt.
 */
export class ApiGroupRegistry {
  private readonly resources = new Map<string, ServedResource>();
  private readonly listeners = new Set<() => void>();
  private generationCounter = 0;

  constructor(
    readonly group: string,
    readonly version: string,
    private readonly storage: Storage,
  ) {}

  /** Adds or replaces a resource. */
  add(definition: ResourceDefinition, strategy: Strategy = {}): ServedResource {
    if (definition.group !== this.group || definition.version !== this.version) {
      throw new Error(`${definition.kind} is in ${definition.group}/${definition.version}, not ${this.group}/${this.version}`);
    }
    const store = new ResourceStore(
      {
        group: definition.group,
        version: definition.version,
        kind: definition.kind,
        plural: definition.plural,
        namespaced: definition.namespaced,
        hasStatus: definition.subresources.status,
        schema: definition.schema,
      },
      this.storage,
      strategy,
    );
    const served = { definition, store };
    this.resources.set(definition.plural, served);
    this.changed();
    return served;
  }

  remove(plural: string): boolean {
    const removed = this.resources.delete(plural);
    if (removed) this.changed();
    return removed;
  }

  get(plural: string): ServedResource | undefined {
    return this.resources.get(plural);
  }

  definitions(): ResourceDefinition[] {
    return [...this.resources.values()].map((r) => r.definition).sort((a, b) => a.plural.localeCompare(b.plural));
  }

  /** Increases on every change; caches of derived documents key on it. */
  get generation(): number {
    return this.generationCounter;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.generationCounter++;
    for (const l of this.listeners) l();
  }
}
