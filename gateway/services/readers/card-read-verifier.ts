/**
 * Checks of a card read, in the order that lets nothing through unproven: the SAM certificate is
 * the enrolled one, chains to the SAM CA and is not revoked; the SAM signed nonce ‖ reader id ‖
 * SHA-256(card data); the card data carries the KTP-el issuer's signature. A refusal is a
 * CardReadRefused, which the HTTP layer maps to its code (gateway/http/error-mapping.ts).
 */
import { verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { samChallengeMessage } from '../../../adapters/pcsc/profile.ts';
import {
  fromPem,
  isIssuedBy,
  readRevokedSerials,
  parseCertificateDer,
  normaliseSerialHex,
  sha256Fingerprint,
  validityAt,
} from '../../../certs/index.ts';
import type { GerbangConfig } from '../../config/index.ts';

/**
 * A card read, or a SAM certificate offered for enrolment, that the checks refuse: the reader's
 * proof (SAM certificate, signature) or the card itself (issuer signature). The message says
 * which check, for the log; it carries nothing of the card.
 */
export class CardReadRefused extends Error {
  override readonly name = 'CardReadRefused';
  readonly kind: 'reader_proof_invalid' | 'invalid_card';
  constructor(kind: 'reader_proof_invalid' | 'invalid_card', reason: string) {
    super(reason);
    this.kind = kind;
  }
}

export function certificateFingerprint(der: Uint8Array): string {
  return sha256Fingerprint(der);
}

/** What enrolling a reader records of its SAM: the certificate, its serial and its fingerprint. */
export function samEnrolment(certificatePem: string): {
  samCertificatePem: string;
  samSerial: string;
  samFingerprint: string;
} {
  const certificate = new X509Certificate(certificatePem);
  return {
    samCertificatePem: certificatePem,
    samSerial: certificate.serialNumber,
    samFingerprint: certificateFingerprint(certificate.raw),
  };
}

export class CardReadVerifier {
  private readonly samCa: X509Certificate;
  private readonly samCaPem: string;
  private readonly issuer: X509Certificate;
  private readonly samCrlFile: string | undefined;

  constructor(settings: NonNullable<GerbangConfig['readers']>) {
    this.samCaPem = readFileSync(settings.samCaFile, 'utf8');
    this.samCa = new X509Certificate(this.samCaPem);
    this.issuer = new X509Certificate(readFileSync(settings.cardIssuerCertFile));
    this.samCrlFile = settings.samCrlFile;
  }

  /** A SAM certificate an administrator may enrol: issued by the SAM CA and currently valid. */
  checkSamCertificate(der: Uint8Array, now: number): X509Certificate {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(Buffer.from(der));
    } catch {
      throw new CardReadRefused('reader_proof_invalid', 'SAM certificate unparseable');
    }
    if (!isIssuedBy(certificate, this.samCa)) {
      throw new CardReadRefused('reader_proof_invalid', 'SAM certificate not issued by the SAM CA');
    }
    if (validityAt(certificate, now) !== 'valid') {
      throw new CardReadRefused('reader_proof_invalid', 'SAM certificate outside its validity');
    }
    return certificate;
  }

  private async samRevoked(serial: string): Promise<boolean> {
    if (this.samCrlFile === undefined) return false;
    const revoked = await readRevokedSerials(
      fromPem(readFileSync(this.samCrlFile, 'utf8'), 'X509 CRL'),
      parseCertificateDer(fromPem(this.samCaPem, 'CERTIFICATE')),
    ).catch(() => undefined);
    // An unreadable SAM CRL means revocation status is unknown: refuse (fail closed).
    return revoked === undefined || revoked.has(normaliseSerialHex(serial));
  }

  async verify(input: {
    readonly readerId: string;
    readonly enrolledFingerprint: string;
    readonly nonce: Buffer;
    readonly cardData: Buffer;
    readonly issuerSignature: Buffer;
    readonly samCertificate: Buffer;
    readonly samSignature: Buffer;
    readonly now: number;
  }): Promise<void> {
    if (certificateFingerprint(input.samCertificate) !== input.enrolledFingerprint) {
      throw new CardReadRefused('reader_proof_invalid', 'not the SAM enrolled for this reader');
    }
    const sam = this.checkSamCertificate(input.samCertificate, input.now);
    if (await this.samRevoked(sam.serialNumber))
      throw new CardReadRefused(
        'reader_proof_invalid',
        'SAM certificate revoked or revocation unknown',
      );
    const message = samChallengeMessage(input.nonce, input.readerId, input.cardData);
    let signed = false;
    try {
      signed = verify('sha256', message, sam.publicKey, input.samSignature);
    } catch {
      signed = false;
    }
    if (!signed) throw new CardReadRefused('reader_proof_invalid', 'SAM signature does not verify');
    let issued = false;
    try {
      issued = verify('sha256', input.cardData, this.issuer.publicKey, input.issuerSignature);
    } catch {
      issued = false;
    }
    if (!issued) throw new CardReadRefused('invalid_card', 'issuer signature does not verify');
  }
}
