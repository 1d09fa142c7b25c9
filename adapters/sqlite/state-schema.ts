/**
 * state.db's schema, applied when the file is opened for writing, and the test of a table's
 * existence that lets a read-only state.db (`gerbang doctor`) of an older version be read. Apart
 * from the queries (state-agreements.ts, state-clients.ts, state-readers.ts, state-crl.ts) so that
 * the tables are read in one place.
 */
import type Database from 'better-sqlite3';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS agreements_added (number TEXT PRIMARY KEY, body TEXT NOT NULL, added_at TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS agreement_changes (
  number TEXT PRIMARY KEY,
  terminated_at INTEGER,
  termination_reason TEXT,
  iso27001_submitted_on TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS agreement_instruments (
  number TEXT PRIMARY KEY,
  agreement TEXT NOT NULL,
  body TEXT NOT NULL,
  added_at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS agreement_suspensions (
  agreement TEXT NOT NULL,
  suspended_at INTEGER NOT NULL,
  reason TEXT,
  resumed_at INTEGER,
  changed_by TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS client_status (
  id TEXT PRIMARY KEY,
  suspended INTEGER NOT NULL,
  reason TEXT,
  changed_at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS readers (
  id TEXT PRIMARY KEY,
  sam_serial TEXT NOT NULL,
  sam_certificate TEXT NOT NULL,
  sam_fingerprint TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('enrolled', 'active', 'deactivated', 'blacklisted')),
  reason TEXT,
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS crl_high_water (
  issuer_sha256 TEXT PRIMARY KEY,
  crl_number TEXT NOT NULL,
  this_update INTEGER NOT NULL,
  accepted_at TEXT NOT NULL
) STRICT;
`;

/** Whether `table` exists: a read-only state.db (doctor) of an older version lacks new ones. */
export function hasTable(db: Database.Database, table: string): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !==
    undefined
  );
}
