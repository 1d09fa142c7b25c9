/**
 * The certificate authority's directory (by default `var/pki/`):
 *
 *   ca.crt, ca.key (0600)           the CA
 *   server.crt, server.key (0600)   the TLS server certificate
 *   crl.pem                         revocations, re-signed on every revoke
 *   clients/<id>.crt|.key|.p12      client certificates; .p12 with a .p12.password file (0600)
 *   index.json                      what was issued and revoked (serials, ids, roles, dates)
 *
 * Files are written atomically (temporary file + rename) so that a running gateway never reads
 * half a CRL.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateKind } from './x509.ts';

export interface IndexEntry {
  readonly serial: string;
  readonly id: string;
  readonly role: string;
  readonly kind: CertificateKind;
  readonly notBefore: string;
  readonly notAfter: string;
  /** An operator certificate's bound client (its SAN URI `urn:gerbang:client:<id>`). */
  readonly client?: string;
  revokedAt?: string;
}

export interface AuthorityIndex {
  crlNumber: number;
  issued: IndexEntry[];
}

export function pkiPaths(directory: string) {
  return {
    caCertificate: join(directory, 'ca.crt'),
    caKey: join(directory, 'ca.key'),
    serverCertificate: join(directory, 'server.crt'),
    serverKey: join(directory, 'server.key'),
    crl: join(directory, 'crl.pem'),
    index: join(directory, 'index.json'),
    clients: join(directory, 'clients'),
  };
}

export function writeAtomically(path: string, data: string | Uint8Array, mode: number): void {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, data, { mode });
    renameSync(temporary, path);
  } catch (error) {
    // A full disk leaves half a temporary file: remove it; the old file is untouched.
    rmSync(temporary, { force: true });
    throw error;
  }
}

export function readAuthorityIndex(directory: string): AuthorityIndex {
  return JSON.parse(readFileSync(pkiPaths(directory).index, 'utf8')) as AuthorityIndex;
}

export function writeAuthorityIndex(directory: string, index: AuthorityIndex): void {
  writeAtomically(pkiPaths(directory).index, `${JSON.stringify(index, null, 2)}\n`, 0o644);
}
