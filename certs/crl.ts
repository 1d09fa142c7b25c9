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
  readonly crlNumber: number;
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
        extnValue: new asn1js.Integer({ value: options.crlNumber }).toBER(false),
      }),
    ],
  });
  await crl.sign(options.issuerKey, 'SHA-256');
  return new Uint8Array((crl.toSchema(true) as asn1js.Sequence).toBER(false));
}

export class CrlError extends Error {
  override readonly name = 'CrlError';
}

/** Verifies the CRL's signature against the CA and returns the revoked serials (normalised hex). */
export async function readRevokedSerials(
  crlDer: Uint8Array,
  issuer: pkijs.Certificate,
): Promise<ReadonlySet<string>> {
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = pkijs.CertificateRevocationList.fromBER(crlDer);
  } catch {
    throw new CrlError('the CRL cannot be parsed');
  }
  const valid = await crl.verify({ issuerCertificate: issuer }).catch(() => false);
  if (!valid) throw new CrlError('the CRL signature does not verify against the CA');
  return new Set(
    (crl.revokedCertificates ?? []).map((entry) =>
      normaliseSerialHex(serialHex(entry.userCertificate.valueBlock.valueHexView)),
    ),
  );
}
