/**
 * Certificate revocation lists: issued by the CA, checked by the gateway on every request (so a
 * revocation also ends keep-alive connections that authenticated before it).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Key } from './engine.ts';
import { normaliseSerialHex, pkiTime, serialHex } from './x509.ts';

export interface RevokedEntry {
  readonly serialHex: string;
  readonly revokedAt: Date;
}

export async function issueCrl(options: {
  readonly issuer: pkijs.Certificate;
  readonly issuerKey: Key;
  readonly revoked: readonly RevokedEntry[];
  readonly crlNumber: number | bigint;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}): Promise<Uint8Array> {
  const crl = new pkijs.CertificateRevocationList();
  crl.version = 1;
  crl.issuer = options.issuer.subject;
  crl.thisUpdate = pkiTime(options.thisUpdate);
  crl.nextUpdate = pkiTime(options.nextUpdate);
  if (options.revoked.length > 0) {
    crl.revokedCertificates = options.revoked.map(
      (entry) =>
        new pkijs.RevokedCertificate({
          userCertificate: new asn1js.Integer({
            valueHex: new Uint8Array(
              Buffer.from(
                entry.serialHex.length % 2 ? `0${entry.serialHex}` : entry.serialHex,
                'hex',
              ),
            ).buffer,
          }),
          revocationDate: pkiTime(entry.revokedAt),
        }),
    );
  }
  crl.crlExtensions = new pkijs.Extensions({
    extensions: [
      new pkijs.Extension({
        extnID: '2.5.29.20',
        critical: false,
        extnValue: asn1js.Integer.fromBigInt(options.crlNumber).toBER(false),
      }),
    ],
  });
  await crl.sign(options.issuerKey, 'SHA-256');
  return new Uint8Array((crl.toSchema(true) as asn1js.Sequence).toBER(false));
}

export class CrlError extends Error {
  override readonly name = 'CrlError';
}

/** What a verified CRL says: whom it revokes, and where it stands in the CA's sequence. */
export interface VerifiedCrl {
  /** Revoked serials, normalised hex. */
  readonly revoked: ReadonlySet<string>;
  /** The CRL number extension (RFC 5280 5.2.3); undefined when the CA left it out. */
  readonly crlNumber: bigint | undefined;
  /** Milliseconds. */
  readonly thisUpdate: number;
  /** Milliseconds; undefined when the CA left it out (RFC 5280 requires it). */
  readonly nextUpdate: number | undefined;
}

const CRL_NUMBER_OID = '2.5.29.20';

function parseCrl(crlDer: Uint8Array): pkijs.CertificateRevocationList {
  try {
    return pkijs.CertificateRevocationList.fromBER(crlDer);
  } catch {
    throw new CrlError('the CRL cannot be parsed');
  }
}

/** The CRL number, read from the extension's DER (an INTEGER), without verifying anything. */
function crlNumberOf(crl: pkijs.CertificateRevocationList): bigint | undefined {
  const extension = crl.crlExtensions?.extensions.find((entry) => entry.extnID === CRL_NUMBER_OID);
  if (extension === undefined) return undefined;
  const parsed = asn1js.fromBER(extension.extnValue.valueBlock.valueHexView);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Integer))
    throw new CrlError('the CRL number extension is not an integer');
  return parsed.result.toBigInt();
}

/** The CRL's dates and number as it states them, unverified (for `gerbang doctor`). */
export function describeCrl(crlDer: Uint8Array): Omit<VerifiedCrl, 'revoked'> {
  const crl = parseCrl(crlDer);
  return {
    crlNumber: crlNumberOf(crl),
    thisUpdate: crl.thisUpdate.value.getTime(),
    nextUpdate: crl.nextUpdate?.value.getTime(),
  };
}

/** Verifies the CRL's signature against the CA and returns what it says. */
export async function readCrl(crlDer: Uint8Array, issuer: pkijs.Certificate): Promise<VerifiedCrl> {
  const crl = parseCrl(crlDer);
  const valid = await crl.verify({ issuerCertificate: issuer }).catch(() => false);
  if (!valid) throw new CrlError('the CRL signature does not verify against the CA');
  return {
    revoked: new Set(
      (crl.revokedCertificates ?? []).map((entry) =>
        normaliseSerialHex(serialHex(entry.userCertificate.valueBlock.valueHexView)),
      ),
    ),
    crlNumber: crlNumberOf(crl),
    thisUpdate: crl.thisUpdate.value.getTime(),
    nextUpdate: crl.nextUpdate?.value.getTime(),
  };
}

/** Verifies the CRL's signature against the CA and returns the revoked serials (normalised hex). */
export async function readRevokedSerials(
  crlDer: Uint8Array,
  issuer: pkijs.Certificate,
): Promise<ReadonlySet<string>> {
  return (await readCrl(crlDer, issuer)).revoked;
}
