/**
 * Issuing X.509 certificates with pkijs: a CA, TLS servers with DNS and IP subject alternative
 * names, clients (principal id as CN, role as OU), and signing certificates of one profile each
 * (audit checkpoints, reports: verify.ts). ECDSA P-256 with SHA-256 throughout.
 */
import { isIP } from 'node:net';
import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { subtle, type Key } from './engine.ts';
import { EXTENDED_KEY_USAGE, SIGNING_PROFILE_EKUS, type SigningProfile } from './verify.ts';

const OID = {
  commonName: '2.5.4.3',
  organizationalUnit: '2.5.4.11',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  ...EXTENDED_KEY_USAGE,
} as const;

export type CertificateKind = 'ca' | 'server' | 'client' | 'signing';

export interface SubjectName {
  readonly commonName: string;
  readonly organizationalUnit?: string;
  readonly organization?: string;
}

export interface IssueRequest {
  readonly kind: CertificateKind;
  readonly subject: SubjectName;
  readonly publicKey: Key;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Issuer certificate and key; absent means self-signed (a root CA). */
  readonly issuer?: { readonly certificate: pkijs.Certificate; readonly privateKey: Key };
  /** Self-signed: the subject's own private key. */
  readonly selfSignKey?: Key;
  /** Server certificates: DNS names and IP addresses. */
  readonly altNames?: readonly string[];
  /** Uniform resource identifiers in the subject alternative name (an operator's bound client). */
  readonly uris?: readonly string[];
  /** Signing certificates: what the key signs, which sets its extended key usages. */
  readonly signingProfile?: SigningProfile;
}

/** A positive 16-byte serial number, as uppercase hex without leading zeros. */
export function randomSerial(): Uint8Array {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 1) & 0x7f) | 0x01;
  return new Uint8Array(bytes);
}

export function serialHex(serial: Uint8Array | ArrayBuffer): string {
  return normaliseSerialHex(
    Buffer.from(serial instanceof Uint8Array ? serial : new Uint8Array(serial)).toString('hex'),
  );
}

export function normaliseSerialHex(hex: string): string {
  return hex.replace(/^0+/, '').toUpperCase() || '0';
}

/** GeneralizedTime from 2050 on, as RFC 5280 requires. */
export function pkiTime(date: Date): pkijs.Time {
  return new pkijs.Time({
    type: date.getUTCFullYear() >= 2050 ? pkijs.TimeType.GeneralizedTime : pkijs.TimeType.UTCTime,
    value: date,
  });
}

/** One attribute per RDN (pkijs would otherwise emit a single multi-valued RDN). */
function buildName(name: SubjectName): pkijs.RelativeDistinguishedNames {
  const attributes: [string, string | undefined][] = [
    [OID.organization, name.organization],
    [OID.organizationalUnit, name.organizationalUnit],
    [OID.commonName, name.commonName],
  ];
  const sequence = new asn1js.Sequence({
    value: attributes.flatMap(([type, value]) =>
      value === undefined
        ? []
        : [
            new asn1js.Set({
              value: [
                new pkijs.AttributeTypeAndValue({
                  type,
                  value: new asn1js.Utf8String({ value }),
                }).toSchema(),
              ],
            }),
          ],
    ),
  });
  return pkijs.RelativeDistinguishedNames.fromBER(sequence.toBER(false));
}

/** KeyUsage bits, DER-encoded with the trailing zero bits counted as unused. */
function keyUsageBits(bits: number): asn1js.BitString {
  let unused = 0;
  while (unused < 7 && ((bits >> unused) & 1) === 0) unused++;
  return new asn1js.BitString({ valueHex: new Uint8Array([bits]).buffer, unusedBits: unused });
}

const KEY_USAGE = { digitalSignature: 0x80, keyCertSign: 0x04, cRLSign: 0x02 } as const;

function extension(
  extnID: string,
  critical: boolean,
  value: asn1js.BaseBlock | { toSchema(): asn1js.BaseBlock },
): pkijs.Extension {
  const schema = 'toSchema' in value ? value.toSchema() : value;
  return new pkijs.Extension({ extnID, critical, extnValue: schema.toBER(false) });
}

function ipBytes(ip: string): ArrayBuffer {
  if (isIP(ip) === 4) return new Uint8Array(ip.split('.').map(Number)).buffer;
  throw new RangeError('only IPv4 subject alternative names are supported');
}

async function keyIdentifier(certificate: pkijs.Certificate): Promise<ArrayBuffer> {
  return subtle.digest(
    'SHA-1',
    certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView,
  );
}

/** The extended key usages a certificate of this request carries; a CA carries none. */
function extendedKeyUsagesOf(request: IssueRequest): string[] | undefined {
  switch (request.kind) {
    case 'ca':
      return undefined;
    case 'server':
      return [OID.serverAuth];
    case 'client':
      return [OID.clientAuth];
    case 'signing':
      if (request.signingProfile === undefined)
        throw new RangeError('a signing certificate needs its signing profile (audit or reports)');
      return [...SIGNING_PROFILE_EKUS[request.signingProfile]];
  }
}

export async function issueCertificate(request: IssueRequest): Promise<pkijs.Certificate> {
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ valueHex: randomSerial().buffer as ArrayBuffer });
  certificate.subject = buildName(request.subject);
  certificate.issuer = request.issuer
    ? request.issuer.certificate.subject
    : buildName(request.subject);
  certificate.notBefore = pkiTime(request.notBefore);
  certificate.notAfter = pkiTime(request.notAfter);
  await certificate.subjectPublicKeyInfo.importKey(request.publicKey);

  const extensions: pkijs.Extension[] = [];
  const isCa = request.kind === 'ca';
  extensions.push(
    extension(
      OID.basicConstraints,
      true,
      new pkijs.BasicConstraints(isCa ? { cA: true, pathLenConstraint: 0 } : { cA: false }),
    ),
  );
  extensions.push(
    extension(
      OID.keyUsage,
      true,
      keyUsageBits(
        isCa
          ? KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign | KEY_USAGE.digitalSignature
          : KEY_USAGE.digitalSignature,
      ),
    ),
  );
  const keyPurposes = extendedKeyUsagesOf(request);
  if (keyPurposes)
    extensions.push(extension(OID.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes })));
  const altNames = request.altNames ?? [];
  const uris = request.uris ?? [];
  if (altNames.length + uris.length > 0) {
    const names = [
      ...altNames.map((name) =>
        isIP(name)
          ? new pkijs.GeneralName({
              type: 7,
              value: new asn1js.OctetString({ valueHex: ipBytes(name) }),
            })
          : new pkijs.GeneralName({ type: 2, value: name }),
      ),
      // uniformResourceIdentifier [6] IA5String
      ...uris.map((uri) => new pkijs.GeneralName({ type: 6, value: uri })),
    ];
    extensions.push(extension(OID.subjectAltName, false, new pkijs.GeneralNames({ names })));
  }
  const ski = await keyIdentifier(certificate);
  extensions.push(
    extension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: ski })),
  );
  const authorityKeyId = request.issuer ? await keyIdentifier(request.issuer.certificate) : ski;
  extensions.push(
    extension(
      OID.authorityKeyIdentifier,
      false,
      new pkijs.AuthorityKeyIdentifier({
        keyIdentifier: new asn1js.OctetString({ valueHex: authorityKeyId }),
      }),
    ),
  );
  certificate.extensions = extensions;

  const signingKey = request.issuer?.privateKey ?? request.selfSignKey;
  if (signingKey === undefined) throw new RangeError('a self-signed certificate needs selfSignKey');
  await certificate.sign(signingKey, 'SHA-256');
  return certificate;
}

export function certificateDer(certificate: pkijs.Certificate): Uint8Array {
  return new Uint8Array(certificate.toSchema(true).toBER(false));
}

export function parseCertificateDer(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(der);
}

export function certificateSerialHex(certificate: pkijs.Certificate): string {
  return serialHex(certificate.serialNumber.valueBlock.valueHexView);
}
