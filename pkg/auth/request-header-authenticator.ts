// The front-proxy authenticator (apiserver pkg/authentication/request/headerrequest + the x509 Verifier around it):
// identity headers set by kube-apiserver's aggregator are believed only when the TLS client certificate chains to
// the request-header CA, allows client authentication and, when names are configured, has an allowed common name.
// Without such a certificate the headers are never read.
import {
  AuthenticationError,
  firstHeaderValue,
  headerValues,
  type AuthenticationRequest,
  type AuthenticationResponse,
  type RequestAuthenticator,
  type RequestHeaders,
} from './authentication-request.js';
import {
  certificateIdentifier,
  commonName,
  parseCertificate,
  verifyClientCertificate,
  type ParsedCertificate,
} from './certificate-chain.js';
import { resolveConfig, type ConfigSource, type RequestHeaderConfig } from './request-header-config.js';
import type { UserInfo } from './user-info.js';

function hasPrefixIgnoreCase(s: string, prefix: string): boolean {
  return s.length >= prefix.length && s.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase();
}

/** Go's `url.PathUnescape`, keeping the input unchanged when an escape is malformed. */
function unescapeExtraKey(encoded: string): string {
  if (!encoded.includes('%')) return encoded;
  if (/%(?![0-9a-fA-F]{2})/.test(encoded)) return encoded;
  return encoded.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
}

/** Reads the identity headers. Only call after the front-proxy certificate has been verified. */
function userFromHeaders(config: RequestHeaderConfig, headers: RequestHeaders): UserInfo | undefined {
  const name = config.usernameHeaders.map((h) => firstHeaderValue(headers, h)).find((v) => v !== '') ?? '';
  if (name === '') return undefined;
  const uid = config.uidHeaders.map((h) => firstHeaderValue(headers, h)).find((v) => v !== '') ?? '';
  const groups = config.groupHeaders.flatMap((h) => headerValues(headers, h)).filter((v) => v !== '');
  const extra = new Map<string, string[]>();
  // Prefixes first, so values keep the order of the configured prefixes.
  for (const prefix of config.extraHeaderPrefixes) {
    for (const [header, value] of Object.entries(headers)) {
      if (value === undefined || !hasPrefixIgnoreCase(header, prefix)) continue;
      const key = unescapeExtraKey(header.slice(prefix.length).toLowerCase());
      const values = typeof value === 'string' ? [value] : value;
      extra.set(key, [...(extra.get(key) ?? []), ...values]);
    }
  }
  // fromEntries defines own properties, so a `__proto__` key stays an ordinary key.
  const user: UserInfo = { name, groups, extra: Object.fromEntries(extra) };
  if (uid !== '') user.uid = uid;
  return user;
}

/**
 * Lower-cased names of the headers in `headers` that carry front-proxy identity under `config`: the username, UID
 * and group headers and every header starting with an extra prefix. Strip them before handling or forwarding a
 * request, whether or not it was authenticated through them.
 */
export function identityHeaderNames(config: RequestHeaderConfig, headers: RequestHeaders): string[] {
  const exact = new Set([...config.usernameHeaders, ...config.uidHeaders, ...config.groupHeaders].map((h) => h.toLowerCase()));
  return Object.keys(headers)
    .filter((h) => exact.has(h.toLowerCase()) || config.extraHeaderPrefixes.some((p) => hasPrefixIgnoreCase(h, p)))
    .map((h) => h.toLowerCase());
}

export interface RequestHeaderAuthenticatorOptions {
  now?: () => Date;
}

export class RequestHeaderAuthenticator implements RequestAuthenticator {
  readonly #source: ConfigSource<RequestHeaderConfig>;
  readonly #now: () => Date;

  constructor(source: ConfigSource<RequestHeaderConfig>, options: RequestHeaderAuthenticatorOptions = {}) {
    this.#source = source;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Not applicable (`undefined`) without a client certificate, without configuration, or when no username header is
   * set. Rejects with AuthenticationError when the certificate does not verify or its common name is not allowed.
   */
  async authenticate(request: AuthenticationRequest): Promise<AuthenticationResponse | undefined> {
    return this.authenticateSync(request);
  }

  authenticateSync(request: AuthenticationRequest): AuthenticationResponse | undefined {
    const peer = request.peerCertificates ?? [];
    const config = resolveConfig(this.#source);
    if (peer.length === 0 || config === undefined) return undefined;
    let parsed: ParsedCertificate[];
    try {
      parsed = peer.map(parseCertificate);
    } catch (e) {
      throw new AuthenticationError(`unable to parse client certificate: ${(e as Error).message}`, { cause: e });
    }
    try {
      verifyClientCertificate(parsed, config.clientCA, this.#now());
    } catch (e) {
      throw new AuthenticationError(`verifying certificate ${certificateIdentifier(parsed[0]!)} failed: ${(e as Error).message}`, { cause: e });
    }
    const cn = commonName(parsed[0]!.fields);
    if (config.allowedNames.length > 0 && !config.allowedNames.includes(cn)) {
      throw new AuthenticationError(`x509: subject with cn=${cn} is not in the allowed list`);
    }
    const user = userFromHeaders(config, request.headers);
    return user === undefined ? undefined : { user };
  }

  /** `identityHeaderNames` under the current configuration; empty when there is none. */
  headersToStrip(headers: RequestHeaders): string[] {
    const config = resolveConfig(this.#source);
    return config === undefined ? [] : identityHeaderNames(config, headers);
  }
}
