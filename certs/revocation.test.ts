/**
 * The gateway's view of the CRL (CrlFile): a revocation applies at the first check a second or
 * more after the last one, and not before; an unreadable CRL leaves every status unknown. The
 * clock is the test's own, so that no test waits for the second to pass.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileTempDir } from '../test/helpers/temp-dir.ts';
import { CertificateAuthority } from './authority.ts';
import { fromPem } from './pem.ts';
import { CrlFile } from './revocation.ts';
import { parseCertificateDer } from './x509.ts';

const dir = fileTempDir('gerbang-revocation-');
let authority: CertificateAuthority;
beforeAll(async () => {
  authority = await CertificateAuthority.create(join(dir, 'pki'));
});

/** A CrlFile over the authority's CRL (or `path`) whose clock only moves when the test says. */
function crlFile(path = CertificateAuthority.paths(authority.directory).crl) {
  const clock = { now: 1_000_000 };
  const errors: string[] = [];
  const caPem = readFileSync(CertificateAuthority.paths(authority.directory).caCertificate, 'utf8');
  const file = new CrlFile(
    path,
    parseCertificateDer(fromPem(caPem, 'CERTIFICATE')),
    (reason) => errors.push(reason),
    () => clock.now,
  );
  return { file, clock, errors };
}

async function issuedSerial(id: string): Promise<string> {
  await authority.issue({ kind: 'client', id, role: 'app' });
  return authority.readIndex().issued.at(-1)?.serial ?? '';
}

describe('CrlFile', () => {
  it('applies a revocation at the first check a second after the last, not before', async () => {
    const serial = await issuedSerial('app-dicabut');
    const { file, clock } = crlFile();
    expect(await file.status(serial)).toBe('good');
    await authority.revoke('app-dicabut', { serial });
    clock.now += 999;
    expect(await file.status(serial)).toBe('good');
    clock.now += 1;
    expect(await file.status(serial)).toBe('revoked');
    expect(file.healthy()).toBe(true);
  });

  it('re-reads at once when forced', async () => {
    const serial = await issuedSerial('app-dipaksa');
    const { file } = crlFile();
    expect(await file.status(serial)).toBe('good');
    await authority.revoke('app-dipaksa', { serial });
    await file.refresh(true);
    expect(await file.status(serial)).toBe('revoked');
  });

  it('knows nothing, and says why, when the CRL does not verify', async () => {
    const path = join(dir, 'broken.crl');
    writeFileSync(path, '-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n');
    const { file, errors } = crlFile(path);
    expect(await file.status('01')).toBe('unknown');
    expect(file.healthy()).toBe(false);
    expect(errors).toHaveLength(1);
    rmSync(path);
  });
});
