/**
 * state.db's queries on agreements: the old model's added agreements, terminations and ISO 27001
 * submissions, instruments (addenda, renewals, Petunjuk Teknis) and suspensions. Functions of an
 * open connection; `StateDb` (state-db.ts) opens it, counts its own writes and is the port.
 */
import type Database from 'better-sqlite3';
import type { AgreementConfig } from '../../gateway/config/index.ts';
import type { RawAgreementChange, RawInstrumentRow, RawSuspensionRow } from './port.ts';
import { hasTable } from './state-schema.ts';

type Db = Database.Database;

/** Stored as written; `checkStoredState` decides what of it is usable. */
export function addedAgreementRows(db: Db): { rowid: number; number: string; body: string }[] {
  return db.prepare('SELECT rowid, number, body FROM agreements_added ORDER BY added_at').all() as {
    rowid: number;
    number: string;
    body: string;
  }[];
}

export function addAgreement(db: Db, agreement: AgreementConfig, at: Date): void {
  db.prepare('INSERT INTO agreements_added (number, body, added_at) VALUES (?, ?, ?)').run(
    agreement.number,
    JSON.stringify(agreement),
    at.toISOString(),
  );
}

export function agreementChangeRows(db: Db): RawAgreementChange[] {
  return db
    .prepare(
      'SELECT rowid, number, terminated_at, termination_reason, iso27001_submitted_on FROM agreement_changes',
    )
    .all() as RawAgreementChange[];
}

export function terminate(db: Db, number: string, at: number, reason: string): void {
  db.prepare(
    'INSERT INTO agreement_changes (number, terminated_at, termination_reason) VALUES (?, ?, ?) ON CONFLICT(number) DO UPDATE SET terminated_at = excluded.terminated_at, termination_reason = excluded.termination_reason',
  ).run(number, at, reason);
}

export function recordIso27001(db: Db, number: string, submittedOn: string): void {
  db.prepare(
    'INSERT INTO agreement_changes (number, iso27001_submitted_on) VALUES (?, ?) ON CONFLICT(number) DO UPDATE SET iso27001_submitted_on = excluded.iso27001_submitted_on',
  ).run(number, submittedOn);
}

/** Instruments (addenda, Petunjuk Teknis, renewals) added to agreements, as stored. */
export function instrumentRows(db: Db): RawInstrumentRow[] {
  return hasTable(db, 'agreement_instruments')
    ? (db
        .prepare(
          'SELECT rowid, number, agreement, body FROM agreement_instruments ORDER BY added_at, rowid',
        )
        .all() as RawInstrumentRow[])
    : [];
}

export function addInstrument(
  db: Db,
  agreement: string,
  instrument: { number: string },
  at: Date,
): void {
  db.prepare(
    'INSERT INTO agreement_instruments (number, agreement, body, added_at) VALUES (?, ?, ?, ?)',
  ).run(instrument.number, agreement, JSON.stringify(instrument), at.toISOString());
}

/**
 * Moves an agreement stored by the old model (an addendum or renewal as an agreement of its
 * own) into an instrument of the agreement it continues, in one transaction.
 */
export function migrateAddedAgreement(
  db: Db,
  number: string,
  into: string,
  instrument: { number: string },
  at: Date,
): void {
  db.transaction(() => {
    db.prepare(
      'INSERT INTO agreement_instruments (number, agreement, body, added_at) VALUES (?, ?, ?, ?)',
    ).run(instrument.number, into, JSON.stringify(instrument), at.toISOString());
    db.prepare('DELETE FROM agreements_added WHERE number = ?').run(number);
  }).immediate();
}

export function suspensionRows(db: Db): RawSuspensionRow[] {
  return hasTable(db, 'agreement_suspensions')
    ? (db
        .prepare(
          'SELECT rowid, agreement, suspended_at, reason, resumed_at FROM agreement_suspensions ORDER BY suspended_at, rowid',
        )
        .all() as RawSuspensionRow[])
    : [];
}

export function suspendAgreement(
  db: Db,
  agreement: string,
  at: number,
  reason: string,
  by: string,
): void {
  db.prepare(
    'INSERT INTO agreement_suspensions (agreement, suspended_at, reason, changed_by) VALUES (?, ?, ?, ?)',
  ).run(agreement, at, reason, by);
}

/** Closes the open suspension of `agreement` (there is at most one). */
export function resumeAgreement(db: Db, agreement: string, at: number, by: string): void {
  db.prepare(
    'UPDATE agreement_suspensions SET resumed_at = ?, changed_by = ? WHERE agreement = ? AND resumed_at IS NULL',
  ).run(at, by, agreement);
}
