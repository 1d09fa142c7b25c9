/**
 * The return-data outbox: its own SQLite database (WAL, synchronous=FULL, secure_delete). The
 * population data a delivery needs (NIK, NPWPD) lives in a separate payload row that is deleted
 * as soon as Dukcapil acknowledges — with secure_delete on and the WAL truncated — while the
 * delivery's status stays, keyed by the NIK's HMAC. This class opens the file; the schema and
 * row are outbox-schema.ts, the queries outbox-enqueue.ts, outbox-delivery.ts and
 * outbox-dead-letters.ts.
 */
import { openPrivateDatabase, ReopeningDatabase } from './open.ts';
import type { SafeText } from '../../policies/index.ts';
import type { Delivery, DeliveryStatus, DueDelivery, Outbox } from './port.ts';
import * as deadLetters from './outbox-dead-letters.ts';
import * as delivery from './outbox-delivery.ts';
import * as enqueue from './outbox-enqueue.ts';
import { addDeliveryColumns, SCHEMA } from './outbox-schema.ts';

export class OutboxStore implements Outbox {
  // Opened on first use: an outbox.db that cannot be opened or written refuses return data
  // alone (StorageUnavailable, 503 outbox_unavailable), and is tried again later.
  private readonly database: ReopeningDatabase;

  constructor(path: string) {
    this.database = new ReopeningDatabase('outbox', path, () =>
      addDeliveryColumns(openPrivateDatabase(path, SCHEMA)),
    );
  }

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
  }): { kind: 'created' | 'existing'; delivery: Delivery } | { kind: 'conflict' } {
    return this.database.use((db) => enqueue.enqueue(db, input));
  }

  /** Removes a delivery just created whose submission could not be audited (fail closed). */
  cancel(id: string): void {
    this.database.use((db) => {
      enqueue.cancel(db, id);
    });
  }

  get(id: string): Delivery | undefined {
    return this.database.use((db) => delivery.get(db, id));
  }

  due(now: number, limit: number): DueDelivery[] {
    return this.database.use((db) => delivery.due(db, now, limit));
  }

  /**
   * Acknowledged by the receiver, not yet in the audit trail: delivered (never sent again, the
   * payload deleted at once) and `audit_pending` until `markAudited`. The gateway's own record of
   * the acknowledgement, so that a trail that cannot be written does not make it re-send.
   */
  markAcknowledged(id: string, now: number): void {
    this.database.use((db) => {
      delivery.markAcknowledged(db, id, now);
    });
  }

  /** Deliveries acknowledged whose audit record is still to be written, oldest first. */
  unaudited(limit: number): Delivery[] {
    return this.database.use((db) => delivery.unaudited(db, limit));
  }

  markAudited(id: string): void {
    this.database.use((db) => {
      delivery.markAudited(db, id);
    });
  }

  /** Acknowledged upstream: the payload (NIK, NPWPD) is deleted; the status stays. */
  markDelivered(id: string, now: number): void {
    this.database.use((db) => {
      delivery.markDelivered(db, id, now);
    });
  }

  /**
   * A failed attempt. `uncertain`: the request left and no answer came, so the receiver may hold
   * the record (counted, for the audit record of the delivery: docs/return-data.md).
   */
  markAttemptFailed(
    id: string,
    reason: string,
    nextAttemptAt: number | 'dead',
    uncertain = false,
  ): void {
    this.database.use((db) => {
      delivery.recordAttemptFailed(db, id, reason, nextAttemptAt, uncertain ? 1 : 0);
    });
  }

  /** Dead letters back into the queue (an operator decided to try again). */
  retry(ids: readonly string[] | 'all-failed', now: number): number {
    return this.database.use((db) => deadLetters.retry(db, ids, now));
  }

  counts(): Record<DeliveryStatus, number> & { payloads: number } {
    return this.database.use((db) => deadLetters.counts(db));
  }

  deadLetters(limit = 500): Delivery[] {
    return this.database.use((db) => deadLetters.deadLetters(db, limit));
  }

  /** Copies the WAL into the database and truncates it, so erased payloads leave no old frames. */
  checkpoint(): void {
    this.database.use((db) => {
      db.pragma('wal_checkpoint(TRUNCATE)');
    });
  }

  close(): void {
    try {
      this.checkpoint();
    } catch {
      // A full or failing disk: what the WAL holds is checkpointed when it next opens.
    }
    this.database.close();
  }
}
