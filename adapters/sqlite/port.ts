/**
 * The ports of the two SQLite stores the services use — `state.db` (administrative state) and
 * `outbox.db` (return data waiting for delivery) — and the failure they promise: what services and
 * HTTP may import from `adapters/sqlite/` (docs/architecture.md, "The dependency rule"). The
 * implementations are `StateDb` (state-db.ts) and `OutboxStore` (outbox.ts), chosen by the
 * composition root.
 */
import type { AgreementConfig } from '../../gateway/config/index.ts';
import type { SafeText } from '../../policies/index.ts';

/**
 * A database that cannot be used — it cannot be opened, it is not a database, its schema is not
 * this version's, the disk is full or failing — rather than a fault in Gerbang: only what needs
 * that store is refused (with a coded 503), and a later use tries again. The message names the
 * file and SQLite's reason; it is for operators and logs, never for a client.
 */
export class StorageUnavailable extends Error {
  override readonly name = 'StorageUnavailable';
  /** Which store: `state` (state.db) or `outbox` (outbox.db). */
  readonly store: 'state' | 'outbox';
  constructor(store: 'state' | 'outbox', path: string, cause: unknown) {
    super(`${path} cannot be used: ${describeStorageFailure(cause)}`, { cause });
    this.store = store;
  }
}

/** Why SQLite or the file system refused, in words for operators and logs (never a client). */
export function describeStorageFailure(cause: unknown): string {
  if (!(cause instanceof Error)) return 'an unexpected error';
  const code = (cause as { code?: unknown }).code;
  if (typeof code !== 'string') return cause.message;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return `the disk is full (${code})`;
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS')
    return `the database is read-only (${code})`;
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO')
    return `an I/O error on the disk (${code})`;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return `the database is busy (${code})`;
  return `${cause.message} (${code})`;
}

/** A failure of the disk under a database (full, read-only, failing), not of its contents. */
export function isRefusedByTheDisk(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    typeof code === 'string' &&
    /^(SQLITE_(FULL|IOERR|CANTOPEN|BUSY|READONLY)|ENOSPC|EROFS|EIO|EDQUOT)/.test(code)
  );
}

export interface AgreementChange {
  readonly terminatedAt?: number;
  readonly terminationReason?: string;
  readonly iso27001SubmittedOn?: string;
}

/** Rows as SQLite holds them (STRICT tables fix the types, not the values). */
export interface RawAgreementChange {
  readonly rowid: number;
  readonly number: string;
  readonly terminated_at: number | null;
  readonly termination_reason: string | null;
  readonly iso27001_submitted_on: string | null;
}

export interface RawInstrumentRow {
  readonly rowid: number;
  /** The instrument's own number. */
  readonly number: string;
  /** The number of the agreement it amends. */
  readonly agreement: string;
  /** The instrument as JSON. */
  readonly body: string;
}

export interface RawSuspensionRow {
  readonly rowid: number;
  readonly agreement: string;
  readonly suspended_at: number;
  readonly reason: string | null;
  readonly resumed_at: number | null;
}

export interface RawClientStatus {
  readonly rowid: number;
  readonly id: string;
  readonly suspended: number;
  readonly reason: string | null;
  readonly changed_at: string;
}

export type ReaderState = 'enrolled' | 'active' | 'deactivated' | 'blacklisted';

export interface ReaderRow {
  readonly id: string;
  readonly samSerial: string;
  /** PEM. */
  readonly samCertificate: string;
  /** SHA-256 of the SAM certificate (DER), hex. */
  readonly samFingerprint: string;
  readonly state: ReaderState;
  readonly reason?: string;
  readonly changedAt: string;
  readonly changedBy: string;
}

export interface ClientStatus {
  readonly suspended: boolean;
  readonly reason?: string;
  readonly changedAt: string;
}

/** Administrative state that outlives a restart (implemented by `StateDb`). */
export interface StateStore {
  /** True once after any write, by this process or another, since the last call. */
  changed(): boolean;
  addedAgreementRows(): { rowid: number; number: string; body: string }[];
  addAgreement(agreement: AgreementConfig, at: Date): void;
  agreementChangeRows(): RawAgreementChange[];
  terminate(number: string, at: number, reason: string): void;
  recordIso27001(number: string, submittedOn: string): void;
  instrumentRows(): RawInstrumentRow[];
  addInstrument(agreement: string, instrument: { number: string }, at: Date): void;
  migrateAddedAgreement(
    number: string,
    into: string,
    instrument: { number: string },
    at: Date,
  ): void;
  suspensionRows(): RawSuspensionRow[];
  suspendAgreement(agreement: string, at: number, reason: string, by: string): void;
  resumeAgreement(agreement: string, at: number, by: string): void;
  clientStatusRows(): RawClientStatus[];
  setClientStatus(id: string, suspended: boolean, reason: string | undefined, at: Date): void;
  readerRows(): (ReaderRow & { rowid: number })[];
  enrolReader(row: Omit<ReaderRow, 'state'>): void;
  setReaderState(
    id: string,
    state: ReaderState,
    reason: string | undefined,
    at: Date,
    by: string,
  ): void;
  close(): void;
}

export type DeliveryStatus = 'queued' | 'delivered' | 'failed';

export interface Delivery {
  readonly id: string;
  readonly client: string;
  readonly subject: string;
  readonly jenisPajak: readonly string[];
  readonly reference: string;
  readonly upstreamKey: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** Attempts whose request left and whose answer never came: the receiver may hold a copy. */
  readonly uncertainAttempts: number;
  readonly nextAttemptAt: number;
  readonly lastError?: string;
  readonly createdAt: string;
  readonly deliveredAt?: string;
}

export interface DueDelivery extends Delivery {
  readonly nik: string;
  readonly npwpd: string;
}

/** The return-data outbox (implemented by `OutboxStore`). */
export interface Outbox {
  /**
   * Queues a delivery, or returns the one already queued under the same client and idempotency
   * key. `conflict` when that key was used for a different request.
   */
  enqueue(input: {
    client: SafeText;
    idempotencyKey?: SafeText | undefined;
    requestHash: SafeText;
    subject: SafeText;
    /** The only population data the outbox holds, in its payload row, until delivery. */
    nik: string;
    npwpd: string;
    jenisPajak: readonly SafeText[];
    reference: SafeText;
    now: number;
  }): { kind: 'created' | 'existing'; delivery: Delivery } | { kind: 'conflict' };
  /** Removes a delivery just created whose submission could not be audited (fail closed). */
  cancel(id: string): void;
  get(id: string): Delivery | undefined;
  due(now: number, limit: number): DueDelivery[];
  markDelivered(id: string, now: number): void;
  /** Delivered, never to be sent again, its audit record still to write (then `markAudited`). */
  markAcknowledged(id: string, now: number): void;
  unaudited(limit: number): Delivery[];
  markAudited(id: string): void;
  markAttemptFailed(
    id: string,
    reason: string,
    nextAttemptAt: number | 'dead',
    uncertain?: boolean,
  ): void;
  retry(ids: readonly string[] | 'all-failed', now: number): number;
  counts(): Record<DeliveryStatus, number> & { payloads: number };
  deadLetters(limit?: number): Delivery[];
  /** Copies the WAL into the database and truncates it, so erased payloads leave no old frames. */
  checkpoint(): void;
  close(): void;
}
