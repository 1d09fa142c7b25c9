/**
 * The evaluator's verification, exactly as docs/reports.md prints it:
 * `openssl cms -verify -binary -inform DER -in report.p7s -content report.json -CAfile ca.crt
 * -purpose any`. Status 0 means the content is unchanged and signed under the CA.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

export function opensslCmsVerify(files: {
  signature: string;
  content: string;
  caFile: string;
}): SpawnSyncReturns<string> {
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
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ],
    { encoding: 'utf8' },
  );
}
