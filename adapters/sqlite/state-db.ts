/**
 * Administrative state that outlives a restart and is not configuration: instruments added to
 * agreements (addenda, renewals, Petunjuk Teknis), their suspensions (PKS Pasal 6), terminations,
 * ISO 27001 certificate submissions, client suspensions. `agreements_added` holds what the old
 * model stored (an addendum as an agreement of its own); it is migrated to instruments at start
 * (gateway/services/agreements/migration.ts) and otherwise read as separate agreements. Its
 * own SQLite database (`state.db`); the history of every change is in the audit trail. The
 * gateway and the CLI may both write it; `changed()` tells a reader when another process did.
 * This class opens the file and counts its own writes; the schema is state-schema.ts and the
 * queries are state-agreements.ts and state-clients.ts.
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
import * as agreements from './state-agreements.ts';
import * as clients from './state-clients.ts';
import { SCHEMA } from './state-schema.ts';

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
    return this.database.use((db) => agreements.addedAgreementRows(db));
  }

  addAgreement(agreement: AgreementConfig, at: Date): void {
    this.write((db) => {
      agreements.addAgreement(db, agreement, at);
    });
  }

  agreementChangeRows(): RawAgreementChange[] {
    return this.database.use((db) => agreements.agreementChangeRows(db));
  }

  terminate(number: string, at: number, reason: string): void {
    this.write((db) => {
      agreements.terminate(db, number, at, reason);
    });
  }

  recordIso27001(number: string, submittedOn: string): void {
    this.write((db) => {
      agreements.recordIso27001(db, number, submittedOn);
    });
  }

  /** Instruments (addenda, Petunjuk Teknis, renewals) added to agreements, as stored. */
  instrumentRows(): RawInstrumentRow[] {
    return this.database.use((db) => agreements.instrumentRows(db));
  }

  addInstrument(agreement: string, instrument: { number: string }, at: Date): void {
    this.write((db) => {
      agreements.addInstrument(db, agreement, instrument, at);
    });
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
    this.write((db) => {
      agreements.migrateAddedAgreement(db, number, into, instrument, at);
    });
  }

  suspensionRows(): RawSuspensionRow[] {
    return this.database.use((db) => agreements.suspensionRows(db));
  }

  suspendAgreement(agreement: string, at: number, reason: string, by: string): void {
    this.write((db) => {
      agreements.suspendAgreement(db, agreement, at, reason, by);
    });
  }

  /** Closes the open suspension of `agreement` (there is at most one). */
  resumeAgreement(agreement: string, at: number, by: string): void {
    this.write((db) => {
      agreements.resumeAgreement(db, agreement, at, by);
    });
  }

  clientStatusRows(): RawClientStatus[] {
    return this.database.use((db) => clients.clientStatusRows(db));
  }

  setClientStatus(id: string, suspended: boolean, reason: string | undefined, at: Date): void {
    this.write((db) => {
      clients.setClientStatus(db, id, suspended, reason, at);
    });
  }

  readerRows(): (ReaderRow & { rowid: number })[] {
    return clients.readerRowsOf(this.database.use((db) => clients.rawReaderRows(db)));
  }

  enrolReader(row: Omit<ReaderRow, 'state'>): void {
    this.write((db) => {
      clients.enrolReader(db, row);
    });
  }

  setReaderState(
    id: string,
    state: ReaderState,
    reason: string | undefined,
    at: Date,
    by: string,
  ): void {
    this.write((db) => {
      clients.setReaderState(db, id, state, reason, at, by);
    });
  }

  /**
   * The newest CRL the gateway has applied for the CA with this certificate hash (certs/
   * revocation.ts): a CRL older than it is refused, after a restart too. None before the first.
   */
  highestCrl(issuerSha256: string): CrlMark | undefined {
    const row = this.database.use((db) => clients.crlMarkRow(db, issuerSha256));
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
          clients.writeCrlMark(db, issuerSha256, mark, at);
          return true;
        })
        .immediate(),
    );
    if (raised) this.ownWrites++;
  }

  close(): void {
    this.database.close();
  }

  /** A write of this process: counted, so that `changed()` reports it as well as another's. */
  private write(work: (db: Database.Database) => void): void {
    this.database.use(work);
    this.ownWrites++;
  }
}
