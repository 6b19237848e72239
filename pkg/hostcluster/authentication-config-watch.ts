import { createInterface } from 'node:readline';
import {
  AUTHENTICATION_CONFIGMAP_NAME,
  AUTHENTICATION_CONFIGMAP_NAMESPACE,
  parseAuthenticationConfigMap,
  type AuthenticationConfig,
} from '../auth/request-header-config.js';
import type { ClusterClient } from '../members/cluster-client.js';

interface ConfigMap {
  metadata: { resourceVersion: string };
  data?: Record<string, string>;
}

const PATH = `/api/v1/namespaces/${AUTHENTICATION_CONFIGMAP_NAMESPACE}/configmaps`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Keeps the host's `kube-system/extension-apiserver-authentication` ConfigMap parsed and current: one GET, then a
 * watch on that one object, re-listing whenever the watch ends or fails, so CA rotation takes effect without a
 * restart. `current()` is what the authenticators read; it stays at the last good value while the host is away.
 */
export class AuthenticationConfigWatch {
  private config: AuthenticationConfig | undefined;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly host: ClusterClient,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {}

  current(): AuthenticationConfig | undefined {
    return this.config;
  }

  /** Resolves after the first successful read (or rejects if that fails), then keeps watching in the background. */
  async start(): Promise<void> {
    const rv = await this.read();
    this.loop = this.watchLoop(rv);
  }

  private async read(): Promise<string> {
    const cm = await this.host.getJson<ConfigMap>(`${PATH}/${AUTHENTICATION_CONFIGMAP_NAME}`);
    this.config = parseAuthenticationConfigMap(cm.data);
    return cm.metadata.resourceVersion;
  }

  private async watchLoop(startRv: string): Promise<void> {
    let rv = startRv;
    while (!this.abort.signal.aborted) {
      try {
        const res = await this.host.stream(
          `${PATH}?watch=true&fieldSelector=metadata.name%3D${AUTHENTICATION_CONFIGMAP_NAME}&resourceVersion=${rv}&allowWatchBookmarks=true`,
          this.abort.signal,
        );
        if (res.statusCode !== 200) throw new Error(`watch answered ${res.statusCode}`);
        for await (const line of createInterface({ input: res.body })) {
          if (!line) continue;
          const event = JSON.parse(line) as { type: string; object: ConfigMap };
          if (event.type === 'ERROR') throw new Error(`watch error: ${line}`);
          rv = event.object.metadata.resourceVersion;
          if (event.type === 'ADDED' || event.type === 'MODIFIED') {
            this.config = parseAuthenticationConfigMap(event.object.data);
            this.log('reloaded the authentication configuration from the host');
          }
        }
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.log('authentication ConfigMap watch failed; re-reading', err);
        await sleep(1000);
        try {
          rv = await this.read();
        } catch (readErr) {
          this.log('reading the authentication ConfigMap failed', readErr);
        }
      }
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop?.catch(() => {});
  }
}
