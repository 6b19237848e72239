// Client-certificate chain verification with the rules of Go's `x509.Certificate.Verify` as apiserver's x509
// authenticators call it (roots = one CA bundle, intermediates = the other certificates the peer sent,
// KeyUsages = [ClientAuth]): every certificate in the chain must be within its validity period, each issuer must be a
// CA allowed to sign (basicConstraints cA, keyCertSign when keyUsage is present, path length), signatures must
// verify, and every certificate that lists extended key usages must allow client authentication.
import { X509Certificate } from 'node:crypto';
import {
  basicConstraints,
  extendedKeyUsages,
  keyUsageBits,
  OID_EKU_ANY,
  OID_EKU_CLIENT_AUTH,
  parseCertificateFields,
  type CertificateFields,
} from './x509-fields.js';

export interface ParsedCertificate {
  readonly x509: X509Certificate;
  readonly fields: CertificateFields;
}

/** A CA bundle, parsed once. */
export interface CertificatePool {
  readonly certificates: readonly ParsedCertificate[];
}

/** A client certificate that failed verification; the message follows Go's x509 error texts. */
export class CertificateVerificationError extends Error {
  readonly isCertificateVerificationError = true;
  constructor(message: string) {
    super(message);
    this.name = 'CertificateVerificationError';
  }
}

const KEY_USAGE_CERT_SIGN = 1 << 5;
/** Extensions Go understands; a critical extension outside this list makes a leaf unusable. */
const HANDLED_EXTENSIONS = new Set([
  '2.5.29.14', '2.5.29.15', '2.5.29.17', '2.5.29.19', '2.5.29.30', '2.5.29.31', '2.5.29.32', '2.5.29.35', '2.5.29.37',
  '1.3.6.1.5.5.7.1.1',
]);
/** Upper bound on chain length, well above any real PKI; stops pathological peer chains. */
const MAX_CHAIN_LENGTH = 10;

/** Parsed fields per certificate object: a TLS connection hands the same objects to every request it carries. */
const parsedCache = new WeakMap<X509Certificate, ParsedCertificate>();

export function parseCertificate(x509: X509Certificate): ParsedCertificate {
  let parsed = parsedCache.get(x509);
  if (!parsed) parsedCache.set(x509, (parsed = { x509, fields: parseCertificateFields(x509.raw) }));
  return parsed;
}

/**
 * Successful verifications of a leaf (with the intermediates it came with) against a root pool, until the chain's
 * earliest expiry: re-verifying the same certificate on every request of a keep-alive connection costs more than
 * serving a GET. A TLS connection's peer chain usually includes the issuer the server resolved, so the intermediates
 * are part of the key (the same parsed objects on every request of a connection). A new pool (CA rotation) has its
 * own cache.
 */
const verifiedCache = new WeakMap<
  CertificatePool,
  WeakMap<ParsedCertificate, { intermediates: readonly ParsedCertificate[]; chain: ParsedCertificate[]; notBefore: number; notAfter: number }>
>();

/**
 * Parses every CERTIFICATE block of a PEM bundle (other block types are skipped). Throws when the bundle holds no
 * certificate or a block does not parse, as loading a CA file does upstream.
 */
export function parseCertificatePool(pem: string): CertificatePool {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('data does not contain any valid RSA or ECDSA certificates');
  return { certificates: blocks.map((block) => parseCertificate(new X509Certificate(block))) };
}

/** Go's RFC 3339 form for UTC times: no fractional seconds. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Undefined when `cert` may be used at `now` in the given role. */
function validityError(cert: ParsedCertificate, now: Date): string | undefined {
  const { notBefore, notAfter } = cert.fields;
  if (now < notBefore) return `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is before ${rfc3339(notBefore)}`;
  if (now > notAfter) return `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is after ${rfc3339(notAfter)}`;
  return undefined;
}

/** Go's CheckSignatureFrom: the parent must be allowed to sign certificates, and the signature must verify. */
function signedBy(child: ParsedCertificate, parent: ParsedCertificate): boolean {
  if (!child.fields.rawIssuer.equals(parent.fields.rawSubject)) return false;
  const bc = basicConstraints(parent.fields);
  if ((parent.fields.version === 3 && bc === undefined) || (bc !== undefined && !bc.isCA)) return false;
  const usage = keyUsageBits(parent.fields);
  if (usage !== 0 && (usage & KEY_USAGE_CERT_SIGN) === 0) return false;
  try {
    return child.x509.verify(parent.x509.publicKey);
  } catch {
    return false;
  }
}

/** Go's checkChainForKeyUsage for the single usage ClientAuth. */
function allowsClientAuth(chain: readonly ParsedCertificate[]): boolean {
  return chain.every((cert) => {
    const usages = extendedKeyUsages(cert.fields);
    return usages === undefined || usages.includes(OID_EKU_ANY) || usages.includes(OID_EKU_CLIENT_AUTH);
  });
}

/** Path-length limits of the CAs in `chain` (leaf first). */
function pathLengthsHold(chain: readonly ParsedCertificate[]): boolean {
  return chain.every((cert, index) => {
    if (index === 0) return true;
    const bc = basicConstraints(cert.fields);
    return bc === undefined || bc.maxPathLen < 0 || index - 1 <= bc.maxPathLen;
  });
}

interface Search {
  readonly roots: readonly ParsedCertificate[];
  readonly intermediates: readonly ParsedCertificate[];
  readonly now: Date;
  /** The most specific reason seen so far, reported when no chain works. */
  hint: string | undefined;
}

/** Depth-first search from `chain`'s last certificate up to a root; returns the first chain that passes every check. */
function extend(chain: ParsedCertificate[], search: Search): ParsedCertificate[] | undefined {
  const tip = chain[chain.length - 1]!;
  for (const root of search.roots) {
    if (!signedBy(tip, root)) continue;
    const error = validityError(root, search.now);
    if (error !== undefined) {
      search.hint ??= error;
      continue;
    }
    const candidate = [...chain, root];
    if (!pathLengthsHold(candidate)) continue;
    if (allowsClientAuth(candidate)) return candidate;
    search.hint = 'x509: certificate specifies an incompatible key usage';
  }
  if (chain.length >= MAX_CHAIN_LENGTH) return undefined;
  for (const intermediate of search.intermediates) {
    if (chain.some((c) => c.x509.raw.equals(intermediate.x509.raw)) || !signedBy(tip, intermediate)) continue;
    const error = validityError(intermediate, search.now);
    if (error !== undefined) {
      search.hint ??= error;
      continue;
    }
    const found = extend([...chain, intermediate], search);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Verifies `peer` (leaf first, then whatever intermediates the client sent) against `roots` at `now` for client
 * authentication. Returns the verified chain, leaf first and root last. Throws CertificateVerificationError.
 */
export function verifyClientCertificate(
  peer: readonly ParsedCertificate[],
  roots: CertificatePool,
  now: Date,
): ParsedCertificate[] {
  const [leaf, ...intermediates] = peer;
  if (leaf === undefined) throw new CertificateVerificationError('x509: no client certificate');
  const hit = verifiedCache.get(roots)?.get(leaf);
  const sameIntermediates = hit !== undefined && hit.intermediates.length === intermediates.length && hit.intermediates.every((c, i) => c === intermediates[i]);
  if (hit && sameIntermediates && now.getTime() >= hit.notBefore && now.getTime() <= hit.notAfter) return hit.chain;
  const chain = verifyUncached(leaf, intermediates, roots, now);
  let byLeaf = verifiedCache.get(roots);
  if (!byLeaf) verifiedCache.set(roots, (byLeaf = new WeakMap()));
  const notBefore = Math.max(...chain.map((c) => new Date(c.x509.validFrom).getTime()));
  const notAfter = Math.min(...chain.map((c) => new Date(c.x509.validTo).getTime()));
  byLeaf.set(leaf, { intermediates: [...intermediates], chain, notBefore, notAfter });
  return chain;
}

function verifyUncached(leaf: ParsedCertificate, intermediates: readonly ParsedCertificate[], roots: CertificatePool, now: Date): ParsedCertificate[] {
  const leafError = validityError(leaf, now);
  if (leafError !== undefined) throw new CertificateVerificationError(leafError);
  if (leaf.fields.extensions.some((e) => e.critical && !HANDLED_EXTENSIONS.has(e.oid))) {
    throw new CertificateVerificationError('x509: unhandled critical extension');
  }
  // A leaf that is itself one of the roots is a complete chain.
  if (roots.certificates.some((r) => r.x509.raw.equals(leaf.x509.raw))) {
    if (allowsClientAuth([leaf])) return [leaf];
    throw new CertificateVerificationError('x509: certificate specifies an incompatible key usage');
  }
  const search: Search = { roots: roots.certificates, intermediates, now, hint: undefined };
  const chain = extend([leaf], search);
  if (chain !== undefined) return chain;
  throw new CertificateVerificationError(search.hint ?? 'x509: certificate signed by unknown authority');
}

/** The subject common name as Go reads it: the last CN attribute with a string value, or `''`. */
export function commonName(fields: CertificateFields): string {
  let cn = '';
  for (const a of fields.subject) if (a.oid === '2.5.4.3' && a.value !== undefined) cn = a.value;
  return cn;
}

/** Go's identifier for a certificate in error messages, reduced to the serial number. */
export function certificateIdentifier(cert: ParsedCertificate): string {
  return `SN=${cert.fields.serialNumber.toString()}`;
}
