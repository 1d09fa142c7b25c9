/**
 * The doctor's checks of what the instance's databases say, opened read-only and never created:
 * the clock against the newest audit record, the agreement in force (with the terminations and
 * renewals of state.db), and the rows of state.db the gateway would set aside.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { agreementInForce, agreementPermitsAccess, daysLeft } from '../../../policies/index.ts';
import type { GerbangConfig } from '../../config/index.ts';
import { openStateDb } from '../../server/adapters.ts';
import { readNewestRecordTime } from '../../../audit/store/index.ts';
import { auditDatabasePath } from '../../server/audit-store.ts';
import { PolicyRegistry } from '../../services/index.ts';
import { signedFileProblems } from './signed-files.ts';
import { result, type CheckResult, type DoctorContext } from './context.ts';

/** The wall clock against the newest audit record, and NTP where systemd can tell. */
export function checkClock(config: GerbangConfig, context: DoctorContext): CheckResult {
  const path = auditDatabasePath(config, context.dataDir);
  const newest = readNewestRecordTime(path);
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

/** The agreement in force, with the instance's terminations and renewals. */
export function checkAgreement(config: GerbangConfig, context: DoctorContext): CheckResult {
  // Doctor opens state.db read-only, and creates none: without one, the configuration's
  // agreements are all there is.
  const path = join(context.dataDir, 'state.db');
  const state = existsSync(path) ? openStateDb(context.dataDir, { readOnly: true }) : undefined;
  try {
    const inForce =
      state === undefined
        ? agreementInForce(config.agreements, context.now)
        : new PolicyRegistry(config, state).inForce(context.now);
    if (inForce === undefined)
      return result('agreement', 'fail', 'no agreement is configured: no data may flow');
    const { terms } = inForce;
    const left = daysLeft(terms, context.now);
    const files = signedFileProblems(config);
    if (files.length > 0)
      return result(
        'agreement',
        'fail',
        `the signed files differ from their recorded hashes: ${files.join('; ')}`,
      );
    if (inForce.state === 'suspended')
      return result(
        'agreement',
        'fail',
        `${terms.number} is suspended (PKS Pasal 6): no data may flow and card reads are refused until it is resumed (gerbang admin resume-agreement)`,
      );
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
  const state = openStateDb(context.dataDir, { readOnly: true });
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
