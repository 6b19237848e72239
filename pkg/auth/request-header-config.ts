// Reads the `kube-system/extension-apiserver-authentication` ConfigMap that kube-apiserver maintains into the
// configuration of the front-proxy (request-header) and client-certificate authenticators. The list values are JSON
// arrays inside strings (`'["X-Remote-User"]'`), decoded as upstream's requestheader controller does. The caller
// watches the ConfigMap and swaps in the new result; a parse error should keep the previous configuration.
import { parseCertificatePool, type CertificatePool } from './certificate-chain.js';

export const AUTHENTICATION_CONFIGMAP_NAMESPACE = 'kube-system';
export const AUTHENTICATION_CONFIGMAP_NAME = 'extension-apiserver-authentication';

/** ConfigMap data keys, as kube-apiserver writes them. */
export const AUTHENTICATION_CONFIGMAP_KEYS = {
  clientCA: 'client-ca-file',
  requestHeaderClientCA: 'requestheader-client-ca-file',
  requestHeaderAllowedNames: 'requestheader-allowed-names',
  requestHeaderUsernameHeaders: 'requestheader-username-headers',
  requestHeaderUIDHeaders: 'requestheader-uid-headers',
  requestHeaderGroupHeaders: 'requestheader-group-headers',
  requestHeaderExtraHeadersPrefix: 'requestheader-extra-headers-prefix',
} as const;

export interface RequestHeaderConfig {
  /** Signs the front-proxy client certificate (kube-apiserver's `--requestheader-client-ca-file`). */
  readonly clientCA: CertificatePool;
  /** Common names the front-proxy certificate may have; empty accepts any certificate from `clientCA`. */
  readonly allowedNames: readonly string[];
  readonly usernameHeaders: readonly string[];
  readonly uidHeaders: readonly string[];
  readonly groupHeaders: readonly string[];
  readonly extraHeaderPrefixes: readonly string[];
}

export interface ClientCertConfig {
  /** Signs ordinary user client certificates (CN = user, O = groups). */
  readonly clientCA: CertificatePool;
}

export interface AuthenticationConfig {
  /** Absent when the ConfigMap has no `requestheader-client-ca-file`: front-proxy headers are then never trusted. */
  readonly requestHeader?: RequestHeaderConfig;
  /** Absent when the ConfigMap has no `client-ca-file`. */
  readonly clientCert?: ClientCertConfig;
}

/** A fixed configuration, or a getter for one that a ConfigMap watch replaces; `undefined` disables the authenticator. */
export type ConfigSource<T extends object> = T | (() => T | undefined);

export function resolveConfig<T extends object>(source: ConfigSource<T>): T | undefined {
  return typeof source === 'function' ? (source as () => T | undefined)() : source;
}

/** A ConfigMap value that does not parse; the message names the key. */
export class AuthenticationConfigError extends Error {
  constructor(key: string, detail: string) {
    super(`${key}: ${detail}`);
    this.name = 'AuthenticationConfigError';
  }
}

/** Upstream `deserializeStrings`: `''` and `null` are an empty list; anything but an array of strings is an error. */
export function parseStringList(key: string, value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    throw new AuthenticationConfigError(key, `invalid JSON: ${(e as Error).message}`);
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed) || !parsed.every((v): v is string => typeof v === 'string')) {
    throw new AuthenticationConfigError(key, 'expected a JSON array of strings');
  }
  return parsed;
}

function parsePool(key: string, pem: string): CertificatePool {
  try {
    return parseCertificatePool(pem);
  } catch (e) {
    throw new AuthenticationConfigError(key, `error loading CA bundle: ${(e as Error).message}`);
  }
}

/**
 * Builds both authenticator configurations from the ConfigMap's `data`. An absent or empty CA key leaves that
 * authenticator out; a malformed CA bundle or list value throws AuthenticationConfigError.
 */
export function parseAuthenticationConfigMap(data: Readonly<Record<string, string>> | undefined): AuthenticationConfig {
  const K = AUTHENTICATION_CONFIGMAP_KEYS;
  const get = (key: string): string | undefined => (data !== undefined && Object.hasOwn(data, key) ? data[key] : undefined);
  const config: { requestHeader?: RequestHeaderConfig; clientCert?: ClientCertConfig } = {};

  const clientCA = get(K.clientCA);
  if (clientCA) config.clientCert = { clientCA: parsePool(K.clientCA, clientCA) };

  const headerCA = get(K.requestHeaderClientCA);
  // The lists are decoded even without a CA so a malformed ConfigMap is reported either way.
  const lists = {
    allowedNames: parseStringList(K.requestHeaderAllowedNames, get(K.requestHeaderAllowedNames)),
    usernameHeaders: parseStringList(K.requestHeaderUsernameHeaders, get(K.requestHeaderUsernameHeaders)),
    uidHeaders: parseStringList(K.requestHeaderUIDHeaders, get(K.requestHeaderUIDHeaders)),
    groupHeaders: parseStringList(K.requestHeaderGroupHeaders, get(K.requestHeaderGroupHeaders)),
    extraHeaderPrefixes: parseStringList(K.requestHeaderExtraHeadersPrefix, get(K.requestHeaderExtraHeadersPrefix)),
  };
  if (headerCA) config.requestHeader = { clientCA: parsePool(K.requestHeaderClientCA, headerCA), ...lists };
  return config;
}
