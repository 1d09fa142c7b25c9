/**
 * The certificate checks of verify.ts on certificates of a real CA: issued, expired, and the
 * signing profiles (which key signs what), against every kind the CA issues and against what it
 * no longer issues (the old codeSigning profile, two purposes in one certificate: stock OpenSSL).
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from './authority.ts';
import { opensslIssueCertificate } from '../test/helpers/openssl.ts';
import {
  EXTENDED_KEY_USAGE,
  GERBANG_OID_ARC,
  hasExtendedKeyUsage,
  isIssuedBy,
  isSigningCertificateFor,
  signingProfileMatch,
  sha256Fingerprint,
  sha256FingerprintWithColons,
  validityAt,
  validityPeriod,
} from './verify.ts';

let dir: string;
let ca: X509Certificate;
let otherCa: X509Certificate;
let signing: X509Certificate;
let reportSigning: X509Certificate;
let server: X509Certificate;
let client: X509Certificate;
/** Issued with OpenSSL by the same CA: what Gerbang's CA does not issue (any more). */
let legacyAudit: X509Certificate;
let legacyReports: X509Certificate;
let legacyClient: X509Certificate;
let bothPurposes: X509Certificate;
let reportAndClient: X509Certificate;
const read = (path: string) => new X509Certificate(readFileSync(path));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gerbang-verify-'));
  const authority = await CertificateAuthority.create(join(dir, 'a'));
  const other = await CertificateAuthority.create(join(dir, 'b'));
  ca = read(CertificateAuthority.paths(authority.directory).caCertificate);
  otherCa = read(CertificateAuthority.paths(other.directory).caCertificate);
  signing = read((await authority.issueSigning('audit')).certificatePath);
  reportSigning = read((await authority.issueSigning('reports')).certificatePath);
  server = read((await authority.issueServer()).certificatePath);
  client = read(
    (await authority.issue({ kind: 'client', id: 'app-kasir', role: 'app' })).certificatePath,
  );
  const byOpenssl = (name: string, subject: string, extendedKeyUsage: string) =>
    read(
      opensslIssueCertificate({
        caDirectory: authority.directory,
        subject,
        extendedKeyUsage,
        base: join(dir, name),
      }).certificatePath,
    );
  legacyAudit = byOpenssl('legacy-audit', '/O=Gerbang/OU=audit/CN=gerbang-audit', 'codeSigning');
  legacyReports = byOpenssl(
    'legacy-reports',
    '/O=Gerbang/OU=reports/CN=gerbang-reports',
    'codeSigning',
  );
  legacyClient = byOpenssl('legacy-client', '/O=Gerbang/OU=app/CN=app-x', 'codeSigning');
  bothPurposes = byOpenssl(
    'both',
    '/O=Gerbang/OU=audit/CN=gerbang-both',
    `${EXTENDED_KEY_USAGE.gerbangAuditSigning},emailProtection,${EXTENDED_KEY_USAGE.gerbangReportSigning}`,
  );
  reportAndClient = byOpenssl(
    'report-client',
    '/O=Gerbang/OU=reports/CN=gerbang-reports',
    `emailProtection,${EXTENDED_KEY_USAGE.gerbangReportSigning},clientAuth`,
  );
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('certificate checks', () => {
  it('issued by: the CA that signed it, not another CA with a name of its own', () => {
    expect(isIssuedBy(signing, ca)).toBe(true);
    expect(isIssuedBy(signing, otherCa)).toBe(false);
    expect(isIssuedBy(ca, ca)).toBe(true);
  });

  it('extended key usage: the audit signer carries only its own, a server certificate serverAuth', () => {
    expect(hasExtendedKeyUsage(signing, EXTENDED_KEY_USAGE.gerbangAuditSigning)).toBe(true);
    expect(hasExtendedKeyUsage(signing, EXTENDED_KEY_USAGE.codeSigning)).toBe(false);
    expect(hasExtendedKeyUsage(server, EXTENDED_KEY_USAGE.gerbangAuditSigning)).toBe(false);
    expect(hasExtendedKeyUsage(server, EXTENDED_KEY_USAGE.serverAuth)).toBe(true);
    // The CA carries no extended key usage at all.
    expect(hasExtendedKeyUsage(ca, EXTENDED_KEY_USAGE.gerbangAuditSigning)).toBe(false);
  });

  it('validity at an instant: both ends of the period belong to it', () => {
    const { notBefore, notAfter } = validityPeriod(server);
    expect(validityAt(server, notBefore - 1)).toBe('not_yet_valid');
    expect(validityAt(server, notBefore)).toBe('valid');
    expect(validityAt(server, notAfter)).toBe('valid');
    expect(validityAt(server, notAfter + 1)).toBe('expired');
  });

  it('fingerprints: SHA-256 of the DER, plain lower-case hex and as Node prints it', () => {
    expect(sha256Fingerprint(server.raw)).toMatch(/^[0-9a-f]{64}$/);
    expect(sha256FingerprintWithColons(server.raw)).toBe(server.fingerprint256);
    expect(sha256FingerprintWithColons(server.raw).replaceAll(':', '').toLowerCase()).toBe(
      sha256Fingerprint(server.raw),
    );
  });
});

describe('signing profiles', () => {
  it("Gerbang's usages lie under its UUID arc, one OID each", () => {
    expect(GERBANG_OID_ARC).toMatch(/^2\.25\.\d{30,39}$/);
    expect(EXTENDED_KEY_USAGE.gerbangAuditSigning).toBe(`${GERBANG_OID_ARC}.1.1`);
    expect(EXTENDED_KEY_USAGE.gerbangReportSigning).toBe(`${GERBANG_OID_ARC}.1.2`);
  });

  it('the CA issues each signer with exactly its profile: the report signer with emailProtection too', () => {
    expect(signing.keyUsage).toEqual([EXTENDED_KEY_USAGE.gerbangAuditSigning]);
    expect([...reportSigning.keyUsage].sort()).toEqual(
      [EXTENDED_KEY_USAGE.emailProtection, EXTENDED_KEY_USAGE.gerbangReportSigning].sort(),
    );
  });

  it('the audit profile: the audit signer only; not the report signer, a client, the server, the CA', () => {
    expect(signingProfileMatch(signing, 'audit')).toBe('current');
    for (const other of [reportSigning, client, server, ca])
      expect(signingProfileMatch(other, 'audit')).toBe('wrong');
  });

  it('the report profile: the report signer only; not the audit signer, a client, the server, the CA', () => {
    expect(signingProfileMatch(reportSigning, 'reports')).toBe('current');
    for (const other of [signing, client, server, ca])
      expect(signingProfileMatch(other, 'reports')).toBe('wrong');
  });

  it('a certificate with two purposes is of neither profile, nor one with a usage more', () => {
    expect(signingProfileMatch(bothPurposes, 'audit')).toBe('wrong');
    expect(signingProfileMatch(bothPurposes, 'reports')).toBe('wrong');
    expect(signingProfileMatch(reportAndClient, 'reports')).toBe('wrong');
  });

  it('the old profile (codeSigning alone) is legacy for the purpose in its OU, and for no other', () => {
    expect(signingProfileMatch(legacyAudit, 'audit')).toBe('legacy');
    expect(signingProfileMatch(legacyAudit, 'reports')).toBe('wrong');
    expect(signingProfileMatch(legacyReports, 'reports')).toBe('legacy');
    expect(signingProfileMatch(legacyReports, 'audit')).toBe('wrong');
    expect(signingProfileMatch(legacyClient, 'audit')).toBe('wrong');
    expect(signingProfileMatch(legacyClient, 'reports')).toBe('wrong');
    expect(isSigningCertificateFor(legacyAudit, 'audit')).toBe(true);
    expect(isSigningCertificateFor(legacyReports, 'audit')).toBe(false);
  });

  it('the CA refuses to issue a signing certificate for anything but audit or reports', async () => {
    const authority = await CertificateAuthority.open(join(dir, 'a'));
    await expect(authority.issue({ kind: 'signing', id: 'x', role: 'app' })).rejects.toThrow(
      /role audit or reports/,
    );
  });
});
