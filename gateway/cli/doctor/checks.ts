/**
 * `gerbang doctor`: what an operator at 2 a.m. needs to know about an instance, each answer a
 * check with a verdict (ok, warn, fail, skip) and one line saying why. Checks only read: the
 * instance's files (never creating one), its clock against the audit trail, whether
 * its gateway answers, whether Dukcapil answers as Dukcapil (a request without NIK or
 * credentials: dukcapil-probe.ts) and whether the SIEM accepts a connection. None of them asks
 * Dukcapil for data or spends quota. Endpoints are the instance's with the environment's
 * overrides (config/endpoints.ts), as every command finds them.
 */
import { checkCertificates } from './certificate-check.ts';
import {
  missingDataDirectory,
  result,
  type CheckResult,
  type CheckStatus,
  type DoctorContext,
} from './context.ts';
import {
  checkGateway,
  checkSiem,
  checkTimestampAuthority,
  checkUpstream,
} from './endpoint-checks.ts';
import { checkConfiguration, checkDiskSpace, checkKeyFileModes } from './instance-checks.ts';
import { checkAgreement, checkClock, checkStoredRows } from './state-checks.ts';

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
      'time-stamp authority',
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
    await checkCertificates(config, context).catch((error: unknown) =>
      result('certificates', 'fail', (error as Error).message),
    ),
    guard('clock', () => checkClock(config, context)),
    await checkGateway(config, context).catch((error: unknown) =>
      result('gateway', 'fail', (error as Error).message),
    ),
    await checkUpstream(config, context),
    await checkSiem(config, context).catch((error: unknown) =>
      result('siem', 'fail', (error as Error).message),
    ),
    await checkTimestampAuthority(config).catch((error: unknown) =>
      result('time-stamp authority', 'fail', (error as Error).message),
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
