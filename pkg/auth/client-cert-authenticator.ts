// Ordinary x509 client-certificate authentication (apiserver pkg/authentication/request/x509, with
// CommonNameUserConversion): a certificate that chains to `client-ca-file` names the user by its subject CN, the
// groups by its O attributes, and the UID by its LDAP UID attribute.
import { createHash } from 'node:crypto';
import {
  AuthenticationError,
  type AuthenticationRequest,
  type AuthenticationResponse,
  type RequestAuthenticator,
} from './authentication-request.js';
import {
  certificateIdentifier,
  commonName,
  parseCertificate,
  verifyClientCertificate,
  type ParsedCertificate,
} from './certificate-chain.js';
import { resolveConfig, type ClientCertConfig, type ConfigSource } from './request-header-config.js';
import { CREDENTIAL_ID_EXTRA_KEY, type UserInfo } from './user-info.js';
import { OID_ORGANIZATION, OID_USER_ID } from './x509-fields.js';

export interface ClientCertAuthenticatorOptions {
  now?: () => Date;
  /** Read the UID from the subject's UID attribute (upstream feature AllowParsingUserUIDFromCertAuth, on since 1.33). */
  parseUid?: boolean;
}

/** The UID attribute, if any. Throws when it is repeated, empty or not a string, as upstream does. */
function uidFromCertificate(cert: ParsedCertificate): string | undefined {
  const uids = cert.fields.subject.filter((a) => a.oid === OID_USER_ID);
  if (uids.length === 0) return undefined;
  if (uids.some((a) => a.value === undefined)) throw new AuthenticationError('unable to parse UID into a string');
  if (uids.length !== 1) throw new AuthenticationError(`expected 1 UID, but found multiple: [${uids.map((a) => a.value).join(' ')}]`);
  if (uids[0]!.value === '') throw new AuthenticationError('UID cannot be an empty string');
  return uids[0]!.value;
}

/** The user a verified leaf certificate names, or undefined when it has no common name. */
export function userFromCertificate(cert: ParsedCertificate, parseUid = true): UserInfo | undefined {
  const name = commonName(cert.fields);
  if (name === '') return undefined;
  const groups = cert.fields.subject.filter((a) => a.oid === OID_ORGANIZATION && a.value !== undefined).map((a) => a.value!);
  const fingerprint = createHash('sha256').update(cert.x509.raw).digest('hex');
  const user: UserInfo = { name, groups, extra: { [CREDENTIAL_ID_EXTRA_KEY]: [`X509SHA256=${fingerprint}`] } };
  const uid = parseUid ? uidFromCertificate(cert) : undefined;
  if (uid !== undefined) user.uid = uid;
  return user;
}

export class ClientCertAuthenticator implements RequestAuthenticator {
  readonly #source: ConfigSource<ClientCertConfig>;
  readonly #now: () => Date;
  readonly #parseUid: boolean;

  constructor(source: ConfigSource<ClientCertConfig>, options: ClientCertAuthenticatorOptions = {}) {
    this.#source = source;
    this.#now = options.now ?? (() => new Date());
    this.#parseUid = options.parseUid ?? true;
  }

  /**
   * Not applicable (`undefined`) without a client certificate or configuration, or for a certificate without a
   * common name. Rejects with AuthenticationError when the certificate does not verify against `client-ca-file`.
   */
  async authenticate(request: AuthenticationRequest): Promise<AuthenticationResponse | undefined> {
    const peer = request.peerCertificates ?? [];
    const config = resolveConfig(this.#source);
    if (peer.length === 0 || config === undefined) return undefined;
    let parsed: ParsedCertificate[];
    try {
      parsed = peer.map(parseCertificate);
    } catch (e) {
      throw new AuthenticationError(`unable to parse client certificate: ${(e as Error).message}`, { cause: e });
    }
    let chain: ParsedCertificate[];
    try {
      chain = verifyClientCertificate(parsed, config.clientCA, this.#now());
    } catch (e) {
      throw new AuthenticationError(`verifying certificate ${certificateIdentifier(parsed[0]!)} failed: ${(e as Error).message}`, { cause: e });
    }
    const user = userFromCertificate(chain[0]!, this.#parseUid);
    return user === undefined ? undefined : { user };
  }
}
