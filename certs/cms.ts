/**
 * Detached CMS SignedData (RFC 5652) over a report, with pkijs: signed attributes (content type,
 * message digest, signing time), ECDSA P-256 / SHA-256, and the signer's certificate included,
 * so that stock OpenSSL verifies it:
 *   openssl cms -verify -binary -inform DER -in report.p7s -content report.json -CAfile ca.crt -purpose any
 */
import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import './engine.ts';
import { fromPem, parseCertificateDer } from './index.ts';

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

/** Verifies a detached signature over `content`, chaining the signer to `caPem`. */
export async function verifyDetached(
  signature: Uint8Array,
  content: Uint8Array,
  caPem: string,
): Promise<{ ok: boolean; signer?: string; reason?: string }> {
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(signature);
    if (contentInfo.contentType !== OID.signedData)
      return { ok: false, reason: 'not a CMS SignedData' };
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
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
    const signer = result.signerCertificate?.subject.typesAndValues.find(
      (t) => t.type === '2.5.4.3',
    )?.value.valueBlock.value;
    return result.signatureVerified === true
      ? { ok: true, ...(signer ? { signer } : {}) }
      : { ok: false, reason: 'the signature does not verify' };
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof Error ? 'the signature does not verify' : 'invalid signature',
    };
  }
}
