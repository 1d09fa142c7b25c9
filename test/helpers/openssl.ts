/**
 * The evaluator's verification, exactly as docs/reports.md prints it:
 * `openssl cms -verify -binary -inform DER -in report.p7s -content report.json -CAfile ca.crt`,
 * with OpenSSL's default purpose (smimesign: the signer must carry emailProtection, as only the
 * report signing certificate does). Status 0 means the content is unchanged and signed under the
 * CA by a certificate meant for it.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function opensslCmsVerify(
  files: {
    signature: string;
    content: string;
    caFile: string;
  },
  /** Options after the documented ones (the attack suite's `-purpose any`, once documented). */
  extraOptions: readonly string[] = [],
): SpawnSyncReturns<string> {
  return spawnSync(
    'openssl',
    [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      files.signature,
      '-content',
      files.content,
      '-CAfile',
      files.caFile,
      ...extraOptions,
      '-out',
      '/dev/null',
    ],
    { encoding: 'utf8' },
  );
}

/**
 * A certificate issued by the CA in `caDirectory` with stock OpenSSL, of any subject and extended
 * key usage: what the gateway's CA no longer issues (the old codeSigning-only signing profile, a
 * certificate with two purposes), for tests that such a certificate is judged as it should be.
 * Returns the paths of the certificate and its key (`base`.crt, `base`.key).
 */
export function opensslIssueCertificate(options: {
  readonly caDirectory: string;
  /** OpenSSL's form, e.g. `/O=Gerbang/OU=audit/CN=gerbang-audit`. */
  readonly subject: string;
  /** OpenSSL's form, e.g. `codeSigning` or `emailProtection,1.2.3.4`. */
  readonly extendedKeyUsage: string;
  readonly base: string;
}): { readonly certificatePath: string; readonly keyPath: string } {
  const config = `${options.base}.cnf`;
  writeFileSync(
    config,
    [
      '[req]',
      'distinguished_name = dn',
      '[dn]',
      '[ext]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature',
      `extendedKeyUsage = ${options.extendedKeyUsage}`,
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '',
    ].join('\n'),
  );
  const certificatePath = `${options.base}.crt`;
  const keyPath = `${options.base}.key`;
  const run = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-config',
      config,
      '-extensions',
      'ext',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyPath,
      '-subj',
      options.subject,
      '-CA',
      join(options.caDirectory, 'ca.crt'),
      '-CAkey',
      join(options.caDirectory, 'ca.key'),
      '-days',
      '30',
      '-out',
      certificatePath,
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`openssl req failed: ${run.stderr}`);
  return { certificatePath, keyPath };
}
