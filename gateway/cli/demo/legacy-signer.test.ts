/** A demo instance made before key purposes were bound gets a report signer of today's profile. */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from '../../../test/helpers/temp-dir.ts';
import { opensslIssueCertificate } from '../../../test/helpers/openssl.ts';
import { CertificateAuthority, signingProfileMatch } from '../../../certs/index.ts';
import { renewLegacyDemoReportSigner } from './instance.ts';

const dir = fileTempDir('gerbang-legacy-signer-');
const profileOf = (path: string) =>
  signingProfileMatch(new X509Certificate(readFileSync(path)), 'reports');

describe('the demo report signer', () => {
  it('of the old profile (codeSigning) is reissued in place; of the current one, left alone', async () => {
    const pki = join(dir, 'pki');
    const authority = await CertificateAuthority.create(pki);
    const { certificatePath } = opensslIssueCertificate({
      caDirectory: pki,
      subject: '/O=Gerbang/OU=reports/CN=gerbang-reports',
      extendedKeyUsage: 'codeSigning',
      base: join(pki, 'report-signing'),
    });
    expect(profileOf(certificatePath)).toBe('legacy');
    expect(await renewLegacyDemoReportSigner(pki, Date.now())).toBe(true);
    expect(profileOf(certificatePath)).toBe('current');
    const renewed = readFileSync(certificatePath, 'utf8');
    expect(await renewLegacyDemoReportSigner(pki, Date.now())).toBe(false);
    expect(readFileSync(certificatePath, 'utf8')).toBe(renewed);
    // The new certificate lasts no longer than its CA.
    const caEnds = Date.parse(
      new X509Certificate(readFileSync(join(authority.directory, 'ca.crt'))).validTo,
    );
    expect(Date.parse(new X509Certificate(renewed).validTo)).toBeLessThanOrEqual(caEnds);
  });

  it('is not there: nothing to do', async () => {
    const pki = join(dir, 'pki-none');
    await CertificateAuthority.create(pki);
    expect(await renewLegacyDemoReportSigner(pki, Date.now())).toBe(false);
  });
});
