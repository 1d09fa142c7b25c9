/**
 * `gerbang doctor`: what an operator at 2 a.m. needs to know about an instance, each answer a
 * check with a verdict (ok, warn, fail, skip) and one line saying why. Checks only read: the
 * instance's files, its clock against the audit trail, and whether the upstream and the SIEM
 * answer a connection. None of them asks Dukcapil for data or spends quota.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync, statSync, statfsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CertificateRevocationList } from 'pkijs';
import { fromPem } from '../../certs/index.ts';
import { request } from 'undici';
import { agreementPermitsAccess, daysLeft } from '../../policies/index.ts';
import { checkSecretFile, loadConfig, secretPathsOf, type GerbangConfig } from '../config/index.ts';
import { auditDatabasePath } from '../audit-store.ts';
import { PolicyRegistry, StateDb } from '../policy/index.ts';
import { tlsHandshake } from '../tls/probe.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface DoctorThresholds {
  /** Certificates expiring sooner than this are a warning. */
  readonly certificateWarningDays: number;
  /** Free space in the data directory below these is a failure / a warning. */
  readonly diskFailBytes: number;
  readonly diskWarnBytes: number;
  readonly connectTimeoutMs: number;
}

export const DEFAULT_THRESHOLDS: DoctorThresholds = {
  certificateWarningDays: 30,
  diskFailBytes: 512 * 1024 ** 2,
  diskWarnBytes: 2 * 1024 ** 3,
  connectTimeoutMs: 3000,
};

export interface DoctorContext {
  readonly configPath: string;
  readonly dataDir: string;
  readonly now: number;
  readonly thresholds: DoctorThresholds;
}

const DAY_MS = 86_400_000;
const result = (check: string, status: CheckStatus, detail: string): CheckResult => ({
  check,
  status,
  detail,
});

/** The configuration, through the same loader the gateway uses. */
export function checkConfiguration(context: DoctorContext): {
  result: CheckResult;
  config?: GerbangConfig;
} {
  try {
    // Secret files get their own check (key file modes), so that one bad mode hides nothing.
    const config = loadConfig(context.configPath, { checkSecrets: false });
    return {
      config,
      result: result(
        'configuration',
        'ok',
        `${context.configPath} is valid: ${Object.keys(config.principals).length} principals, ${config.agreements.length} agreement(s)`,
      ),
    };
  } catch (error) {
    return { result: result('configuration', 'fail', (error as Error).message) };
  }
}

/** Secrets readable by their owner only; the state directory closed to others. */
export function checkKeyFileModes(config: GerbangConfig, context: DoctorContext): CheckResult {
  const problems: string[] = [];
  for (const [key, path] of secretPathsOf(config)) {
    try {
      checkSecretFile(path);
    } catch (error) {
      problems.push(`${key}: ${(error as Error).message}`);
    }
  }
  const dataMode = statSync(context.dataDir).mode & 0o777;
  if ((dataMode & 0o007) !== 0)
    problems.push(
      `the data directory ${context.dataDir} is open to others (mode ${dataMode.toString(8)}); run: chmod 700 ${context.dataDir}`,
    );
  return problems.length > 0
    ? result('key file modes', 'fail', problems.join('; '))
    : result(
        'key file modes',
        'ok',
        `${secretPathsOf(config).length} secret files readable by their owner only`,
      );
}

/** When the CRL says a fresher one is due, or undefined when it cannot be read. */
function nextUpdateOf(path: string): number | undefined {
  try {
    const crl = CertificateRevocationList.fromBER(fromPem(readFileSync(path, 'utf8'), 'X509 CRL'));
    return crl.nextUpdate?.value.getTime() ?? Number.POSITIVE_INFINITY;
  } catch {
    return undefined;
  }
}

/** Every certificate the instance relies on, for dates; the server's for its key; the CRL's age. */
export function checkCertificates(config: GerbangConfig, context: DoctorContext): CheckResult {
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
    const notAfter = Date.parse(certificate.validTo);
    const days = Math.floor((notAfter - context.now) / DAY_MS);
    if (context.now < Date.parse(certificate.validFrom)) failures.push(`${key} is not valid yet`);
    else if (context.now >= notAfter)
      failures.push(`${key} expired on ${new Date(notAfter).toISOString().slice(0, 10)}`);
    else if (days < context.thresholds.certificateWarningDays)
      warnings.push(
        `${key} expires in ${days} days (${new Date(notAfter).toISOString().slice(0, 10)})`,
      );
    if (soonest === undefined || days < soonest.days) soonest = { key, days };
  }
  const crlNextUpdate = nextUpdateOf(config.server.crlFile);
  if (crlNextUpdate === undefined) failures.push(`server.crlFile cannot be read as a CRL`);
  else if (context.now >= crlNextUpdate)
    warnings.push(
      `the CRL was due for renewal on ${new Date(crlNextUpdate).toISOString().slice(0, 10)}: publish a fresh one (gerbang certs crl) and copy it to server.crlFile`,
    );
  try {
    if (server?.checkPrivateKey(createPrivateKey(readFileSync(config.server.keyFile))) === false)
      failures.push('server.keyFile is not the key of server.certFile');
  } catch {
    // An unreadable key is reported by the key file check.
  }
  const status = failures.length > 0 ? 'fail' : warnings.length > 0 ? 'warn' : 'ok';
  return result(
    'certificates',
    status,
    status === 'ok'
      ? `${files.length} certificates valid; the first to expire is ${soonest?.key ?? '-'} in ${soonest?.days ?? 0} days`
      : [...failures, ...warnings].join('; '),
  );
}

/** The wall clock against the newest audit record, and NTP where systemd can tell. */
export function checkClock(config: GerbangConfig, context: DoctorContext): CheckResult {
  const path = auditDatabasePath(config, context.dataDir);
  let newest: number | undefined;
  if (existsSync(path)) {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT time FROM audit_records ORDER BY seq DESC LIMIT 1').get() as
        { time: string } | undefined;
      newest = row === undefined ? undefined : Date.parse(row.time);
    } finally {
      db.close();
    }
  }
  if (newest !== undefined && context.now < newest)
    return result(
      'clock',
      'fail',
      `the clock is ${Math.ceil((newest - context.now) / 1000)} s behind the newest audit record (${new Date(newest).toISOString()}): data requests are refused until it is corrected (chrony)`,
    );
  const ntp = spawnSync('timedatectl', ['show', '--property=NTPSynchronized', '--value'], {
    encoding: 'utf8',
    timeout: 2000,
  });
  const synchronised = ntp.status === 0 ? ntp.stdout.trim() : 'unknown';
  const against =
    newest === undefined
      ? 'no audit record yet'
      : `ahead of the newest audit record by ${Math.round((context.now - newest) / 1000)} s`;
  if (synchronised === 'no')
    return result(
      'clock',
      'warn',
      `${against}, but the system clock is not NTP-synchronised (timedatectl); see docs/operations.md, "Clock"`,
    );
  return result(
    'clock',
    'ok',
    `${against}; NTP synchronised: ${synchronised === 'yes' ? 'yes' : 'unknown (timedatectl unavailable)'}`,
  );
}

/** A connection to Dukcapil's address: any HTTP answer will do; no method is called. */
export async function checkUpstream(
  config: GerbangConfig,
  context: DoctorContext,
): Promise<CheckResult> {
  const started = performance.now();
  try {
    const response = await request(config.upstream.baseUrl, {
      method: 'GET',
      headersTimeout: context.thresholds.connectTimeoutMs,
      bodyTimeout: context.thresholds.connectTimeoutMs,
      signal: AbortSignal.timeout(context.thresholds.connectTimeoutMs),
    });
    await response.body.dump();
    return result(
      'upstream',
      'ok',
      `${config.upstream.baseUrl} answers (HTTP ${response.statusCode} in ${Math.round(performance.now() - started)} ms)`,
    );
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${context.thresholds.connectTimeoutMs} ms`
        : ((error as NodeJS.ErrnoException).code ?? (error as Error).name);
    return result('upstream', 'fail', `${config.upstream.baseUrl} cannot be reached (${reason})`);
  }
}

/** A mutual-TLS handshake with the SIEM, with the certificate the forwarder uses. */
export async function checkSiem(
  config: GerbangConfig,
  context: DoctorContext,
): Promise<CheckResult> {
  const siem = config.siem;
  if (siem === undefined)
    return result(
      'siem',
      'warn',
      'no SIEM configured: the audit trail has no copy off this machine (ISO 27001 8.15)',
    );
  const outcome = await tlsHandshake(
    {
      host: siem.host,
      port: siem.port,
      ca: readFileSync(siem.caFile),
      cert: readFileSync(siem.certFile),
      key: readFileSync(siem.keyFile),
      ...(siem.serverName === undefined ? {} : { servername: siem.serverName }),
    },
    context.thresholds.connectTimeoutMs,
  );
  return outcome.ok
    ? result('siem', 'ok', `${siem.host}:${siem.port} accepts the gateway over TLS`)
    : result(
        'siem',
        'fail',
        `${siem.host}:${siem.port} cannot be reached over TLS (${outcome.reason})`,
      );
}

/** Free space where the audit trail grows. */
export function checkDiskSpace(context: DoctorContext): CheckResult {
  const stats = statfsSync(context.dataDir);
  const free = stats.bavail * stats.bsize;
  const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  const detail = `${gib(free)} free in ${context.dataDir}`;
  if (free < context.thresholds.diskFailBytes)
    return result(
      'disk space',
      'fail',
      `${detail}: below ${gib(context.thresholds.diskFailBytes)}, audit writes will soon fail and data requests with them`,
    );
  if (free < context.thresholds.diskWarnBytes)
    return result(
      'disk space',
      'warn',
      `${detail}: below ${gib(context.thresholds.diskWarnBytes)}`,
    );
  return result('disk space', 'ok', detail);
}

/** The agreement in force, with the instance's terminations and renewals. */
export function checkAgreement(config: GerbangConfig, context: DoctorContext): CheckResult {
  const state = new StateDb(join(context.dataDir, 'state.db'));
  try {
    const inForce = new PolicyRegistry(config, state).inForce(context.now);
    if (inForce === undefined)
      return result('agreement', 'fail', 'no agreement is configured: no data may flow');
    const { terms } = inForce;
    const left = daysLeft(terms, context.now);
    if (!agreementPermitsAccess(inForce.state))
      return result(
        'agreement',
        'fail',
        `${terms.number} is ${inForce.state}: no data may flow and every reader is deactivated`,
      );
    if (inForce.state === 'expiring')
      return result(
        'agreement',
        'warn',
        `${terms.number} ends in ${left} days (${terms.validUntil}): prepare the renewal (gerbang admin renew)`,
      );
    return result('agreement', 'ok', `${terms.number} is active, ${left} days left`);
  } finally {
    state.close();
  }
}

/** Every check, in the order an operator reads them. */
export async function runDoctor(context: DoctorContext): Promise<CheckResult[]> {
  const { result: configuration, config } = checkConfiguration(context);
  if (config === undefined) {
    const skipped = ['key file modes', 'certificates', 'clock', 'upstream', 'siem', 'agreement'];
    return [
      configuration,
      ...skipped.map((check) => result(check, 'skip', 'the configuration is not valid')),
      checkDiskSpace(context),
    ];
  }
  const guard = (check: string, run: () => CheckResult): CheckResult => {
    try {
      return run();
    } catch (error) {
      return result(check, 'fail', (error as Error).message);
    }
  };
  return [
    configuration,
    guard('key file modes', () => checkKeyFileModes(config, context)),
    guard('certificates', () => checkCertificates(config, context)),
    guard('clock', () => checkClock(config, context)),
    await checkUpstream(config, context),
    await checkSiem(config, context).catch((error: unknown) =>
      result('siem', 'fail', (error as Error).message),
    ),
    guard('disk space', () => checkDiskSpace(context)),
    guard('agreement', () => checkAgreement(config, context)),
  ];
}

/** The worst verdict: any failure fails, else any warning warns. */
export function overall(results: readonly CheckResult[]): CheckStatus {
  const statuses = results.map((r) => r.status);
  return statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'ok';
}
