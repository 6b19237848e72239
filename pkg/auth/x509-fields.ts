// The few X.509 fields certificate verification needs that Node's X509Certificate does not expose faithfully:
// the raw issuer/subject names (Go matches issuers by their DER bytes), every subject attribute in order (CN,
// repeated O, UID), exact validity times, and the extensions with their critical flags. A small DER walker, not a
// general ASN.1 parser: anything unexpected throws, and callers treat that as an unusable certificate.

export interface NameAttribute {
  readonly oid: string;
  /** Undefined when the value is not one of the ASN.1 string types (Go skips such values). */
  readonly value: string | undefined;
}

export interface CertificateExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extension's DER value (the content of its OCTET STRING). */
  readonly value: Buffer;
}

export interface CertificateFields {
  /** 1, 2 or 3. */
  readonly version: number;
  readonly serialNumber: bigint;
  readonly rawIssuer: Buffer;
  readonly rawSubject: Buffer;
  /** Attributes in certificate order, flattened across RDNs. */
  readonly subject: readonly NameAttribute[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly CertificateExtension[];
}

export const OID_COMMON_NAME = '2.5.4.3';
export const OID_ORGANIZATION = '2.5.4.10';
/** The LDAP `UID` attribute (0.9.2342.19200300.100.1.1). */
export const OID_USER_ID = '0.9.2342.19200300.100.1.1';
export const OID_KEY_USAGE = '2.5.29.15';
export const OID_BASIC_CONSTRAINTS = '2.5.29.19';
export const OID_EXT_KEY_USAGE = '2.5.29.37';
export const OID_EKU_ANY = '2.5.29.37.0';
export const OID_EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

function readTlv(buf: Buffer, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new Error('truncated DER');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte DER tags are not supported');
  let length = buf[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || contentStart + count > limit) throw new Error('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new Error('truncated DER');
  return { tag, start: offset, contentStart, end };
}

function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readTlv(buf, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

function content(buf: Buffer, tlv: Tlv): Buffer {
  return buf.subarray(tlv.contentStart, tlv.end);
}

function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv === undefined || tlv.tag !== tag) throw new Error(`malformed certificate: bad ${what}`);
  return tlv;
}

export function decodeOid(bytes: Buffer): string {
  const arcs: bigint[] = [];
  let value = 0n;
  for (const byte of bytes) {
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
    }
  }
  const first = arcs.shift() ?? 0n;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs].join('.');
}

function decodeString(buf: Buffer, tlv: Tlv): string | undefined {
  const bytes = content(buf, tlv);
  switch (tlv.tag) {
    case 0x0c: // UTF8String
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x12: // NumericString
      return bytes.toString('utf8');
    case 0x14: // T61String, read as Latin-1 as Go does
      return bytes.toString('latin1');
    case 0x1e: // BMPString: UTF-16 big-endian
      return Buffer.from(bytes).swap16().toString('utf16le');
    default:
      return undefined;
  }
}

function decodeTime(buf: Buffer, tlv: Tlv): Date {
  const text = content(buf, tlv).toString('latin1');
  const m =
    tlv.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : tlv.tag === 0x18
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (m === null) throw new Error(`malformed certificate: bad time ${JSON.stringify(text)}`);
  let year = Number(m[1]);
  if (tlv.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function decodeName(buf: Buffer, name: Tlv): NameAttribute[] {
  const attributes: NameAttribute[] = [];
  for (const rdn of children(buf, name)) {
    for (const atv of children(buf, expectTag(rdn, 0x31, 'RDN'))) {
      const [type, value] = children(buf, expectTag(atv, 0x30, 'attribute'));
      const oid = decodeOid(content(buf, expectTag(type, 0x06, 'attribute type')));
      attributes.push({ oid, value: value === undefined ? undefined : decodeString(buf, value) });
    }
  }
  return attributes;
}

function decodeExtensions(buf: Buffer, wrapper: Tlv): CertificateExtension[] {
  const [list] = children(buf, wrapper);
  return children(buf, expectTag(list, 0x30, 'extensions')).map((ext) => {
    const parts = children(buf, expectTag(ext, 0x30, 'extension'));
    const oid = decodeOid(content(buf, expectTag(parts[0], 0x06, 'extension id')));
    const hasCritical = parts[1]?.tag === 0x01;
    const critical = hasCritical && buf[parts[1]!.contentStart] !== 0;
    const value = expectTag(parts[hasCritical ? 2 : 1], 0x04, 'extension value');
    return { oid, critical, value: content(buf, value) };
  });
}

/** Reads the fields of a DER certificate. Throws on malformed input. */
export function parseCertificateFields(der: Buffer): CertificateFields {
  const certificate = expectTag(readTlv(der, 0), 0x30, 'certificate');
  const tbs = expectTag(children(der, certificate)[0], 0x30, 'tbsCertificate');
  const fields = children(der, tbs);
  let i = 0;
  let version = 1;
  if (fields[0]?.tag === 0xa0) {
    const [v] = children(der, fields[0]);
    version = Number(content(der, expectTag(v, 0x02, 'version')).readIntBE(0, 1)) + 1;
    i++;
  }
  const serialBytes = content(der, expectTag(fields[i++], 0x02, 'serial number'));
  const serialNumber = BigInt(`0x${serialBytes.toString('hex') || '0'}`);
  i++; // signature algorithm
  const issuer = expectTag(fields[i++], 0x30, 'issuer');
  const validity = children(der, expectTag(fields[i++], 0x30, 'validity'));
  const subject = expectTag(fields[i++], 0x30, 'subject');
  i++; // subject public key info
  const extensions = fields.slice(i).find((f) => f.tag === 0xa3);
  return {
    version,
    serialNumber,
    rawIssuer: der.subarray(issuer.start, issuer.end),
    rawSubject: der.subarray(subject.start, subject.end),
    subject: decodeName(der, subject),
    notBefore: decodeTime(der, validity[0] ?? tbs),
    notAfter: decodeTime(der, validity[1] ?? tbs),
    extensions: extensions === undefined ? [] : decodeExtensions(der, extensions),
  };
}

/** basicConstraints: `{ isCA, maxPathLen }`, where maxPathLen -1 means unlimited. Undefined when absent. */
export function basicConstraints(fields: CertificateFields): { isCA: boolean; maxPathLen: number } | undefined {
  const ext = fields.extensions.find((e) => e.oid === OID_BASIC_CONSTRAINTS);
  if (ext === undefined) return undefined;
  const seq = expectTag(readTlv(ext.value, 0), 0x30, 'basicConstraints');
  let isCA = false;
  let maxPathLen = -1;
  for (const part of children(ext.value, seq)) {
    if (part.tag === 0x01) isCA = ext.value[part.contentStart] !== 0;
    if (part.tag === 0x02) maxPathLen = content(ext.value, part).readUIntBE(0, Math.min(6, part.end - part.contentStart));
  }
  return { isCA, maxPathLen };
}

/** The keyUsage bits as Go numbers them (digitalSignature = 1, keyCertSign = 1 << 5); 0 when absent. */
export function keyUsageBits(fields: CertificateFields): number {
  const ext = fields.extensions.find((e) => e.oid === OID_KEY_USAGE);
  if (ext === undefined) return 0;
  const bits = content(ext.value, expectTag(readTlv(ext.value, 0), 0x03, 'keyUsage')).subarray(1);
  let usage = 0;
  for (let i = 0; i < Math.min(bits.length * 8, 16); i++) if (bits[i >> 3]! & (0x80 >> (i & 7))) usage |= 1 << i;
  return usage;
}

/** extKeyUsage OIDs, or undefined when the extension is absent (which allows every usage). */
export function extendedKeyUsages(fields: CertificateFields): string[] | undefined {
  const ext = fields.extensions.find((e) => e.oid === OID_EXT_KEY_USAGE);
  if (ext === undefined) return undefined;
  const seq = expectTag(readTlv(ext.value, 0), 0x30, 'extKeyUsage');
  return children(ext.value, seq).map((oid) => decodeOid(content(ext.value, expectTag(oid, 0x06, 'key purpose'))));
}
