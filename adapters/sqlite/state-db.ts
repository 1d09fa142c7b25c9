/**
 * Administrative state that outlives a restart and is not configuration: instruments added to
 * agreements (addenda, renewals, Petunjuk Teknis), their suspensions (PKS Pasal 6), terminations,
 * ISO 27001 certificate submissions, client suspensions. `agreements_added` holds what the old
 * model stored (an addendum as an agreement of its own); it is migrated to instruments at start
 * (gateway/services/agreements/migration.ts) and otherwise read as separate agreements. Its
 * own SQLite database (`state.db`); the history of every change is in the audit trail. The
 * gateway and the CLI may both write it; `changed()` tells a reader when another process did.
 */
import { openPrivateDatabase, ReopeningDatabase } from './open.ts';
import Database from 'better-sqlite3';
import type { AgreementConfig } from '../../gateway/config/index.ts';
import { compareCrlMarks, type CrlMark, type CrlMarkStore } from '../../certs/revocation.ts';
import type {
  RawAgreementChange,
  RawClientStatus,
  RawInstrumentRow,
  RawSuspensionRow,
  ReaderRow,
  ReaderState,
  StateStore,
} from './port.ts';

const SCHEMA = `
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

export class StateDb implements StateStore, CrlMarkStore {
  private readonly database: ReopeningDatabase;
  private seenVersion = -1;
  private ownWrites = 0;
  private seenOwnWrites = -1;

  /**
   * `readOnly` (for `gerbang doctor`, which must change nothing): the file must exist, no schema
   * is applied, and every write fails as StorageUnavailable.
   */
  constructor(path: string, options: { readOnly?: boolean; retryMs?: number } = {}) {
    // Opened on first use, so that a state.db that cannot be opened (a full disk, random bytes)
    // refuses only what needs it, with StorageUnavailable naming the file; tried again after
    // `retryMs` (two seconds).
    this.database = new ReopeningDatabase(
      'state',
      path,
      () =>
        options.readOnly
          ? new Database(path, { readonly: true, fileMustExist: true })
          : openPrivateDatabase(path, SCHEMA),
      options.retryMs,
    );
  }

  /** True once after any write, by this process or another, since the last call. */
  changed(): boolean {
    const version = this.database.use(
      (db) => db.pragma('data_version', { simple: true }) as number,
    );
    const changed = version !== this.seenVersion || this.ownWrites !== this.seenOwnWrites;
    this.seenVersion = version;
    this.seenOwnWrites = this.ownWrites;
    return changed;
  }

  /** Stored as written; `checkStoredState` decides what of it is usable. */
  addedAgreementRows(): { rowid: number; number: string; body: string }[] {
    return this.database.use(
      (db) =>
        db.prepare('SELECT rowid, number, body FROM agreements_added ORDER BY added_at').all() as {
          rowid: number;
          number: string;
          body: string;
        }[],
    );
  }

  addAgreement(agreement: AgreementConfig, at: Date): void {
    this.database.use((db) => {
      db.prepare('INSERT INTO agreements_added (number, body, added_at) VALUES (?, ?, ?)').run(
        agreement.number,
        JSON.stringify(agreement),
        at.toISOString(),
      );
    });
    this.ownWrites++;
  }

  agreementChangeRows(): RawAgreementChange[] {
    return this.database.use(
      (db) =>
        db
          .prepare(
            'SELECT rowid, number, terminated_at, termination_reason, iso27001_submitted_on FROM agreement_changes',
          )
          .all() as RawAgreementChange[],
    );
  }

  terminate(number: string, at: number, reason: string): void {
    this.database.use((db) => {
      db.prepare(
        'INSERT INTO agreement_changes (number, terminated_at, termination_reason) VALUES (?, ?, ?) ON CONFLICT(number) DO UPDATE SET terminated_at = excluded.terminated_at, termination_reason = excluded.termination_reason',
      ).run(number, at, reason);
    });
    this.ownWrites++;
  }

  recordIso27001(number: string, submittedOn: string): void {
    this.database.use((db) => {
      db.prepare(
        'INSERT INTO agreement_changes (number, iso27001_submitted_on) VALUES (?, ?) ON CONFLICT(number) DO UPDATE SET iso27001_submitted_on = excluded.iso27001_submitted_on',
      ).run(number, submittedOn);
    });
    this.ownWrites++;
  }

  /** Whether `table` exists: a read-only state.db (doctor) of an older version lacks new ones. */
  private hasTable(db: Database.Database, table: string): boolean {
    return (
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !==
      undefined
    );
  }

  /** Instruments (addenda, Petunjuk Teknis, renewals) added to agreements, as stored. */
  instrumentRows(): RawInstrumentRow[] {
    return this.database.use((db) =>
      this.hasTable(db, 'agreement_instruments')
        ? (db
            .prepare(
              'SELECT rowid, number, agreement, body FROM agreement_instruments ORDER BY added_at, rowid',
            )
            .all() as RawInstrumentRow[])
        : [],
    );
  }

  addInstrument(agreement: string, instrument: { number: string }, at: Date): void {
    this.database.use((db) => {
      db.prepare(
        'INSERT INTO agreement_instruments (number, agreement, body, added_at) VALUES (?, ?, ?, ?)',
      ).run(instrument.number, agreement, JSON.stringify(instrument), at.toISOString());
    });
    this.ownWrites++;
  }

  /**
   * Moves an agreement stored by the old model (an addendum or renewal as an agreement of its
   * own) into an instrument of the agreement it continues, in one transaction.
   */
  migrateAddedAgreement(
    number: string,
    into: string,
    instrument: { number: string },
    at: Date,
  ): void {
    this.database.use((db) => {
      db.transaction(() => {
        db.prepare(
          'INSERT INTO agreement_instruments (number, agreement, body, added_at) VALUES (?, ?, ?, ?)',
        ).run(instrument.number, into, JSON.stringify(instrument), at.toISOString());
        db.prepare('DELETE FROM agreements_added WHERE number = ?').run(number);
      }).immediate();
    });
    this.ownWrites++;
  }

  suspensionRows(): RawSuspensionRow[] {
    return this.database.use((db) =>
      this.hasTable(db, 'agreement_suspensions')
        ? (db
            .prepare(
              'SELECT rowid, agreement, suspended_at, reason, resumed_at FROM agreement_suspensions ORDER BY suspended_at, rowid',
            )
            .all() as RawSuspensionRow[])
        : [],
    );
  }

  suspendAgreement(agreement: string, at: number, reason: string, by: string): void {
    this.database.use((db) => {
      db.prepare(
        'INSERT INTO agreement_suspensions (agreement, suspended_at, reason, changed_by) VALUES (?, ?, ?, ?)',
      ).run(agreement, at, reason, by);
    });
    this.ownWrites++;
  }

  /** Closes the open suspension of `agreement` (there is at most one). */
  resumeAgreement(agreement: string, at: number, by: string): void {
    this.database.use((db) => {
      db.prepare(
        'UPDATE agreement_suspensions SET resumed_at = ?, changed_by = ? WHERE agreement = ? AND resumed_at IS NULL',
      ).run(at, by, agreement);
    });
    this.ownWrites++;
  }

  clientStatusRows(): RawClientStatus[] {
    return this.database.use(
      (db) =>
        db
          .prepare('SELECT rowid, id, suspended, reason, changed_at FROM client_status')
          .all() as RawClientStatus[],
    );
  }

  setClientStatus(id: string, suspended: boolean, reason: string | undefined, at: Date): void {
    this.database.use((db) => {
      db.prepare(
        'INSERT INTO client_status (id, suspended, reason, changed_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET suspended = excluded.suspended, reason = excluded.reason, changed_at = excluded.changed_at',
      ).run(id, suspended ? 1 : 0, reason ?? null, at.toISOString());
    });
    this.ownWrites++;
  }

  readerRows(): (ReaderRow & { rowid: number })[] {
    return (
      this.database.use((db) => db.prepare('SELECT rowid, * FROM readers ORDER BY id').all()) as {
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

  enrolReader(row: Omit<ReaderRow, 'state'>): void {
    this.database.use((db) => {
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
    });
    this.ownWrites++;
  }

  setReaderState(
    id: string,
    state: ReaderState,
    reason: string | undefined,
    at: Date,
    by: string,
  ): void {
    this.database.use((db) => {
      db.prepare(
        'UPDATE readers SET state = ?, reason = ?, changed_at = ?, changed_by = ? WHERE id = ?',
      ).run(state, reason ?? null, at.toISOString(), by, id);
    });
    this.ownWrites++;
  }

  /**
   * The newest CRL the gateway has applied for the CA with this certificate hash (certs/
   * revocation.ts): a CRL older than it is refused, after a restart too. None before the first.
   */
  highestCrl(issuerSha256: string): CrlMark | undefined {
    const row = this.database.use((db) => {
      // A read-only state.db (doctor) of an older version has no such table yet.
      const exists = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'crl_high_water'")
        .get();
      if (exists === undefined) return undefined;
      return db
        .prepare('SELECT crl_number, this_update FROM crl_high_water WHERE issuer_sha256 = ?')
        .get(issuerSha256) as { crl_number: string; this_update: number } | undefined;
    });
    if (row === undefined) return undefined;
    if (!/^\d{1,60}$/.test(row.crl_number)) return undefined;
    return { crlNumber: BigInt(row.crl_number), thisUpdate: row.this_update };
  }

  /** Raises the stored mark to `mark`, in one transaction; never lowers it. */
  recordHighestCrl(issuerSha256: string, mark: CrlMark, at: Date): void {
    const raised = this.database.use((db) =>
      db
        .transaction(() => {
          const stored = this.highestCrl(issuerSha256);
          if (stored !== undefined && compareCrlMarks(mark, stored) <= 0) return false;
          db.prepare(
            'INSERT INTO crl_high_water (issuer_sha256, crl_number, this_update, accepted_at) VALUES (?, ?, ?, ?) ON CONFLICT(issuer_sha256) DO UPDATE SET crl_number = excluded.crl_number, this_update = excluded.this_update, accepted_at = excluded.accepted_at',
          ).run(issuerSha256, mark.crlNumber.toString(), mark.thisUpdate, at.toISOString());
          return true;
        })
        .immediate(),
    );
    if (raised) this.ownWrites++;
  }

  close(): void {
    this.database.close();
  }
}
