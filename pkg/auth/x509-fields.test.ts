import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCA, issue, type CertificateAuthority } from '../../e2e/controlplane/pki.js';
import {
  basicConstraints,
  decodeOid,
  extendedKeyUsages,
  keyUsageBits,
  parseCertificateFields,
  type CertificateFields,
} from './x509-fields.js';

let ca: CertificateAuthority;
let caFields: CertificateFields;
let leaf: X509Certificate;
let leafFields: CertificateFields;

beforeAll(async () => {
  ca = await createCA('fields-ca');
  caFields = parseCertificateFields(new X509Certificate(ca.certPem).raw);
  const pair = await issue(ca, { subject: 'CN=alice, O=dev, O=ops, 0.9.2342.19200300.100.1.1=u-1', usage: 'client' });
  leaf = new X509Certificate(pair.certPem);
  leafFields = parseCertificateFields(leaf.raw);
});

describe('parseCertificateFields', () => {
  it('reads the subject attributes in order, repeated O included', () => {
    expect(leafFields.subject).toEqual([
      { oid: '2.5.4.3', value: 'alice' },
      { oid: '2.5.4.10', value: 'dev' },
      { oid: '2.5.4.10', value: 'ops' },
      { oid: '0.9.2342.19200300.100.1.1', value: 'u-1' },
    ]);
  });

  it('keeps the raw issuer bytes equal to the CA subject bytes', () => {
    expect(leafFields.rawIssuer.equals(caFields.rawSubject)).toBe(true);
    expect(leafFields.rawSubject.equals(caFields.rawSubject)).toBe(false);
  });

  it('reads the validity period to the second', () => {
    expect(leafFields.notBefore.getTime()).toBe(new Date(leaf.validFrom).getTime());
    expect(leafFields.notAfter.getTime()).toBe(new Date(leaf.validTo).getTime());
  });

  it('reads the version and serial number', () => {
    expect(leafFields.version).toBe(3);
    expect(leafFields.serialNumber.toString(16)).toBe(leaf.serialNumber.toLowerCase().replace(/^0+/, ''));
  });

  it('reads the extensions with their critical flags', () => {
    expect(leafFields.extensions.map((e) => [e.oid, e.critical])).toEqual([
      ['2.5.29.19', true],
      ['2.5.29.15', true],
      ['2.5.29.37', false],
      ['2.5.29.35', false],
    ]);
  });

  it('rejects bytes that are not a certificate', () => {
    expect(() => parseCertificateFields(Buffer.from([0x30, 0x05, 0x02]))).toThrow();
  });
});

describe('extension readers', () => {
  it('reads basicConstraints of a CA and of a leaf', () => {
    expect(basicConstraints(caFields)).toEqual({ isCA: true, maxPathLen: -1 });
    expect(basicConstraints(leafFields)).toEqual({ isCA: false, maxPathLen: -1 });
  });

  it('reads keyUsage bits as Go numbers them', () => {
    // digitalSignature (1) | keyEncipherment (1 << 2)
    expect(keyUsageBits(leafFields)).toBe(1 | (1 << 2));
    // digitalSignature | keyCertSign (1 << 5) | cRLSign (1 << 6)
    expect(keyUsageBits(caFields)).toBe(1 | (1 << 5) | (1 << 6));
  });

  it('reads extended key usages and reports their absence as undefined', () => {
    expect(extendedKeyUsages(leafFields)).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(extendedKeyUsages(caFields)).toBeUndefined();
  });
});

describe('decodeOid', () => {
  it.each([
    { name: 'decodes a two-arc start under 2.5', bytes: [0x55, 0x04, 0x03], oid: '2.5.4.3' },
    { name: 'decodes multi-byte arcs', bytes: [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02], oid: '1.3.6.1.5.5.7.3.2' },
    { name: 'decodes the 0.9 arc of LDAP attributes', bytes: [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01], oid: '0.9.2342.19200300.100.1.1' },
  ])('$name', ({ bytes, oid }) => {
    expect(decodeOid(Buffer.from(bytes))).toBe(oid);
  });
});
