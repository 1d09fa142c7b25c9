/**
 * Detached CMS SignedData (RFC 5652) over a report, with pkijs: signed attributes (content type,
 * message digest, signing time), ECDSA P-256 / SHA-256, and the signer's certificate included,
 * so that stock OpenSSL verifies it with its default purpose (smimesign: the report signing
 * profile carries emailProtection, certs/verify.ts):
 *   openssl cms -verify -binary -inform DER -in report.p7s -content report.json -CAfile ca.crt
 * The gateway's own verification asks more: the signer is of the report signing profile.
 */
import { webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import './engine.ts';
import { fromPem, parseCertificateDer } from './index.ts';
import { isIssuedBy, signingProfileMatch, type SigningProfile } from './verify.ts';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

export async function signDetached(
  content: Uint8Array,
  options: { certificatePem: string; privateKeyPem: string; signingTime?: Date },
): Promise<Uint8Array> {
  const certificate = parseCertificateDer(fromPem(options.certificatePem, 'CERTIFICATE'));
  const key = await webcrypto.subtle.importKey(
    'pkcs8',
    fromPem(options.privateKeyPem, 'PRIVATE KEY'),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  const digest = await webcrypto.subtle.digest('SHA-256', content);
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: certificate.issuer,
          serialNumber: certificate.serialNumber,
        }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({
              type: OID.contentType,
              values: [new asn1js.ObjectIdentifier({ value: OID.data })],
            }),
            new pkijs.Attribute({
              type: OID.messageDigest,
              values: [new asn1js.OctetString({ valueHex: digest })],
            }),
            new pkijs.Attribute({
              type: OID.signingTime,
              values: [new asn1js.UTCTime({ valueDate: options.signingTime ?? new Date() })],
            }),
          ],
        }),
      }),
    ],
    certificates: [certificate],
  });
  await signedData.sign(key, 0, 'SHA-256', content);
  const contentInfo = new pkijs.ContentInfo({
    contentType: OID.signedData,
    content: signedData.toSchema(true),
  });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

export interface DetachedVerification {
  readonly ok: boolean;
  /** The signer's common name, when the signature verifies. */
  readonly signer?: string;
  /** The signer has the profile issued before purposes were bound to keys (certs/verify.ts). */
  readonly legacyProfile?: boolean;
  readonly reason?: string;
}

/**
 * Verifies a detached signature over `content`: one signer, chaining to `caPem`, its certificate
 * of `profile`, reports unless told (another certificate of the same CA, an app's client
 * certificate say, is refused).
 */
export async function verifyDetached(
  signature: Uint8Array,
  content: Uint8Array,
  caPem: string,
  { profile = 'reports' }: { readonly profile?: SigningProfile } = {},
): Promise<DetachedVerification> {
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(signature);
    if (contentInfo.contentType !== OID.signedData)
      return { ok: false, reason: 'not a CMS SignedData' };
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    if (signedData.signerInfos.length !== 1)
      return { ok: false, reason: 'the signature has more than one signer, or none' };
    const ca = parseCertificateDer(fromPem(caPem, 'CERTIFICATE'));
    const result = await signedData.verify({
      signer: 0,
      data: content.buffer.slice(
        content.byteOffset,
        content.byteOffset + content.byteLength,
      ) as ArrayBuffer,
      trustedCerts: [ca],
      checkChain: true,
      extendedMode: true,
    });
    const certificate = result.signerCertificate;
    if (result.signatureVerified !== true || !certificate)
      return { ok: false, reason: 'the signature does not verify' };
    const signerCertificate = new X509Certificate(
      Buffer.from(certificate.toSchema(true).toBER(false)),
    );
    const signer: unknown = certificate.subject.typesAndValues.find((t) => t.type === '2.5.4.3')
      ?.value.valueBlock.value;
    const named = typeof signer === 'string' ? `the signer ${signer}` : 'the signer';
    if (!isIssuedBy(signerCertificate, new X509Certificate(caPem)))
      return { ok: false, reason: `${named} was not issued by the trusted CA` };
    const match = signingProfileMatch(signerCertificate, profile);
    if (match === 'wrong') {
      const wanted = profile === 'audit' ? 'an audit' : 'a report';
      return { ok: false, reason: `${named} is not ${wanted} signing certificate` };
    }
    return {
      ok: true,
      ...(typeof signer === 'string' ? { signer } : {}),
      ...(match === 'legacy' ? { legacyProfile: true } : {}),
    };
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof Error ? 'the signature does not verify' : 'invalid signature',
    };
  }
}
