import 'reflect-metadata';
import { webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import '../../e2e/controlplane/pki.js'; // installs the WebCrypto provider for @peculiar/x509
import {
  commonName,
  parseCertificate,
  parseCertificatePool,
  verifyClientCertificate,
  type CertificatePool,
  type ParsedCertificate,
} from './certificate-chain.js';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600 * 1000;
const NOW = new Date();

interface Minted {
  readonly cert: x509.X509Certificate;
  readonly keys: webcrypto.CryptoKeyPair;
  readonly parsed: ParsedCertificate;
  readonly pem: string;
}

interface MintOptions {
  subject: string;
  issuer?: Minted;
  /** Signs with this key instead of the issuer's (a forgery with a matching issuer name). */
  forgeWith?: webcrypto.CryptoKeyPair;
  ca?: boolean;
  pathLen?: number;
  basicConstraints?: boolean;
  eku?: string[] | null;
  keyUsage?: number | null;
  notBefore?: Date;
  notAfter?: Date;
  unknownCriticalExtension?: boolean;
}

let serial = 1;

async function mint(o: MintOptions): Promise<Minted> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = o.ca ?? false;
  const extensions: x509.Extension[] = [];
  if (o.basicConstraints ?? true) extensions.push(new x509.BasicConstraintsExtension(ca, o.pathLen, true));
  const defaultUsage = ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature : x509.KeyUsageFlags.digitalSignature;
  const keyUsage = o.keyUsage === undefined ? defaultUsage : o.keyUsage;
  if (keyUsage !== null) extensions.push(new x509.KeyUsagesExtension(keyUsage, true));
  const eku = o.eku === undefined ? (ca ? null : [x509.ExtendedKeyUsage.clientAuth]) : o.eku;
  if (eku !== null) extensions.push(new x509.ExtendedKeyUsageExtension(eku, false));
  if (o.unknownCriticalExtension) extensions.push(new x509.Extension('1.2.3.4.5', true, new Uint8Array([0x05, 0x00])));
  const signer = o.forgeWith ?? o.issuer?.keys ?? keys;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    subject: o.subject,
    issuer: o.issuer?.cert.subject ?? o.subject,
    notBefore: o.notBefore ?? new Date(NOW.getTime() - DAY),
    notAfter: o.notAfter ?? new Date(NOW.getTime() + 365 * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: signer.privateKey,
    extensions,
  });
  const pem = cert.toString('pem');
  return { cert, keys, pem, parsed: parseCertificate(new X509Certificate(pem)) };
}

function pool(...certs: Minted[]): CertificatePool {
  return parseCertificatePool(certs.map((c) => c.pem).join('\n'));
}

let root: Minted;
let otherRoot: Minted;
let intermediate: Minted;
let fixtures: Record<string, { peer: Minted[]; roots: CertificatePool }>;

beforeAll(async () => {
  root = await mint({ subject: 'CN=root-ca', ca: true });
  otherRoot = await mint({ subject: 'CN=other-ca', ca: true });
  intermediate = await mint({ subject: 'CN=intermediate-ca', ca: true, issuer: root });
  const rootPathLen0 = await mint({ subject: 'CN=strict-root', ca: true, pathLen: 0 });
  const rootPathLen1 = await mint({ subject: 'CN=loose-root', ca: true, pathLen: 1 });
  const underStrict = await mint({ subject: 'CN=under-strict', ca: true, issuer: rootPathLen0 });
  const underLoose = await mint({ subject: 'CN=under-loose', ca: true, issuer: rootPathLen1 });
  const expiredRoot = await mint({ subject: 'CN=expired-root', ca: true, notAfter: new Date(NOW.getTime() - DAY), notBefore: new Date(NOW.getTime() - 9 * DAY) });
  const expiredIntermediate = await mint({ subject: 'CN=expired-int', ca: true, issuer: root, notAfter: new Date(NOW.getTime() - DAY), notBefore: new Date(NOW.getTime() - 9 * DAY) });
  const serverOnlyIntermediate = await mint({ subject: 'CN=server-int', ca: true, issuer: root, eku: [x509.ExtendedKeyUsage.serverAuth] });
  const notCA = await mint({ subject: 'CN=not-a-ca', issuer: root });
  const noBasicConstraints = await mint({ subject: 'CN=no-bc', issuer: root, basicConstraints: false, keyUsage: null, eku: null });
  const noCertSign = await mint({ subject: 'CN=no-certsign', ca: true, issuer: root, keyUsage: x509.KeyUsageFlags.digitalSignature });
  const selfSigned = await mint({ subject: 'CN=self', eku: [x509.ExtendedKeyUsage.clientAuth] });
  fixtures = {
    direct: { peer: [await mint({ subject: 'CN=alice', issuer: root })], roots: pool(root) },
    viaIntermediate: { peer: [await mint({ subject: 'CN=bob', issuer: intermediate }), intermediate], roots: pool(root) },
    missingIntermediate: { peer: [await mint({ subject: 'CN=bob', issuer: intermediate })], roots: pool(root) },
    otherCA: { peer: [await mint({ subject: 'CN=eve', issuer: otherRoot })], roots: pool(root) },
    rotatedBundle: { peer: [await mint({ subject: 'CN=carol', issuer: otherRoot })], roots: pool(root, otherRoot) },
    expiredLeaf: { peer: [await mint({ subject: 'CN=old', issuer: root, notAfter: new Date(NOW.getTime() - DAY), notBefore: new Date(NOW.getTime() - 9 * DAY) })], roots: pool(root) },
    futureLeaf: { peer: [await mint({ subject: 'CN=new', issuer: root, notBefore: new Date(NOW.getTime() + DAY) })], roots: pool(root) },
    expiredRoot: { peer: [await mint({ subject: 'CN=x', issuer: expiredRoot })], roots: pool(expiredRoot) },
    expiredIntermediate: { peer: [await mint({ subject: 'CN=x', issuer: expiredIntermediate }), expiredIntermediate], roots: pool(root) },
    serverOnlyLeaf: { peer: [await mint({ subject: 'CN=web', issuer: root, eku: [x509.ExtendedKeyUsage.serverAuth] })], roots: pool(root) },
    noEkuLeaf: { peer: [await mint({ subject: 'CN=plain', issuer: root, eku: null })], roots: pool(root) },
    anyEkuLeaf: { peer: [await mint({ subject: 'CN=any', issuer: root, eku: ['2.5.29.37.0'] })], roots: pool(root) },
    serverOnlyIntermediate: { peer: [await mint({ subject: 'CN=x', issuer: serverOnlyIntermediate }), serverOnlyIntermediate], roots: pool(root) },
    signedByNonCA: { peer: [await mint({ subject: 'CN=x', issuer: notCA }), notCA], roots: pool(root) },
    signedByCertWithoutBasicConstraints: { peer: [await mint({ subject: 'CN=x', issuer: noBasicConstraints }), noBasicConstraints], roots: pool(root) },
    signedByCAWithoutCertSign: { peer: [await mint({ subject: 'CN=x', issuer: noCertSign }), noCertSign], roots: pool(root) },
    pathLenExceeded: { peer: [await mint({ subject: 'CN=x', issuer: underStrict }), underStrict], roots: pool(rootPathLen0) },
    pathLenHonoured: { peer: [await mint({ subject: 'CN=x', issuer: underLoose }), underLoose], roots: pool(rootPathLen1) },
    criticalUnknown: { peer: [await mint({ subject: 'CN=x', issuer: root, unknownCriticalExtension: true })], roots: pool(root) },
    selfSignedInPool: { peer: [selfSigned], roots: pool(selfSigned) },
    forged: { peer: [await mint({ subject: 'CN=mallory', issuer: root, forgeWith: otherRoot.keys })], roots: pool(root) },
  };
});

describe('verifyClientCertificate', () => {
  it.each([
    { name: 'accepts a client certificate issued by a root in the bundle', fixture: 'direct', chain: ['alice', 'root-ca'] },
    { name: 'accepts a certificate through an intermediate the peer sent', fixture: 'viaIntermediate', chain: ['bob', 'intermediate-ca', 'root-ca'] },
    { name: 'finds the issuing root in a bundle with several CAs, as after a rotation', fixture: 'rotatedBundle', chain: ['carol', 'other-ca'] },
    { name: 'accepts a leaf without extended key usages, which allows every usage', fixture: 'noEkuLeaf', chain: ['plain', 'root-ca'] },
    { name: 'accepts a leaf with anyExtendedKeyUsage', fixture: 'anyEkuLeaf', chain: ['any', 'root-ca'] },
    { name: 'accepts one intermediate under a root with pathLen 1', fixture: 'pathLenHonoured', chain: ['x', 'under-loose', 'loose-root'] },
    { name: 'accepts a self-signed leaf that is itself in the bundle', fixture: 'selfSignedInPool', chain: ['self'] },
  ])('$name', ({ fixture, chain }) => {
    const { peer, roots } = fixtures[fixture]!;
    const verified = verifyClientCertificate(peer.map((c) => c.parsed), roots, NOW);
    expect(verified.map((c) => commonName(c.fields))).toEqual(chain);
  });

  it.each([
    { name: 'rejects a leaf whose intermediate was not sent', fixture: 'missingIntermediate', error: /^x509: certificate signed by unknown authority$/ },
    { name: 'rejects a certificate from a CA outside the bundle', fixture: 'otherCA', error: /signed by unknown authority/ },
    { name: 'rejects a certificate whose signature does not match its named issuer', fixture: 'forged', error: /signed by unknown authority/ },
    { name: 'rejects an expired leaf', fixture: 'expiredLeaf', error: /^x509: certificate has expired or is not yet valid: current time \S+Z is after \S+Z$/ },
    { name: 'rejects a leaf that is not valid yet', fixture: 'futureLeaf', error: /not yet valid: current time \S+ is before / },
    { name: 'rejects a chain whose root has expired', fixture: 'expiredRoot', error: /has expired or is not yet valid/ },
    { name: 'rejects a chain whose intermediate has expired', fixture: 'expiredIntermediate', error: /has expired or is not yet valid/ },
    { name: 'rejects a server-only leaf', fixture: 'serverOnlyLeaf', error: /^x509: certificate specifies an incompatible key usage$/ },
    { name: 'rejects a chain whose intermediate is limited to server auth', fixture: 'serverOnlyIntermediate', error: /incompatible key usage/ },
    { name: 'rejects a leaf signed by a certificate that is not a CA', fixture: 'signedByNonCA', error: /signed by unknown authority/ },
    { name: 'rejects a leaf signed by a v3 certificate without basicConstraints', fixture: 'signedByCertWithoutBasicConstraints', error: /signed by unknown authority/ },
    { name: 'rejects a leaf signed by a CA whose keyUsage lacks keyCertSign', fixture: 'signedByCAWithoutCertSign', error: /signed by unknown authority/ },
    { name: 'rejects an intermediate under a root with pathLen 0', fixture: 'pathLenExceeded', error: /signed by unknown authority/ },
    { name: 'rejects a leaf with an unhandled critical extension', fixture: 'criticalUnknown', error: /^x509: unhandled critical extension$/ },
  ])('$name', ({ fixture, error }) => {
    const { peer, roots } = fixtures[fixture]!;
    expect(() => verifyClientCertificate(peer.map((c) => c.parsed), roots, NOW)).toThrow(error);
  });

  it('rejects an empty peer chain', () => {
    expect(() => verifyClientCertificate([], pool(root), NOW)).toThrow(/no client certificate/);
  });
});

describe('parseCertificatePool', () => {
  it('reads every certificate of a bundle and skips other PEM blocks', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
    const parsed = parseCertificatePool(`${root.pem}\n${key}${otherRoot.pem}`);
    expect(parsed.certificates.map((c) => commonName(c.fields))).toEqual(['root-ca', 'other-ca']);
  });

  it('rejects a bundle without certificates', () => {
    expect(() => parseCertificatePool('not a pem')).toThrow('data does not contain any valid RSA or ECDSA certificates');
  });

  it('rejects a corrupt certificate block', () => {
    expect(() => parseCertificatePool('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toThrow();
  });
});

describe('verifyClientCertificate caching', () => {
  it('reuses a verification for the same leaf and pool, and still refuses the leaf once it has expired', async () => {
    const { createCA, issue } = await import('../../e2e/controlplane/pki.js');
    const ca = await createCA('cache-ca');
    const leafPem = (await issue(ca, { subject: 'CN=cached', usage: 'client' })).certPem;
    const pool = parseCertificatePool(ca.certPem);
    const leaf = parseCertificate(new X509Certificate(leafPem));
    const first = verifyClientCertificate([leaf], pool, new Date());
    expect(verifyClientCertificate([leaf], pool, new Date())).toBe(first);
    const afterExpiry = new Date(new Date(leaf.x509.validTo).getTime() + 1000);
    expect(() => verifyClientCertificate([leaf], pool, afterExpiry)).toThrow(/expired|not valid/);
    const otherPool = parseCertificatePool((await createCA('other')).certPem);
    expect(() => verifyClientCertificate([leaf], otherPool, new Date())).toThrow();
  });

  it('reuses a verification when the peer chain also carries the issuer, as a TLS connection reports it, and not for other intermediates', async () => {
    const { createCA, issue } = await import('../../e2e/controlplane/pki.js');
    const ca = await createCA('cache-ca-chain');
    const leafPem = (await issue(ca, { subject: 'CN=cached', usage: 'client' })).certPem;
    const pool = parseCertificatePool(ca.certPem);
    const leaf = parseCertificate(new X509Certificate(leafPem));
    const issuer = parseCertificate(new X509Certificate(ca.certPem));
    const first = verifyClientCertificate([leaf, issuer], pool, new Date());
    expect(verifyClientCertificate([leaf, issuer], pool, new Date())).toBe(first);
    const stranger = parseCertificate(new X509Certificate((await createCA('stranger')).certPem));
    expect(verifyClientCertificate([leaf, stranger], pool, new Date())).not.toBe(first);
  });
});
