import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opensslCmsVerify, opensslIssueCertificate } from '../test/helpers/openssl.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from './index.ts';
import { signDetached, verifyDetached } from './cms.ts';

const dir = mkdtempSync(join(tmpdir(), 'gerbang-cms-'));
let caPem: string;
let certificatePem: string;
let privateKeyPem: string;
let authority: CertificateAuthority;
beforeAll(async () => {
  authority = await CertificateAuthority.create(join(dir, 'pki'));
  const files = await authority.issue({
    kind: 'signing',
    id: 'gerbang-reports',
    role: 'reports',
    basePath: join(dir, 'reports'),
  });
  caPem = readFileSync(join(dir, 'pki/ca.crt'), 'utf8');
  certificatePem = readFileSync(files.certificatePath, 'utf8');
  privateKeyPem = readFileSync(files.keyPath, 'utf8');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const openssl = (signature: string, content: string) =>
  opensslCmsVerify({ signature, content, caFile: join(dir, 'pki/ca.crt') });

/** The signing key and certificate of `files`, as signDetached takes them. */
const signerOf = (files: { certificatePath: string; keyPath: string }) => ({
  certificatePem: readFileSync(files.certificatePath, 'utf8'),
  privateKeyPem: readFileSync(files.keyPath, 'utf8'),
});

describe('detached CMS signatures', () => {
  it('verify with stock OpenSSL, and fail when one digit of the report changes', async () => {
    const report = Buffer.from(JSON.stringify({ lookups: 1234, semester: '2026-1' }));
    writeFileSync(join(dir, 'report.json'), report);
    writeFileSync(
      join(dir, 'report.p7s'),
      await signDetached(report, { certificatePem, privateKeyPem }),
    );
    const good = openssl(join(dir, 'report.p7s'), join(dir, 'report.json'));
    expect(good.stderr).toContain('Verification successful');
    expect(good.status).toBe(0);
    writeFileSync(
      join(dir, 'changed.json'),
      Buffer.from(report.toString().replace('1234', '1235')),
    );
    const bad = openssl(join(dir, 'report.p7s'), join(dir, 'changed.json'));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/digest failure|Verification failure/);
  });

  it('verify in Gerbang too, against the CA only', async () => {
    const report = Buffer.from('{"a":1}');
    const signature = await signDetached(report, { certificatePem, privateKeyPem });
    expect(await verifyDetached(signature, report, caPem, { profile: 'reports' })).toEqual({
      ok: true,
      signer: 'gerbang-reports',
    });
    expect((await verifyDetached(signature, Buffer.from('{"a":2}'), caPem)).ok).toBe(false);
    const other = await CertificateAuthority.create(join(dir, 'other'));
    expect(
      (
        await verifyDetached(
          signature,
          report,
          readFileSync(join(other.directory, 'ca.crt'), 'utf8'),
        )
      ).ok,
    ).toBe(false);
  });

  it('refuse a report re-signed by another key of the same CA: an app, the audit signer', async () => {
    const report = Buffer.from('{"lookups":1}');
    writeFileSync(join(dir, 'resigned.json'), report);
    const others = {
      app: await authority.issue({ kind: 'client', id: 'app-kasir', role: 'app' }),
      audit: await authority.issueSigning('audit', { basePath: join(dir, 'audit-signing') }),
    };
    for (const [name, files] of Object.entries(others)) {
      const signature = await signDetached(report, signerOf(files));
      const verdict = await verifyDetached(signature, report, caPem);
      expect(verdict.ok, name).toBe(false);
      expect(verdict.reason).toMatch(/is not a report signing certificate/);
      writeFileSync(join(dir, `resigned-${name}.p7s`), signature);
      const stock = openssl(join(dir, `resigned-${name}.p7s`), join(dir, 'resigned.json'));
      expect(stock.status, name).not.toBe(0);
      expect(stock.stderr).toMatch(/unsuitable certificate purpose/);
    }
  });

  it('accept the old profile (codeSigning, OU reports) in Gerbang with a note; stock OpenSSL does not', async () => {
    const report = Buffer.from('{"lookups":2}');
    writeFileSync(join(dir, 'legacy.json'), report);
    const legacy = opensslIssueCertificate({
      caDirectory: authority.directory,
      subject: '/O=Gerbang/OU=reports/CN=gerbang-reports',
      extendedKeyUsage: 'codeSigning',
      base: join(dir, 'legacy-reports'),
    });
    const signature = await signDetached(report, signerOf(legacy));
    expect(await verifyDetached(signature, report, caPem)).toEqual({
      ok: true,
      signer: 'gerbang-reports',
      legacyProfile: true,
    });
    writeFileSync(join(dir, 'legacy.p7s'), signature);
    const stock = openssl(join(dir, 'legacy.p7s'), join(dir, 'legacy.json'));
    expect(stock.status).not.toBe(0);
    expect(stock.stderr).toMatch(/unsuitable certificate purpose/);
    // The old audit signer (codeSigning, OU audit) never signs a report.
    const legacyAudit = opensslIssueCertificate({
      caDirectory: authority.directory,
      subject: '/O=Gerbang/OU=audit/CN=gerbang-audit',
      extendedKeyUsage: 'codeSigning',
      base: join(dir, 'legacy-audit'),
    });
    const byAudit = await signDetached(report, signerOf(legacyAudit));
    expect((await verifyDetached(byAudit, report, caPem)).ok).toBe(false);
  });
});
