import type { ClusterClient, ClusterResponse } from './cluster-client.js';
import { requireValidRef } from './credential-ref-validation.js';
import { CredentialStoreError } from './credential-store-error.js';
import { checkCredentials, describeRef, type CredentialRef, type CredentialStore, type MemberCredentials } from './credential-store.js';
import { describeFailure, describeStatus } from './describe-failure.js';

/** Secret data keys: a bearer token, or a client certificate and key (the kubernetes.io/tls key names). */
const TOKEN_KEY = 'token';
const CERT_KEY = 'tls.crt';
const KEY_KEY = 'tls.key';

export interface HostSecretCredentialStoreOptions {
  /** Deadline of each call to the host. Default 10 s. */
  readonly timeoutMs?: number;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (data: string | undefined) => (data ? Buffer.from(data, 'base64').toString('utf8') : undefined);

/**
 * Member credentials as Secrets of type Opaque on the host cluster (aggregated mode): key `token`, or `tls.crt` and
 * `tls.key`, base64 as every Secret's data. Herd reads them with its own host identity; `herd join` writes them
 * with the user's.
 */
export class HostSecretCredentialStore implements CredentialStore {
  private readonly timeoutMs: number;

  constructor(
    private readonly host: ClusterClient,
    options: HostSecretCredentialStoreOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  private static path(ref: CredentialRef, named = true): string {
    requireValidRef(ref);
    return `/api/v1/namespaces/${ref.namespace}/secrets${named ? `/${ref.name}` : ''}`;
  }

  async read(ref: CredentialRef): Promise<MemberCredentials> {
    const res = await this.call(ref, 'reading', 'GET', HostSecretCredentialStore.path(ref));
    if (res.status === 404) throw new CredentialStoreError('NotFound', `Secret ${describeRef(ref)} not found on the host`);
    this.expect(ref, 'reading', res, 200);
    let data: Record<string, string | undefined>;
    try {
      data = (JSON.parse(res.body) as { data?: Record<string, string> }).data ?? {};
    } catch {
      throw new CredentialStoreError('Invalid', `reading Secret ${describeRef(ref)}: the host answered with something that is not a Secret`);
    }
    return checkCredentials({ token: unb64(data[TOKEN_KEY])?.trim(), cert: unb64(data[CERT_KEY]), key: unb64(data[KEY_KEY]) }, `Secret ${describeRef(ref)}`);
  }

  async write(ref: CredentialRef, creds: MemberCredentials): Promise<void> {
    const checked = checkCredentials(creds, 'the credentials to write');
    const data: Record<string, string> = checked.token ? { [TOKEN_KEY]: b64(checked.token) } : { [CERT_KEY]: b64(checked.cert!), [KEY_KEY]: b64(checked.key!) };
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: ref.name, namespace: ref.namespace, labels: { 'app.kubernetes.io/managed-by': 'herd' } },
      type: 'Opaque',
      data,
    };
    const created = await this.call(ref, 'creating', 'POST', HostSecretCredentialStore.path(ref, false), secret);
    if (created.status === 201 || created.status === 200) return;
    if (created.status !== 409) this.expect(ref, 'creating', created, 201);
    // Secrets allow an unconditional update: the PUT replaces the whole data map, so stale keys go too.
    const replaced = await this.call(ref, 'replacing', 'PUT', HostSecretCredentialStore.path(ref), secret);
    this.expect(ref, 'replacing', replaced, 200);
  }

  async remove(ref: CredentialRef): Promise<void> {
    const res = await this.call(ref, 'deleting', 'DELETE', HostSecretCredentialStore.path(ref));
    if (res.status === 404) return;
    this.expect(ref, 'deleting', res, 200, 202);
  }

  private async call(ref: CredentialRef, doing: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ClusterResponse> {
    try {
      return await this.host.call(method, path, body, this.timeoutMs);
    } catch (err) {
      throw new CredentialStoreError('Unavailable', `${doing} Secret ${describeRef(ref)} on the host: ${describeFailure(err)}`);
    }
  }

  /** Throws unless the status is one of `ok`; the message carries the host's Status message, never the Secret. */
  private expect(ref: CredentialRef, doing: string, res: ClusterResponse, ...ok: number[]): void {
    if (ok.includes(res.status)) return;
    throw new CredentialStoreError('Unavailable', `${doing} Secret ${describeRef(ref)} on the host: ${describeStatus(res.status, res.body)}`);
  }
}
