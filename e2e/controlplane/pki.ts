import 'reflect-metadata'; // @peculiar/x509 resolves its providers through tsyringe, which needs it loaded first
import { KeyObject, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** ECDSA P-256: accepted by kube-apiserver for serving, client and service-account keys, and fast to generate. */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

export interface KeyPair {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface CertificateAuthority extends KeyPair {
  readonly cert: x509.X509Certificate;
  readonly privateKey: CryptoKey;
}

export interface LeafRequest {
  /** Distinguished name, e.g. `CN=admin, O=system:masters`. */
  readonly subject: string;
  readonly usage: 'server' | 'client' | 'both';
  readonly dnsNames?: readonly string[];
  readonly ips?: readonly string[];
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // positive
  return bytes.toString('hex');
}

function keyPem(key: CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

export async function createCA(commonName: string): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const notBefore = new Date(Date.now() - 3600_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + TEN_YEARS_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, privateKey: keys.privateKey, certPem: cert.toString('pem'), keyPem: keyPem(keys.privateKey) };
}

export async function issue(ca: CertificateAuthority, request: LeafRequest): Promise<KeyPair> {
  const keys = await generateKeys();
  const usages: string[] = [];
  if (request.usage !== 'client') usages.push(x509.ExtendedKeyUsage.serverAuth);
  if (request.usage !== 'server') usages.push(x509.ExtendedKeyUsage.clientAuth);
  const names: x509.JsonGeneralName[] = [
    ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(request.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(usages, false),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const notBefore = new Date(Date.now() - 3600_000);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: request.subject,
    issuer: ca.cert.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + TEN_YEARS_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    extensions,
  });
  return { certPem: cert.toString('pem'), keyPem: keyPem(keys.privateKey) };
}

/** A key pair for signing service-account tokens: `sa.key` (PKCS#8) and `sa.pub` (SPKI). */
export async function createSigningKey(): Promise<{ keyPem: string; publicPem: string }> {
  const keys = await generateKeys();
  return {
    keyPem: keyPem(keys.privateKey),
    publicPem: KeyObject.from(keys.publicKey).export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Writes `<name>.crt` and `<name>.key` (mode 0600) into `dir`, returning their paths. */
export function writePair(dir: string, name: string, pair: KeyPair): { cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  writeFileSync(cert, pair.certPem);
  writeFileSync(key, pair.keyPem, { mode: 0o600 });
  return { cert, key };
}

/** A CA from PEM files written earlier (to sign more certificates with it). */
export async function importCA(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(certPem);
  const der = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  return { cert, privateKey, certPem, keyPem };
}
