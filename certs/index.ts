/**
 * Certificate work for Gerbang: its CA, TLS, client and signing certificates, CRLs, PKCS#12, and
 * the checks of a certificate (verify.ts). CMS signing (cms.ts) and the gateway's view of the CRL
 * (revocation.ts) are imported by their paths.
 */
export {
  CertificateAuthority,
  DEFAULT_SERVER_NAMES,
  SIGNING_PURPOSES,
  type IssuedFiles,
  type SigningPurpose,
} from './authority.ts';
export { type IndexEntry } from './pki-directory.ts';
export { readRevokedSerials, issueCrl, CrlError } from './crl.ts';
export { toPem, fromPem, fromPemAll, PemError } from './pem.ts';
export {
  parseCertificateDer,
  certificateSerialHex,
  normaliseSerialHex,
  issueCertificate,
} from './x509.ts';
export { buildPkcs12 } from './pkcs12.ts';
export {
  AUDIT_SIGNING_EKU,
  EXTENDED_KEY_USAGE,
  hasExtendedKeyUsage,
  isIssuedBy,
  sha256Fingerprint,
  sha256FingerprintWithColons,
  validityAt,
  validityPeriod,
  type Validity,
} from './verify.ts';
