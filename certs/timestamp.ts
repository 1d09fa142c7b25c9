/**
 * RFC 3161 time-stamps, with pkijs: the request a time-stamp authority (TSA) answers, its reply,
 * and the check of a token (a CMS SignedData over a TSTInfo) against the TSA's CA. A token proves
 * that a digest existed at the TSA's time (`genTime`), by a clock the appliance does not control.
 *
 * What a token must be to pass: signed by one signer whose certificate chains to the pinned CA and
 * was valid at genTime, whose only extended key usage is timeStamping, marked critical (RFC 3161
 * section 2.3); its imprint SHA-256 over exactly the digest asked for; its nonce the one sent, when
 * there was one.
 */
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import './engine.ts';
import { fromPem, parseCertificateDer } from './index.ts';
import { isIssuedBy } from './verify.ts';

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  extKeyUsage: '2.5.29.37',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  commonName: '2.5.4.3',
} as const;

const arrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

export interface TimeStampRequest {
  /** DER TimeStampReq, to POST as application/timestamp-query. */
  readonly der: Uint8Array;
  /** The nonce sent: the reply's token must carry it. */
  readonly nonce: bigint;
}

/** A request for a token over the SHA-256 of `data`, with a fresh nonce and the TSA's certificate asked for. */
export function timeStampRequest(data: Uint8Array, policy?: string): TimeStampRequest {
  const digest = createHash('sha256').update(data).digest();
  // Positive and without a leading zero byte, so its DER form is the bytes themselves.
  const nonceBytes = randomBytes(8);
  nonceBytes[0] = ((nonceBytes[0] ?? 0) & 0x7f) | 0x40;
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: arrayBuffer(digest) }),
    }),
    ...(policy === undefined ? {} : { reqPolicy: policy }),
    nonce: new asn1js.Integer({ valueHex: arrayBuffer(nonceBytes) }),
    certReq: true,
  });
  return {
    der: new Uint8Array(request.toSchema().toBER(false)),
    nonce: BigInt(`0x${nonceBytes.toString('hex')}`),
  };
}

export type TimeStampReply =
  | { readonly granted: true; readonly token: Uint8Array }
  | { readonly granted: false; readonly reason: string };

/** The TSA's reply: its token when granted (status 0 or 1), otherwise its status and text. */
export function parseTimeStampReply(der: Uint8Array): TimeStampReply {
  let reply: pkijs.TimeStampResp;
  try {
    reply = pkijs.TimeStampResp.fromBER(arrayBuffer(der));
  } catch {
    return { granted: false, reason: 'the reply is not a TimeStampResp' };
  }
  // granted (0) or grantedWithMods (1), RFC 3161 section 2.4.2
  const status: number = reply.status.status;
  if (status !== 0 && status !== 1) {
    const text = (reply.status.statusStrings ?? [])
      .map((s) => s.valueBlock.value)
      .join('; ')
      .slice(0, 200);
    return { granted: false, reason: `status ${String(status)}${text ? ` (${text})` : ''}` };
  }
  if (reply.timeStampToken === undefined)
    return { granted: false, reason: 'granted without a token' };
  return { granted: true, token: new Uint8Array(reply.timeStampToken.toSchema().toBER(false)) };
}

export type TimeStampCheck =
  | {
      readonly ok: true;
      readonly genTime: Date;
      /** The TSA's common name (its subject when it has none). */
      readonly authority: string;
      readonly serialNumber: string;
    }
  | { readonly ok: false; readonly reason: string };

const failed = (reason: string): TimeStampCheck => ({ ok: false, reason });

function commonName(name: pkijs.RelativeDistinguishedNames): string | undefined {
  const value: unknown = name.typesAndValues.find((t) => t.type === OID.commonName)?.value
    .valueBlock.value;
  return typeof value === 'string' ? value : undefined;
}

/** The signer's EKU is timeStamping only, and critical (RFC 3161 2.3). */
function timeStampingOnly(certificate: pkijs.Certificate): boolean {
  const extensions = (certificate.extensions ?? []).filter((e) => e.extnID === OID.extKeyUsage);
  const eku = extensions[0];
  if (extensions.length !== 1 || eku === undefined || !eku.critical) return false;
  const usages = (eku.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  return usages.length === 1 && usages[0] === OID.timeStamping;
}

/**
 * Checks a token (DER ContentInfo) over `data` against the TSA's CA. `nonce`, when given, must
 * be the token's. Never throws: anything unexpected is a token that does not verify.
 */
export async function verifyTimeStampToken(
  token: Uint8Array,
  options: { readonly data: Uint8Array; readonly caPem: string; readonly nonce?: bigint },
): Promise<TimeStampCheck> {
  try {
    const digest = createHash('sha256').update(options.data).digest();
    const contentInfo = pkijs.ContentInfo.fromBER(arrayBuffer(token));
    if (contentInfo.contentType !== OID.signedData) return failed('not a CMS SignedData');
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    const encapsulated = signedData.encapContentInfo;
    if (encapsulated.eContentType !== OID.tstInfo || encapsulated.eContent === undefined)
      return failed('the token does not carry a TSTInfo');
    if (signedData.signerInfos.length !== 1) return failed('the token has more than one signer');
    const info = pkijs.TSTInfo.fromBER(encapsulated.eContent.getValue());
    const imprint = info.messageImprint;
    if (imprint.hashAlgorithm.algorithmId !== OID.sha256)
      return failed('the token is not over a SHA-256 digest');
    if (!Buffer.from(imprint.hashedMessage.valueBlock.valueHexView).equals(digest))
      return failed('the token is over another digest (it belongs to something else)');
    if (options.nonce !== undefined) {
      const nonce = info.nonce?.toBigInt();
      if (nonce !== options.nonce) return failed('the token does not carry the nonce sent');
    }
    const ca = parseCertificateDer(fromPem(options.caPem, 'CERTIFICATE'));
    const result = await signedData.verify({
      signer: 0,
      // pkijs checks the imprint over the data itself, as above.
      data: arrayBuffer(options.data),
      trustedCerts: [ca],
      checkChain: true,
      checkDate: info.genTime,
      extendedMode: true,
    });
    const signer = result.signerCertificate;
    if (result.signatureVerified !== true || signer == null)
      return failed('the token signature does not verify');
    const signerX509 = new X509Certificate(Buffer.from(signer.toSchema(true).toBER(false)));
    if (!isIssuedBy(signerX509, new X509Certificate(options.caPem)))
      return failed('the time-stamp authority was not issued by the trusted CA');
    if (!timeStampingOnly(signer))
      return failed('the signer is not a time-stamp authority (critical EKU timeStamping only)');
    return {
      ok: true,
      genTime: info.genTime,
      authority: commonName(signer.subject) ?? signerX509.subject,
      serialNumber: Buffer.from(info.serialNumber.valueBlock.valueHexView).toString('hex'),
    };
  } catch {
    return failed('the token cannot be read or does not verify');
  }
}
