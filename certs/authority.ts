/**
 * The gateway's certificate authority: creates and opens the CA in its directory (the layout in
 * pki-directory.ts), issues server, client and signing certificates with their keys (and PKCS#12
 * bundles), revokes them and publishes the CRL.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as pkijs from 'pkijs';
import { exportPrivateKey, generateEcKeyPair, importPrivateKey, type Key } from './engine.ts';
import { fromPem, toPem } from './pem.ts';
import {
  certificateDer,
  certificateSerialHex,
  issueCertificate,
  parseCertificateDer,
  type CertificateKind,
} from './x509.ts';
import { describeCrl, issueCrl } from './crl.ts';
import type { SigningProfile } from './verify.ts';
import { buildPkcs12 } from './pkcs12.ts';
import {
  pkiPaths,
  readAuthorityIndex,
  writeAtomically,
  writeAuthorityIndex,
  type AuthorityIndex,
} from './pki-directory.ts';

export interface IssuedFiles {
  readonly certificatePath: string;
  readonly keyPath: string;
  readonly p12Path?: string;
  readonly p12PasswordPath?: string;
  readonly serial: string;
}

const DAY_MS = 86_400_000;

/** The names a server certificate carries unless told otherwise (the demo's, a first `init`). */
export const DEFAULT_SERVER_NAMES: readonly string[] = ['localhost', '127.0.0.1'];

/**
 * The gateway's signing certificates: the signer's CN, and the file name in the PKI directory.
 * Each purpose is a signing profile of its own (certs/verify.ts), its name the certificate's OU.
 */
export const SIGNING_PURPOSES = {
  audit: { id: 'gerbang-audit', file: 'audit-signing' },
  reports: { id: 'gerbang-reports', file: 'report-signing' },
} as const;
export type SigningPurpose = keyof typeof SIGNING_PURPOSES;
const PRINCIPAL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * An operator certificate names the client (app principal) it acts for in a SAN URI, so that
 * enrolling a clerk is issuing a certificate, not editing the configuration; the gateway reads
 * it back (gateway/http/middleware/principal.ts) and the CA vouches for both names at once.
 */
export const OPERATOR_CLIENT_URI_PREFIX = 'urn:gerbang:client:';

/** A signing certificate's role is its purpose, and so its profile: `audit` or `reports`. */
function signingProfileOfRole(role: string): SigningProfile {
  if (role === 'audit' || role === 'reports') return role;
  throw new RangeError('a signing certificate has the role audit or reports');
}

export class CertificateAuthority {
  readonly directory: string;
  private readonly caCertificate: pkijs.Certificate;
  private readonly caKey: Key;

  private constructor(directory: string, caCertificate: pkijs.Certificate, caKey: Key) {
    this.directory = directory;
    this.caCertificate = caCertificate;
    this.caKey = caKey;
  }

  static paths(directory: string): ReturnType<typeof pkiPaths> {
    return pkiPaths(directory);
  }

  static exists(directory: string): boolean {
    return existsSync(CertificateAuthority.paths(directory).caKey);
  }

  /** Creates a new CA with an empty CRL. Refuses to overwrite an existing one. */
  static async create(
    directory: string,
    options: { name?: string; validityDays?: number } = {},
  ): Promise<CertificateAuthority> {
    const paths = CertificateAuthority.paths(directory);
    if (existsSync(paths.caKey)) throw new Error(`a CA already exists in ${directory}`);
    mkdirSync(paths.clients, { recursive: true, mode: 0o700 });
    const keys = await generateEcKeyPair();
    const now = new Date();
    const certificate = await issueCertificate({
      kind: 'ca',
      subject: { commonName: options.name ?? 'Gerbang CA', organization: 'Gerbang' },
      publicKey: keys.publicKey,
      selfSignKey: keys.privateKey,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + (options.validityDays ?? 3650) * DAY_MS),
    });
    writeAtomically(
      paths.caKey,
      toPem(await exportPrivateKey(keys.privateKey), 'PRIVATE KEY'),
      0o600,
    );
    writeAtomically(paths.caCertificate, toPem(certificateDer(certificate), 'CERTIFICATE'), 0o644);
    const authority = new CertificateAuthority(directory, certificate, keys.privateKey);
    authority.writeIndex({ crlNumber: 0, issued: [] });
    await authority.publishCrl();
    return authority;
  }

  static async open(directory: string): Promise<CertificateAuthority> {
    const paths = CertificateAuthority.paths(directory);
    const certificate = parseCertificateDer(
      fromPem(readFileSync(paths.caCertificate, 'utf8'), 'CERTIFICATE'),
    );
    const key = await importPrivateKey(fromPem(readFileSync(paths.caKey, 'utf8'), 'PRIVATE KEY'));
    return new CertificateAuthority(directory, certificate, key);
  }

  get certificate(): pkijs.Certificate {
    return this.caCertificate;
  }

  readIndex(): AuthorityIndex {
    return readAuthorityIndex(this.directory);
  }

  private writeIndex(index: AuthorityIndex): void {
    writeAuthorityIndex(this.directory, index);
  }

  /** The gateway's server certificate (`server.*` unless `basePath` says otherwise). */
  issueServer(
    options: { altNames?: readonly string[]; validityDays?: number; basePath?: string } = {},
  ): Promise<IssuedFiles> {
    return this.issue({
      kind: 'server',
      id: 'gerbang',
      role: 'server',
      altNames: options.altNames ?? DEFAULT_SERVER_NAMES,
      ...(options.validityDays === undefined ? {} : { validityDays: options.validityDays }),
      ...(options.basePath === undefined ? {} : { basePath: options.basePath }),
    });
  }

  /** An audit or report signing certificate (`audit-signing.*`, `report-signing.*` by default). */
  issueSigning(
    purpose: SigningPurpose,
    options: { validityDays?: number; basePath?: string } = {},
  ): Promise<IssuedFiles> {
    const { id, file } = SIGNING_PURPOSES[purpose];
    return this.issue({
      kind: 'signing',
      id,
      role: purpose,
      basePath: options.basePath ?? join(this.directory, file),
      ...(options.validityDays === undefined ? {} : { validityDays: options.validityDays }),
    });
  }

  /**
   * Issues a certificate and writes it with its key. `notBefore`/`notAfter` may be set (tests
   * issue expired and not-yet-valid certificates); by default it is valid from a minute ago.
   */
  async issue(options: {
    readonly kind: Exclude<CertificateKind, 'ca'>;
    readonly id: string;
    /** The OU; a signing certificate's is its purpose, audit or reports (its profile). */
    readonly role: string;
    readonly altNames?: readonly string[];
    readonly validityDays?: number;
    readonly notBefore?: Date;
    readonly notAfter?: Date;
    readonly p12?: boolean;
    /** Role operator: the app principal it acts for, written as a SAN URI (required). */
    readonly client?: string;
    /** Where to write; defaults to clients/<id>.* (server: server.*). */
    readonly basePath?: string;
  }): Promise<IssuedFiles> {
    if (!PRINCIPAL_ID.test(options.id))
      throw new RangeError('the id must be 1–64 characters of [A-Za-z0-9._-]');
    if ((options.role === 'operator') !== (options.client !== undefined))
      throw new RangeError('an operator certificate, and only one, names the client it acts for');
    if (options.client !== undefined && !PRINCIPAL_ID.test(options.client))
      throw new RangeError('the client must be 1–64 characters of [A-Za-z0-9._-]');
    const signingProfile =
      options.kind === 'signing' ? signingProfileOfRole(options.role) : undefined;
    const now = Date.now();
    const notBefore = options.notBefore ?? new Date(now - 60_000);
    const notAfter = options.notAfter ?? new Date(now + (options.validityDays ?? 825) * DAY_MS);
    const keys = await generateEcKeyPair();
    const certificate = await issueCertificate({
      kind: options.kind,
      subject: {
        commonName: options.id,
        organizationalUnit: options.role,
        organization: 'Gerbang',
      },
      publicKey: keys.publicKey,
      issuer: { certificate: this.caCertificate, privateKey: this.caKey },
      notBefore,
      notAfter,
      ...(options.altNames ? { altNames: options.altNames } : {}),
      ...(options.client === undefined
        ? {}
        : { uris: [`${OPERATOR_CLIENT_URI_PREFIX}${options.client}`] }),
      ...(signingProfile === undefined ? {} : { signingProfile }),
    });
    const paths = CertificateAuthority.paths(this.directory);
    const base =
      options.basePath ??
      (options.kind === 'server'
        ? join(this.directory, 'server')
        : join(paths.clients, options.id));
    const pkcs8 = await exportPrivateKey(keys.privateKey);
    const certificatePem = toPem(certificateDer(certificate), 'CERTIFICATE');
    writeAtomically(`${base}.key`, toPem(pkcs8, 'PRIVATE KEY'), 0o600);
    writeAtomically(`${base}.crt`, certificatePem, 0o644);
    const serial = certificateSerialHex(certificate);
    const index = this.readIndex();
    index.issued.push({
      serial,
      id: options.id,
      role: options.role,
      kind: options.kind,
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
      ...(options.client === undefined ? {} : { client: options.client }),
    });
    this.writeIndex(index);
    const files: IssuedFiles = { certificatePath: `${base}.crt`, keyPath: `${base}.key`, serial };
    if (!options.p12) return files;
    const password = randomBytes(12).toString('base64url');
    const p12 = await buildPkcs12({
      privateKeyPkcs8: pkcs8,
      certificate,
      caCertificate: this.caCertificate,
      password,
      friendlyName: options.id,
    });
    writeAtomically(`${base}.p12`, p12, 0o600);
    writeAtomically(`${base}.p12.password`, `${password}\n`, 0o600);
    return { ...files, p12Path: `${base}.p12`, p12PasswordPath: `${base}.p12.password` };
  }

  /**
   * Revokes every unrevoked certificate issued to `id` (or only the one with `serial`) and
   * publishes the CRL; returns the serials revoked.
   */
  async revoke(id: string, options: { serial?: string; at?: Date } = {}): Promise<string[]> {
    const index = this.readIndex();
    const revoked: string[] = [];
    const at = options.at ?? new Date();
    for (const entry of index.issued) {
      if (
        entry.id === id &&
        entry.revokedAt === undefined &&
        (options.serial === undefined || entry.serial === options.serial.toUpperCase())
      ) {
        entry.revokedAt = at.toISOString();
        revoked.push(entry.serial);
      }
    }
    this.writeIndex(index);
    await this.publishCrl();
    return revoked;
  }

  /**
   * Signs and writes a fresh CRL from the index. Its CRL number is above both the index's and the
   * published CRL's (an index restored from a backup must not repeat a number: gateways refuse a
   * CRL older than one they applied, certs/revocation.ts).
   */
  async publishCrl(): Promise<void> {
    const index = this.readIndex();
    index.crlNumber = Math.max(index.crlNumber, this.publishedCrlNumber()) + 1;
    const now = new Date();
    const der = await issueCrl({
      issuer: this.caCertificate,
      issuerKey: this.caKey,
      revoked: index.issued.flatMap((entry) =>
        entry.revokedAt === undefined
          ? []
          : [{ serialHex: entry.serial, revokedAt: new Date(entry.revokedAt) }],
      ),
      crlNumber: index.crlNumber,
      thisUpdate: new Date(now.getTime() - 60_000),
      nextUpdate: new Date(now.getTime() + 30 * DAY_MS),
    });
    this.writeIndex(index);
    writeAtomically(CertificateAuthority.paths(this.directory).crl, toPem(der, 'X509 CRL'), 0o644);
  }

  /** The number of the CRL published in the directory; 0 when there is none to read. */
  private publishedCrlNumber(): number {
    const path = CertificateAuthority.paths(this.directory).crl;
    if (!existsSync(path)) return 0;
    try {
      return Number(describeCrl(fromPem(readFileSync(path, 'utf8'), 'X509 CRL')).crlNumber ?? 0n);
    } catch {
      return 0;
    }
  }
}
