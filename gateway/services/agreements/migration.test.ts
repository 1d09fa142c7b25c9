/**
 * The migration of state.db from the old agreement model, on a file made by the old schema: an
 * addendum and a renewal stored as agreements of their own become instruments of the agreement
 * they continue, in force from their first day; a row after a gap, or with its own termination,
 * stays an agreement of its own; a second run moves nothing.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from '../../../test/helpers/temp-dir.ts';
import { StateDb } from '../../../adapters/sqlite/state-db.ts';
import { ELEMENTS } from '../../../policies/index.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import { migrateStoredAgreements } from './migration.ts';
import { PolicyRegistry } from './registry.ts';

const dir = fileTempDir('gerbang-migration-');
const config = demoConfig(0, 0, DEMO_AGREEMENT.signedOn);

// The state.db schema before instruments (as of commit c752bc6), written out here so that the
// test keeps describing the old file even after the code's schema moves on.
const OLD_SCHEMA = `
CREATE TABLE agreements_added (number TEXT PRIMARY KEY, body TEXT NOT NULL, added_at TEXT NOT NULL) STRICT;
CREATE TABLE agreement_changes (
  number TEXT PRIMARY KEY, terminated_at INTEGER, termination_reason TEXT, iso27001_submitted_on TEXT
) STRICT;
CREATE TABLE client_status (id TEXT PRIMARY KEY, suspended INTEGER NOT NULL, reason TEXT, changed_at TEXT NOT NULL) STRICT;
CREATE TABLE readers (
  id TEXT PRIMARY KEY, sam_serial TEXT NOT NULL, sam_certificate TEXT NOT NULL, sam_fingerprint TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('enrolled', 'active', 'deactivated', 'blacklisted')),
  reason TEXT, changed_at TEXT NOT NULL, changed_by TEXT NOT NULL
) STRICT;
`;

const [pks] = config.agreements;
if (pks === undefined) throw new Error('the demo configures an agreement');
// What the old `gerbang admin renew` stored: the previous agreement's body with a new number,
// signing date and window (and, for an addendum, other elements).
const stored = (overrides: Record<string, unknown>) => ({ ...pks, ...overrides });
const ADDENDUM = stored({
  number: 'ADD/1/2026',
  signedOn: '2026-12-20',
  validFrom: '2027-01-01',
  validUntil: '2027-02-11',
  elements: ['nik', 'nama_lengkap'],
});
const RENEWAL = stored({
  number: 'PKS/2027',
  signedOn: '2027-02-01',
  validFrom: '2027-02-12',
  validUntil: '2029-02-11',
  elements: ['nik', 'nama_lengkap'],
});
const AFTER_GAP = stored({
  number: 'PKS/2030',
  signedOn: '2030-01-01',
  validFrom: '2030-03-01',
  validUntil: '2031-02-28',
});
const TERMINATED = stored({
  number: 'ADD/TERMINATED',
  signedOn: '2026-06-01',
  validFrom: '2026-06-01',
  validUntil: '2027-02-11',
});

function oldStateDb(name: string): string {
  const path = join(dir, name);
  const db = new Database(path);
  db.exec(OLD_SCHEMA);
  const insert = db.prepare(
    'INSERT INTO agreements_added (number, body, added_at) VALUES (?, ?, ?)',
  );
  [TERMINATED, ADDENDUM, RENEWAL, AFTER_GAP].forEach((body, i) => {
    insert.run(body.number, JSON.stringify(body), `2026-0${String(i + 1)}-01T00:00:00.000Z`);
  });
  db.prepare(
    'INSERT INTO agreement_changes (number, terminated_at, termination_reason) VALUES (?, ?, ?)',
  ).run(TERMINATED.number, Date.parse('2026-07-01T00:00:00Z'), 'other');
  db.close();
  return path;
}

// 1 January 2027 00:00 WITA; 12 February 2027 00:00 WITA.
const ADDENDUM_DAY = Date.parse('2026-12-31T16:00:00.000Z');
const RENEWAL_DAY = Date.parse('2027-02-11T16:00:00.000Z');

describe('migration of agreements stored by the old model', () => {
  it('reads the old file as separate agreements, where the addendum had no effect', () => {
    const state = new StateDb(oldStateDb('before.db'));
    const registry = new PolicyRegistry(config, state);
    // The old model's fault, kept as the starting point: the PKS keeps governing, nine elements.
    expect(registry.inForce(ADDENDUM_DAY)?.terms).toMatchObject({
      number: pks.number,
      elements: [...ELEMENTS],
    });
    state.close();
  });

  it('moves the addendum and the renewal into instruments of the PKS; the rest stays', () => {
    const path = oldStateDb('migrate.db');
    const state = new StateDb(path);
    const moved = migrateStoredAgreements(config, state, Date.parse('2026-12-01T00:00:00Z'));
    expect(moved).toEqual([
      { number: ADDENDUM.number, into: pks.number, kind: 'addendum' },
      { number: RENEWAL.number, into: pks.number, kind: 'renewal' },
    ]);
    expect(state.addedAgreementRows().map((row) => row.number)).toEqual([
      TERMINATED.number,
      AFTER_GAP.number,
    ]);
    expect(
      state
        .instrumentRows()
        .map((row): unknown[] => [row.number, row.agreement, JSON.parse(row.body) as unknown]),
    ).toEqual([
      [
        ADDENDUM.number,
        pks.number,
        {
          kind: 'addendum',
          number: ADDENDUM.number,
          signedOn: '2026-12-20',
          effectiveOn: '2027-01-01',
          elements: ['nik', 'nama_lengkap'],
          migrated: true,
        },
      ],
      [
        RENEWAL.number,
        pks.number,
        {
          kind: 'renewal',
          number: RENEWAL.number,
          signedOn: '2027-02-01',
          effectiveOn: '2027-02-12',
          elements: ['nik', 'nama_lengkap'],
          validUntil: '2029-02-11',
          migrated: true,
        },
      ],
    ]);

    const registry = new PolicyRegistry(config, state);
    expect(registry.storedStateProblems()).toEqual([]);
    expect(registry.governing('app-pendaftaran', ADDENDUM_DAY - 1)?.terms.elements).toHaveLength(9);
    expect(registry.governing('app-pendaftaran', ADDENDUM_DAY)?.terms).toMatchObject({
      number: pks.number,
      elements: ['nik', 'nama_lengkap'],
    });
    // The renewal carries the same agreement on past its old last day, without a gap.
    expect(registry.governing('app-pendaftaran', RENEWAL_DAY - 1)?.state).toBe('expiring');
    expect(registry.governing('app-pendaftaran', RENEWAL_DAY)).toMatchObject({
      terms: { number: pks.number, validUntil: '2029-02-11' },
      state: 'active',
    });
    // The row after a gap is still an agreement of its own, and does not cover the gap.
    expect(registry.inForce(Date.parse('2029-06-01T00:00:00Z'))?.state).toBe('expired');
    expect(registry.inForce(Date.parse('2030-06-01T00:00:00Z'))?.terms.number).toBe(
      AFTER_GAP.number,
    );
    expect(registry.agreements().map((a) => a.number)).toEqual([
      pks.number,
      TERMINATED.number,
      AFTER_GAP.number,
    ]);

    expect(migrateStoredAgreements(config, state, Date.now())).toEqual([]);
    state.close();
  });
});
