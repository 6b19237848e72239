import { defaultFederatedTypeConfigs, resourceDefinitions, staticResourceDefinitions, type FederatedTypeConfig } from '../../api/federation/v1alpha1/index.js';
import type { ApiGroupRegistry } from './api-group-registry.js';
import type { ResourceStore } from './resource-store.js';

const STATIC_PLURALS = new Set(staticResourceDefinitions.map((d) => d.plural));

/**
 * Keeps the served Federated<Kind> resources equal to the FederatedTypeConfig objects: installs the defaults once
 * (as ordinary objects a user may edit or delete), then follows the FederatedTypeConfig watch and re-derives the
 * resource set on every change, so a new config is in discovery and OpenAPI within a second of being written.
 */
export class FederatedTypeSync {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private served = new Set<string>();
  private current: { stop(): void } | undefined;

  constructor(
    private readonly registry: ApiGroupRegistry,
    private readonly configs: ResourceStore,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {}

  /** Installs the defaults when no FederatedTypeConfig exists, syncs, then follows changes. */
  async start(): Promise<void> {
    const existing = await this.configs.list(undefined);
    if (existing.items.length === 0) {
      for (const ftc of defaultFederatedTypeConfigs()) {
        try {
          await this.configs.create(undefined, { object: ftc }, { fieldValidation: 'Strict' });
        } catch (err) {
          if ((err as { reason?: string }).reason !== 'AlreadyExists') throw err;
        }
      }
    }
    const list = await this.sync();
    this.loop = this.follow(list);
  }

  private async sync(): Promise<string> {
    const list = await this.configs.list(undefined);
    const ftcs = list.items.map((o) => JSON.parse(o.json) as FederatedTypeConfig);
    const federated = resourceDefinitions(ftcs).filter((d) => !STATIC_PLURALS.has(d.plural));
    const next = new Set(federated.map((d) => d.plural));
    for (const plural of this.served) if (!next.has(plural)) this.registry.remove(plural);
    for (const def of federated) {
      const current = this.registry.get(def.plural)?.definition;
      if (!current || JSON.stringify(current) !== JSON.stringify(def)) this.registry.add(def);
    }
    this.served = next;
    return list.resourceVersion;
  }

  private async follow(fromRv: string): Promise<void> {
    let rv = fromRv;
    while (!this.stopped) {
      try {
        const watch = await this.configs.watch(undefined, { resourceVersion: rv });
        this.current = watch;
        for await (const event of watch) {
          if (this.stopped) break;
          rv = event.resourceVersion;
          if (event.type !== 'BOOKMARK') rv = await this.sync();
        }
      } catch (err) {
        if (this.stopped) return;
        this.log('FederatedTypeConfig watch ended; resyncing', err);
        rv = await this.sync().catch(() => rv);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.stop();
    await this.loop?.catch(() => {});
  }
}
