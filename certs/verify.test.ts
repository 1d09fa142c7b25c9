/** The certificate checks of verify.ts on certificates of a real CA: issued, expired, signing. */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from './authority.ts';
import {
  AUDIT_SIGNING_EKU,
  EXTENDED_KEY_USAGE,
  hasExtendedKeyUsage,
  isIssuedBy,
  sha256Fingerprint,
  sha256FingerprintWithColons,
  validityAt,
  validityPeriod,
} from './verify.ts';

let dir: string;
let ca: X509Certificate;
let otherCa: X509Certificate;
let signing: X509Certificate;
let server: X509Certificate;
const read = (path: string) => new X509Certificate(readFileSync(path));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gerbang-verify-'));
  const authority = await CertificateAuthority.create(join(dir, 'a'));
  const other = await CertificateAuthority.create(join(dir, 'b'));
  ca = read(CertificateAuthority.paths(authority.directory).caCertificate);
  otherCa = read(CertificateAuthority.paths(other.directory).caCertificate);
  signing = read((await authority.issueSigning('audit')).certificatePath);
  server = read((await authority.issueServer()).certificatePath);
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

  it('extended key usage: a signing certificate is an audit signer, a server one is not', () => {
    expect(hasExtendedKeyUsage(signing, AUDIT_SIGNING_EKU)).toBe(true);
    expect(hasExtendedKeyUsage(server, AUDIT_SIGNING_EKU)).toBe(false);
    expect(hasExtendedKeyUsage(server, EXTENDED_KEY_USAGE.serverAuth)).toBe(true);
    // The CA carries no extended key usage at all.
    expect(hasExtendedKeyUsage(ca, AUDIT_SIGNING_EKU)).toBe(false);
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
