/**
 * Checks of a certificate, in one place for every caller (the audit verifier, the audit store's
 * opening, the SAM of a card reader, the doctor): issued by (the issuer's name and signature),
 * extended key usage, validity at an instant, and the two fingerprint formats in use. On Node's
 * X509Certificate, which is what the callers hold; nothing here reads a file or the clock.
 */
import { createHash, type X509Certificate } from 'node:crypto';

/** The extended key usages the gateway issues (x509.ts) and checks. */
export const EXTENDED_KEY_USAGE = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
} as const;

/** Extended key usage an audit signing certificate must carry (id-kp-codeSigning). */
export const AUDIT_SIGNING_EKU = EXTENDED_KEY_USAGE.codeSigning;

/** Whether `issuer` issued `certificate`: its name is the issuer's and its signature verifies. */
export function isIssuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
}

/** Node types `keyUsage` as always present; it is undefined when the certificate has no EKU. */
export function hasExtendedKeyUsage(certificate: X509Certificate, oid: string): boolean {
  const usages: unknown = certificate.keyUsage;
  return Array.isArray(usages) && usages.includes(oid);
}

/** The certificate's notBefore and notAfter, in milliseconds since the epoch. */
export function validityPeriod(certificate: X509Certificate): {
  readonly notBefore: number;
  readonly notAfter: number;
} {
  return {
    notBefore: Date.parse(certificate.validFrom),
    notAfter: Date.parse(certificate.validTo),
  };
}

export type Validity = 'not_yet_valid' | 'valid' | 'expired';

/** Where `at` falls in the validity period; both ends belong to it (RFC 5280, 4.1.2.5). */
export function validityAt(certificate: X509Certificate, at: number): Validity {
  const { notBefore, notAfter } = validityPeriod(certificate);
  return at < notBefore ? 'not_yet_valid' : at > notAfter ? 'expired' : 'valid';
}

/**
 * SHA-256 of the certificate's DER, lower-case hex without separators: the audit checkpoint's
 * `keyId` (which key signed) and an enrolled reader's SAM fingerprint (state.db, the admin API).
 */
export function sha256Fingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/**
 * SHA-256 of the certificate's DER as OpenSSL and Node (`fingerprint256`) print it: upper-case hex
 * pairs separated by colons. The form of a client's `certificateFingerprint` in audit records,
 * which the gateway takes from the TLS layer's peer certificate.
 */
export function sha256FingerprintWithColons(der: Uint8Array): string {
  return (sha256Fingerprint(der).toUpperCase().match(/../g) ?? []).join(':');
}
