/**
 * state.db's queries on clients, readers and CRLs: client suspensions, readers with their SAM and
 * lifecycle state, and the newest CRL applied per CA. Functions of an open connection; `StateDb` (state-db.ts) opens it, counts its
 * own writes and is the port.
 */
import type Database from 'better-sqlite3';
import type { RawClientStatus, ReaderRow, ReaderState } from './port.ts';

type Db = Database.Database;

export function clientStatusRows(db: Db): RawClientStatus[] {
  return db
    .prepare('SELECT rowid, id, suspended, reason, changed_at FROM client_status')
    .all() as RawClientStatus[];
}

export function setClientStatus(
  db: Db,
  id: string,
  suspended: boolean,
  reason: string | undefined,
  at: Date,
): void {
  db.prepare(
    'INSERT INTO client_status (id, suspended, reason, changed_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET suspended = excluded.suspended, reason = excluded.reason, changed_at = excluded.changed_at',
  ).run(id, suspended ? 1 : 0, reason ?? null, at.toISOString());
}

/** The rows of `readers` as stored, before they are mapped to `ReaderRow`. */
export function rawReaderRows(db: Db): unknown[] {
  return db.prepare('SELECT rowid, * FROM readers ORDER BY id').all();
}

export function readerRowsOf(rows: unknown[]): (ReaderRow & { rowid: number })[] {
  return (
    rows as {
      rowid: number;
      id: string;
      sam_serial: string;
      sam_certificate: string;
      sam_fingerprint: string;
      state: ReaderState;
      reason: string | null;
      changed_at: string;
      changed_by: string;
    }[]
  ).map((row) => ({
    rowid: row.rowid,
    id: row.id,
    samSerial: row.sam_serial,
    samCertificate: row.sam_certificate,
    samFingerprint: row.sam_fingerprint,
    state: row.state,
    ...(row.reason === null ? {} : { reason: row.reason }),
    changedAt: row.changed_at,
    changedBy: row.changed_by,
  }));
}

export function enrolReader(db: Db, row: Omit<ReaderRow, 'state'>): void {
  db.prepare(
    "INSERT INTO readers (id, sam_serial, sam_certificate, sam_fingerprint, state, reason, changed_at, changed_by) VALUES (?, ?, ?, ?, 'enrolled', ?, ?, ?)",
  ).run(
    row.id,
    row.samSerial,
    row.samCertificate,
    row.samFingerprint,
    row.reason ?? null,
    row.changedAt,
    row.changedBy,
  );
}

export function setReaderState(
  db: Db,
  id: string,
  state: ReaderState,
  reason: string | undefined,
  at: Date,
  by: string,
): void {
  db.prepare(
    'UPDATE readers SET state = ?, reason = ?, changed_at = ?, changed_by = ? WHERE id = ?',
  ).run(state, reason ?? null, at.toISOString(), by, id);
}

/** The stored CRL mark of a CA (certs/revocation.ts), as stored; none before the first. */
export function crlMarkRow(
  db: Db,
  issuerSha256: string,
): { crl_number: string; this_update: number } | undefined {
  // A read-only state.db (doctor) of an older version has no such table yet.
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'crl_high_water'")
    .get();
  if (exists === undefined) return undefined;
  return db
    .prepare('SELECT crl_number, this_update FROM crl_high_water WHERE issuer_sha256 = ?')
    .get(issuerSha256) as { crl_number: string; this_update: number } | undefined;
}

export function writeCrlMark(
  db: Db,
  issuerSha256: string,
  mark: { crlNumber: bigint; thisUpdate: number },
  at: Date,
): void {
  db.prepare(
    'INSERT INTO crl_high_water (issuer_sha256, crl_number, this_update, accepted_at) VALUES (?, ?, ?, ?) ON CONFLICT(issuer_sha256) DO UPDATE SET crl_number = excluded.crl_number, this_update = excluded.this_update, accepted_at = excluded.accepted_at',
  ).run(issuerSha256, mark.crlNumber.toString(), mark.thisUpdate, at.toISOString());
}
