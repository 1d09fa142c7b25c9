/**
 * Checks of a certificate, in one place for every caller (the audit verifier, the audit store's
 * opening, the SAM of a card reader, the doctor): issued by (the issuer's name and signature),
 * extended key usage and the signing profiles (which key signs what), validity at an instant, and
 * the two fingerprint formats in use. On Node's X509Certificate, which is what the callers hold;
 * nothing here reads a file or the clock.
 */
import { createHash, type X509Certificate } from 'node:crypto';

/**
 * Gerbang's own object identifier arc: a UUID OID (ITU-T X.667, `2.25.<UUID as an integer>`, here
 * UUID 60fd8df4-0ead-4ec5-8a90-6736966e6194), unique without registration, since Gerbang holds no
 * IANA private enterprise number. Below it, `.1` are extended key usages; docs/pki.md lists them.
 */
export const GERBANG_OID_ARC = '2.25.128922417856529309847682844765870514580';

/** The extended key usages the gateway issues (x509.ts) and checks. */
export const EXTENDED_KEY_USAGE = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  /** Gerbang audit signing: checkpoints and export seals, nothing else. */
  gerbangAuditSigning: `${GERBANG_OID_ARC}.1.1`,
  /** Gerbang report signing: semester and status reports, nothing else. */
  gerbangReportSigning: `${GERBANG_OID_ARC}.1.2`,
} as const;

/** What a key signs: the audit trail's checkpoints and seals, or compliance reports. */
export type SigningProfile = 'audit' | 'reports';

/**
 * The extended key usages of each signing profile, exactly: a certificate with more or fewer is
 * not of the profile, so that no key signs for two purposes. The report signer carries
 * emailProtection as well, which stock `openssl cms -verify` asks of a signer by default (purpose
 * smimesign); the audit signer carries nothing a stock tool would accept for any purpose.
 */
export const SIGNING_PROFILE_EKUS: Readonly<Record<SigningProfile, readonly string[]>> = {
  audit: [EXTENDED_KEY_USAGE.gerbangAuditSigning],
  reports: [EXTENDED_KEY_USAGE.emailProtection, EXTENDED_KEY_USAGE.gerbangReportSigning],
};

/**
 * How a certificate stands to a signing profile: `current` carries exactly the profile's extended
 * key usages; `legacy` is the profile Gerbang issued before purposes were bound to keys (issue
 * 19): codeSigning alone, the purpose only in the subject's OU (`audit` or `reports`), which
 * Gerbang's CA writes from the purpose. Legacy certificates are accepted so that trails and
 * reports signed before the upgrade still verify; doctor says to rotate them. `wrong`: neither.
 */
export type ProfileMatch = 'current' | 'legacy' | 'wrong';

export function signingProfileMatch(
  certificate: X509Certificate,
  profile: SigningProfile,
): ProfileMatch {
  const usages = extendedKeyUsages(certificate);
  const wanted = SIGNING_PROFILE_EKUS[profile];
  if (usages.length === wanted.length && wanted.every((oid) => usages.includes(oid)))
    return 'current';
  const legacy =
    usages.length === 1 &&
    usages[0] === EXTENDED_KEY_USAGE.codeSigning &&
    subjectAttributes(certificate, 'OU').join() === profile;
  return legacy ? 'legacy' : 'wrong';
}

/** Whether the certificate may sign for `profile` (its current or its legacy form). */
export function isSigningCertificateFor(
  certificate: X509Certificate,
  profile: SigningProfile,
): boolean {
  return signingProfileMatch(certificate, profile) !== 'wrong';
}

/** The certificate's extended key usages; none when it has no such extension. */
function extendedKeyUsages(certificate: X509Certificate): readonly string[] {
  // Node types `keyUsage` as always present; it is undefined when the certificate has no EKU.
  const usages: unknown = certificate.keyUsage;
  return Array.isArray(usages) ? usages.filter((u): u is string => typeof u === 'string') : [];
}

/** The values of one attribute type in the subject (Node prints one `TYPE=value` a line). */
function subjectAttributes(certificate: X509Certificate, type: string): string[] {
  return certificate.subject
    .split('\n')
    .filter((line) => line.startsWith(`${type}=`))
    .map((line) => line.slice(type.length + 1));
}

/** Whether `issuer` issued `certificate`: its name is the issuer's and its signature verifies. */
export function isIssuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
}

/** Whether the certificate's extended key usage extension lists `oid`. */
export function hasExtendedKeyUsage(certificate: X509Certificate, oid: string): boolean {
  return extendedKeyUsages(certificate).includes(oid);
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
