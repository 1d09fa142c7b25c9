/**
 * Certificate work for Gerbang: its CA, TLS, client and signing certificates, CRLs, PKCS#12, and
 * the checks of a certificate (verify.ts). CMS signing (cms.ts) and the gateway's view of the CRL
 * (revocation.ts) are imported by their paths.
 */
export {
  CertificateAuthority,
  DEFAULT_SERVER_NAMES,
  OPERATOR_CLIENT_URI_PREFIX,
  SIGNING_PURPOSES,
  type IssuedFiles,
  type SigningPurpose,
} from './authority.ts';
export { type IndexEntry } from './pki-directory.ts';
export {
  readRevokedSerials,
  readCrl,
  describeCrl,
  issueCrl,
  CrlError,
  type VerifiedCrl,
} from './crl.ts';
export { toPem, fromPem, fromPemAll, PemError } from './pem.ts';
export {
  parseCertificateDer,
  certificateSerialHex,
  normaliseSerialHex,
  issueCertificate,
} from './x509.ts';
export { buildPkcs12 } from './pkcs12.ts';
export {
  EXTENDED_KEY_USAGE,
  GERBANG_OID_ARC,
  SIGNING_PROFILE_EKUS,
  hasExtendedKeyUsage,
  isIssuedBy,
  isSigningCertificateFor,
  signingProfileMatch,
  type ProfileMatch,
  type SigningProfile,
  sha256Fingerprint,
  sha256FingerprintWithColons,
  validityAt,
  validityPeriod,
  type Validity,
} from './verify.ts';
