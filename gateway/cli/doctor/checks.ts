/**
 * `gerbang doctor`: what an operator at 2 a.m. needs to know about an instance, each answer a
 * check with a verdict (ok, warn, fail, skip) and one line saying why. Checks only read: the
 * instance's files (never creating one), its clock against the audit trail, whether
 * its gateway answers, whether Dukcapil answers as Dukcapil (a request without NIK or
 * credentials: dukcapil-probe.ts) and whether the SIEM accepts a connection. None of them asks
 * Dukcapil for data or spends quota. Endpoints are the instance's with the environment's
 * overrides (config/endpoints.ts), as every command finds them.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync, statSync, statfsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { CertificateRevocationList } from 'pkijs';
import { fromPem } from '../../../certs/index.ts';
import { agreementInForce, agreementPermitsAccess, daysLeft } from '../../../policies/index.ts';
import {
  checkSecretFile,
  loadConfig,
  secretPathsOf,
  type GerbangConfig,
} from '../../config/index.ts';
import {
  EndpointError,
  formatHostPort,
  instanceEndpoints,
  type EndpointOverrides,
} from '../../config/endpoints.ts';
import { auditDatabasePath } from '../../server/audit-store.ts';
import { PolicyRegistry, StateDb } from '../../services/index.ts';
import { probeGatewayIdentity } from './gateway-identity.ts';
import { tlsHandshake } from '../tls-probe.ts';
import { probeDukcapil } from './dukcapil-probe.ts';

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
  /** GERBANG_HOST, GERBANG_PORT, GERBANG_SIM_PORT as the command was given them. */
  readonly overrides?: EndpointOverrides;
}

const DAY_MS = 86_400_000;
const result = (check: string, status: CheckStatus, detail: string): CheckResult => ({
  check,
  status,
  detail,
});

/** Why the data directory cannot be checked, or undefined when it exists. */
function missingDataDirectory(context: DoctorContext): string | undefined {
  return existsSync(context.dataDir)
    ? undefined
    : `the data directory ${context.dataDir} does not exist: set GERBANG_DATA_DIR to the instance's directory, or create the instance (gerbang demo; for production docs/operations.md, "Installing on a host")`;
}

/** The configuration, through the same loader the gateway uses. */
export function checkConfiguration(context: DoctorContext): {
  result: CheckResult;
  config?: GerbangConfig;
} {
  // A missing directory or file is named as such, not as the loader's "cannot be read (ENOENT)".
  if (!existsSync(context.configPath))
    return {
      result: result(
        'configuration',
        'fail',
        existsSync(dirname(context.configPath))
          ? `the configuration file ${context.configPath} does not exist: set GERBANG_CONFIG (or GERBANG_DATA_DIR) to the instance's`
          : (missingDataDirectory(context) ??
              `the directory of the configuration file ${context.configPath} does not exist: set GERBANG_CONFIG (or GERBANG_DATA_DIR) to the instance's`),
      ),
    };
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
  const missing = missingDataDirectory(context);
  const dataMode = missing === undefined ? statSync(context.dataDir).mode & 0o777 : 0;
  if (missing !== undefined) problems.push(missing);
  else if ((dataMode & 0o007) !== 0)
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

/**
 * Whether this instance's gateway answers where every command looks for it (server.host and
 * server.port, or GERBANG_HOST and GERBANG_PORT): a TLS handshake, no request. Not running is a
 * warning (doctor also runs before the first start); something else on the port is a failure.
 */
export async function checkGateway(
  config: GerbangConfig,
  context: DoctorContext,
): Promise<CheckResult> {
  let address;
  try {
    address = instanceEndpoints(config, context.overrides).gatewayAddress();
  } catch (error) {
    if (error instanceof EndpointError) return result('gateway', 'skip', error.message);
    throw error;
  }
  const where = formatHostPort(address);
  const identity = await probeGatewayIdentity(
    address,
    config.server.certFile,
    context.thresholds.connectTimeoutMs,
  );
  switch (identity.kind) {
    case 'ours':
      return result('gateway', 'ok', `answers TLS on ${where} with server.certFile`);
    case 'absent':
      return result(
        'gateway',
        'warn',
        `nothing listens on ${where} (${identity.reason}): the gateway is not running${context.overrides?.port === undefined ? ' (one started with GERBANG_PORT is found by running doctor with the same variables)' : ''}`,
      );
    case 'other':
      return result(
        'gateway',
        'fail',
        `${where} is not this gateway (${identity.reason}): another process holds the port, or server.certFile is not the certificate it serves`,
      );
  }
}

/**
 * Whether Dukcapil's CALL_NIK endpoint answers at upstream.baseUrl (GERBANG_SIM_PORT replacing its
 * port). The probe sends no NIK and no credentials, so it asks for no data and spends no quota;
 * only HTTP 200 with the Dukcapil envelope is healthy (dukcapil-probe.ts).
 */
export async function checkUpstream(
  config: GerbangConfig,
  context: DoctorContext,
): Promise<CheckResult> {
  let baseUrl: string;
  try {
    baseUrl = instanceEndpoints(config, context.overrides).upstreamBaseUrl();
  } catch (error) {
    if (error instanceof EndpointError) return result('upstream', 'fail', error.message);
    throw error;
  }
  try {
    const probe = await probeDukcapil({
      baseUrl,
      consumer: config.upstream.consumer,
      timeoutMs: context.thresholds.connectTimeoutMs,
      maxResponseBytes: config.upstream.maxResponseBytes,
    });
    if (!probe.ok)
      return result(
        'upstream',
        'fail',
        `${baseUrl} is not the Dukcapil CALL_NIK endpoint: it answered ${probe.reason}`,
      );
    return result(
      'upstream',
      'ok',
      `${baseUrl} answers as Dukcapil (HTTP 200 with its envelope in ${probe.ms} ms; ${probe.respon === undefined ? 'no RESPON' : `RESPON: ${probe.respon}`}, as expected of a request without credentials)`,
    );
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${context.thresholds.connectTimeoutMs} ms`
        : ((error as NodeJS.ErrnoException).code ?? (error as Error).name);
    return result('upstream', 'fail', `${baseUrl} cannot be reached (${reason})`);
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
  // Doctor opens state.db read-only, and creates none: without one, the configuration's
  // agreements are all there is.
  const path = join(context.dataDir, 'state.db');
  const state = existsSync(path) ? new StateDb(path, { readOnly: true }) : undefined;
  try {
    const inForce =
      state === undefined
        ? agreementInForce(config.agreements, context.now)
        : new PolicyRegistry(config, state).inForce(context.now);
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
    state?.close();
  }
}

/**
 * Rows of state.db the gateway sets aside (written by an older version or by hand): each named
 * with what it causes, so that the operator can correct it before anyone asks why lookups stop.
 */
export function checkStoredRows(config: GerbangConfig, context: DoctorContext): CheckResult {
  const path = join(context.dataDir, 'state.db');
  if (!existsSync(path)) return result('stored state', 'ok', 'no state database yet');
  const state = new StateDb(path, { readOnly: true });
  try {
    const problems = new PolicyRegistry(config, state).storedStateProblems();
    if (problems.length === 0)
      return result('stored state', 'ok', `every row of ${path} is usable`);
    return result(
      'stored state',
      'fail',
      `${problems.map((p) => `${p.where}: ${p.problem}; ${p.consequence}`).join('; ')}. Repeat the change with gerbang admin, or correct the row with sqlite3 (docs/operations.md, "Stored state")`,
    );
  } finally {
    state.close();
  }
}

/** Every check, in the order an operator reads them. */
export async function runDoctor(context: DoctorContext): Promise<CheckResult[]> {
  const { result: configuration, config } = checkConfiguration(context);
  const guard = (check: string, run: () => CheckResult): CheckResult => {
    try {
      return run();
    } catch (error) {
      return result(check, 'fail', (error as Error).message);
    }
  };
  // Without a data directory there is no disk to measure; the failure that names the directory
  // is the configuration's or the key file modes' (the directory's own mode).
  const diskSpace = (): CheckResult =>
    missingDataDirectory(context) === undefined
      ? guard('disk space', () => checkDiskSpace(context))
      : result('disk space', 'skip', `the data directory ${context.dataDir} does not exist`);
  if (config === undefined) {
    const skipped = [
      'key file modes',
      'certificates',
      'clock',
      'gateway',
      'upstream',
      'siem',
      'agreement',
      'stored state',
    ];
    return [
      configuration,
      ...skipped.map((check) => result(check, 'skip', 'the configuration is not valid')),
      diskSpace(),
    ];
  }
  return [
    configuration,
    guard('key file modes', () => checkKeyFileModes(config, context)),
    guard('certificates', () => checkCertificates(config, context)),
    guard('clock', () => checkClock(config, context)),
    await checkGateway(config, context).catch((error: unknown) =>
      result('gateway', 'fail', (error as Error).message),
    ),
    await checkUpstream(config, context),
    await checkSiem(config, context).catch((error: unknown) =>
      result('siem', 'fail', (error as Error).message),
    ),
    diskSpace(),
    guard('agreement', () => checkAgreement(config, context)),
    guard('stored state', () => checkStoredRows(config, context)),
  ];
}

/** The worst verdict: any failure fails, else any warning warns. */
export function overall(results: readonly CheckResult[]): CheckStatus {
  const statuses = results.map((r) => r.status);
  return statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'ok';
}
