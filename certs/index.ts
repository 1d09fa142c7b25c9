/** PKI for Gerbang: its CA, TLS and client certificates, CRLs, PKCS#12. */
export {
  CertificateAuthority,
  DEFAULT_SERVER_NAMES,
  SIGNING_PURPOSES,
  type IndexEntry,
  type IssuedFiles,
  type SigningPurpose,
} from './authority.ts';
export { readRevokedSerials, issueCrl, CrlError } from './crl.ts';
export { toPem, fromPem, fromPemAll, PemError } from './pem.ts';
export {
  parseCertificateDer,
  certificateSerialHex,
  normaliseSerialHex,
  issueCertificate,
} from './x509.ts';
export { buildPkcs12 } from './pkcs12.ts';
