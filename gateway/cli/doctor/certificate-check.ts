/**
 * The doctor's check of the certificates the instance relies on: each readable and within its
 * validity (a warning when it ends soon), the signing certificates of their own profile
 * (signing-profile-check.ts), the server's key the key of its certificate, and the CRL usable as
 * the gateway judges it (crl-check.ts).
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { validityPeriod } from '../../../certs/index.ts';
import type { GerbangConfig } from '../../config/index.ts';
import { DAY_MS, result, type CheckResult, type DoctorContext } from './context.ts';
import { judgeRevocationList } from './crl-check.ts';
import { judgeSigningProfile } from './signing-profile-check.ts';

/** Every certificate the instance relies on, for dates; the server's for its key; the CRL. */
export async function checkCertificates(
  config: GerbangConfig,
  context: DoctorContext,
): Promise<CheckResult> {
  const configured: Record<string, string | undefined> = {
    'server.certFile': config.server.certFile,
    'server.clientCaFile': config.server.clientCaFile,
    'audit.signingCertFile': config.audit.signingCertFile,
    'reports.signingCertFile': config.reports?.signingCertFile,
    'siem.certFile': config.siem?.certFile,
    'siem.caFile': config.siem?.caFile,
    'readers.samCaFile': config.readers?.samCaFile,
    'readers.cardIssuerCertFile': config.readers?.cardIssuerCertFile,
  };
  const files = Object.entries(configured).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  const failures: string[] = [];
  const warnings: string[] = [];
  let soonest: { key: string; days: number } | undefined;
  let server: X509Certificate | undefined;
  for (const [key, path] of files) {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(readFileSync(path));
    } catch (error) {
      failures.push(
        `${key} (${path}) cannot be read as a certificate: ${(error as Error).message}`,
      );
      continue;
    }
    if (key === 'server.certFile') server = certificate;
    const profile = judgeSigningProfile(key, certificate);
    if (profile !== undefined)
      (profile.status === 'fail' ? failures : warnings).push(profile.detail);
    const { notBefore, notAfter } = validityPeriod(certificate);
    const days = Math.floor((notAfter - context.now) / DAY_MS);
    if (context.now < notBefore) failures.push(`${key} is not valid yet`);
    // Reported expired from notAfter on, a millisecond before validityAt (RFC 5280: notAfter
    // inclusive) refuses it; at the doctor's scale of days, the same.
    else if (context.now >= notAfter)
      failures.push(`${key} expired on ${new Date(notAfter).toISOString().slice(0, 10)}`);
    else if (days < context.thresholds.certificateWarningDays)
      warnings.push(
        `${key} expires in ${days} days (${new Date(notAfter).toISOString().slice(0, 10)})`,
      );
    if (soonest === undefined || days < soonest.days) soonest = { key, days };
  }
  try {
    if (server?.checkPrivateKey(createPrivateKey(readFileSync(config.server.keyFile))) === false)
      failures.push('server.keyFile is not the key of server.certFile');
  } catch {
    // An unreadable key is reported by the key file check.
  }
  const crl = await judgeRevocationList(config, context);
  if (crl.status === 'fail') failures.push(crl.detail);
  else if (crl.status === 'warn') warnings.push(crl.detail);
  const status = failures.length > 0 ? 'fail' : warnings.length > 0 ? 'warn' : 'ok';
  return result(
    'certificates',
    status,
    status === 'ok'
      ? `${files.length} certificates valid; the first to expire is ${soonest?.key ?? '-'} in ${soonest?.days ?? 0} days; ${crl.detail}`
      : [...failures, ...warnings].join('; '),
  );
}
