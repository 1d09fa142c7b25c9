import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opensslCmsVerify } from '../test/helpers/openssl.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from './index.ts';
import { signDetached, verifyDetached } from './cms.ts';

const dir = mkdtempSync(join(tmpdir(), 'gerbang-cms-'));
let caPem: string;
let certificatePem: string;
let privateKeyPem: string;
beforeAll(async () => {
  const authority = await CertificateAuthority.create(join(dir, 'pki'));
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
    expect(await verifyDetached(signature, report, caPem)).toEqual({
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
});
