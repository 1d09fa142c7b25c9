/**
 * The doctor's judgement of the CRL (part of the certificates check), made as the gateway makes it
 * (certs/revocation.ts): signed by the client CA, with a CRL number and a nextUpdate, not older
 * than the newest CRL the gateway has applied (state.db, read-only), and not past nextUpdate plus
 * `server.crlGraceSeconds`. Every failure means the gateway refuses every client, and names the
 * fix; due within a week is a warning.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromPem, parseCertificateDer, readCrl } from '../../../certs/index.ts';
import { compareCrlMarks, crlIssuerKey, describeMark } from '../../../certs/revocation.ts';
import type { GerbangConfig } from '../../config/index.ts';
import { openStateDb } from '../../server/adapters.ts';
import { DAY_MS, type CheckStatus, type DoctorContext } from './context.ts';

export interface CrlVerdict {
  readonly status: Exclude<CheckStatus, 'skip'>;
  readonly detail: string;
}

/** A CRL due within this long is a warning (the demo and the monitor's alert use a week too). */
const WARN_BEFORE_MS = 7 * DAY_MS;

const FIX = 'publish a fresh CRL (gerbang certs crl) and copy it to server.crlFile';
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const moment = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The newest CRL the gateway applied for this CA, when state.db holds one. */
function appliedMark(dataDir: string, issuerKey: string) {
  if (!existsSync(join(dataDir, 'state.db'))) return undefined;
  const state = openStateDb(dataDir, { readOnly: true });
  try {
    return state.highestCrl(issuerKey);
  } finally {
    state.close();
  }
}

export async function judgeRevocationList(
  config: GerbangConfig,
  context: DoctorContext,
): Promise<CrlVerdict> {
  const verdict = (status: CrlVerdict['status'], detail: string): CrlVerdict => ({
    status,
    detail,
  });
  const fail = (why: string): CrlVerdict =>
    verdict('fail', `${why}: every client is refused; ${FIX}`);
  let crl: Awaited<ReturnType<typeof readCrl>>;
  let issuerKey: string;
  try {
    const issuer = parseCertificateDer(
      fromPem(readFileSync(config.server.clientCaFile, 'utf8'), 'CERTIFICATE'),
    );
    issuerKey = crlIssuerKey(issuer);
    crl = await readCrl(fromPem(readFileSync(config.server.crlFile, 'utf8'), 'X509 CRL'), issuer);
  } catch (error) {
    return fail(`server.crlFile cannot be used (${(error as Error).message})`);
  }
  if (crl.crlNumber === undefined) return fail('server.crlFile has no CRL number');
  if (crl.nextUpdate === undefined) return fail('server.crlFile has no nextUpdate');
  const mark = { crlNumber: crl.crlNumber, thisUpdate: crl.thisUpdate };
  let applied;
  try {
    applied = appliedMark(context.dataDir, issuerKey);
  } catch (error) {
    return verdict(
      'warn',
      `CRL ${describeMark(mark)}; whether it is older than one the gateway applied cannot be told: ${(error as Error).message}`,
    );
  }
  if (applied !== undefined && compareCrlMarks(mark, applied) < 0)
    return fail(
      `server.crlFile holds an older CRL (${describeMark(mark)}) than one the gateway has applied (${describeMark(applied)})`,
    );
  const graceMs = config.server.crlGraceSeconds * 1000;
  if (context.now >= crl.nextUpdate + graceMs)
    return fail(
      `the CRL (number ${mark.crlNumber.toString()}) expired at ${moment(crl.nextUpdate + graceMs)} (nextUpdate ${moment(crl.nextUpdate)} plus server.crlGraceSeconds ${String(config.server.crlGraceSeconds)})`,
    );
  if (context.now >= crl.nextUpdate)
    return verdict(
      'warn',
      `the CRL was due for renewal at ${moment(crl.nextUpdate)}; clients are refused from ${moment(crl.nextUpdate + graceMs)}: ${FIX}`,
    );
  if (crl.nextUpdate - context.now < WARN_BEFORE_MS)
    return verdict(
      'warn',
      `the CRL (number ${mark.crlNumber.toString()}) is due for renewal on ${day(crl.nextUpdate)}: ${FIX}`,
    );
  return verdict(
    'ok',
    `CRL number ${mark.crlNumber.toString()}, ${String(crl.revoked.size)} revoked, next update ${day(crl.nextUpdate)} (in ${String(Math.floor((crl.nextUpdate - context.now) / DAY_MS))} days)`,
  );
}
