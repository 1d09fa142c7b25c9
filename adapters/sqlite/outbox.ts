/**
 * The return-data outbox: its own SQLite database (WAL, synchronous=FULL, secure_delete). The
 * population data a delivery needs (NIK, NPWPD) lives in a separate payload row that is deleted
 * as soon as Dukcapil acknowledges — with secure_delete on and the WAL truncated — while the
 * delivery's status stays, keyed by the NIK's HMAC.
 */
import { openPrivateDatabase, ReopeningDatabase } from './open.ts';
import type { SafeText } from '../../policies/index.ts';
import type { Delivery, DeliveryStatus, DueDelivery, Outbox } from './port.ts';
import type { Database as DatabaseType } from 'better-sqlite3';
import { randomUUID } from 'node:crypto';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  client TEXT NOT NULL,
  idempotency_key TEXT,
  request_hash TEXT NOT NULL,
  subject TEXT NOT NULL,
  jenis_pajak TEXT NOT NULL,
  reference TEXT NOT NULL,
  upstream_key TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('queued', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL,
  delivered_at TEXT,
  audit_pending INTEGER NOT NULL DEFAULT 0,
  uncertain_attempts INTEGER NOT NULL DEFAULT 0,
  UNIQUE (client, idempotency_key)
) STRICT;
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
CREATE TABLE IF NOT EXISTS payloads (
  delivery_id TEXT PRIMARY KEY REFERENCES deliveries(id),
  nik TEXT NOT NULL,
  npwpd TEXT NOT NULL
) STRICT;
`;

interface Row {
  id: string;
  client: string;
  subject: string;
  jenis_pajak: string;
  reference: string;
  upstream_key: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
  request_hash: string;
  audit_pending: number;
  uncertain_attempts: number;
}

function toDelivery(row: Row): Delivery {
  return {
    id: row.id,
    client: row.client,
    subject: row.subject,
    jenisPajak: JSON.parse(row.jenis_pajak) as string[],
    reference: row.reference,
    upstreamKey: row.upstream_key,
    status: row.status,
    attempts: row.attempts,
    uncertainAttempts: row.uncertain_attempts,
    nextAttemptAt: row.next_attempt_at,
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    createdAt: row.created_at,
    ...(row.delivered_at === null ? {} : { deliveredAt: row.delivered_at }),
  };
}

/**
 * Columns added after the first release (in SCHEMA for a new outbox.db), added to an existing one
 * when it opens: whether a delivery's acknowledgement is still to be audited, and how many
 * attempts went unanswered.
 */
function addDeliveryColumns(db: DatabaseType): DatabaseType {
  const columns = new Set(
    (db.prepare('PRAGMA table_info(deliveries)').all() as { name: string }[]).map((c) => c.name),
  );
  if (!columns.has('audit_pending'))
    db.exec('ALTER TABLE deliveries ADD COLUMN audit_pending INTEGER NOT NULL DEFAULT 0');
  if (!columns.has('uncertain_attempts'))
    db.exec('ALTER TABLE deliveries ADD COLUMN uncertain_attempts INTEGER NOT NULL DEFAULT 0');
  return db;
}

export class OutboxStore implements Outbox {
  // Opened on first use: an outbox.db that cannot be opened or written refuses return data
  // alone (StorageUnavailable, 503 outbox_unavailable), and is tried again later.
  private readonly database: ReopeningDatabase;

  constructor(path: string) {
    this.database = new ReopeningDatabase('outbox', path, () =>
      addDeliveryColumns(openPrivateDatabase(path, SCHEMA)),
    );
  }

  /** The open connection; only inside `this.database.use`, which opens it first. */
  private get db(): DatabaseType {
    return this.database.use((db) => db);
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
    return this.database.use(() => this.enqueueNow(input));
  }

  private enqueueNow(
    input: Parameters<Outbox['enqueue']>[0],
  ): { kind: 'created' | 'existing'; delivery: Delivery } | { kind: 'conflict' } {
    return this.db
      .transaction(() => {
        if (input.idempotencyKey !== undefined) {
          const existing = this.db
            .prepare('SELECT * FROM deliveries WHERE client = ? AND idempotency_key = ?')
            .get(input.client, input.idempotencyKey) as Row | undefined;
          if (existing)
            return existing.request_hash === input.requestHash
              ? { kind: 'existing' as const, delivery: toDelivery(existing) }
              : { kind: 'conflict' as const };
        }
        const id = randomUUID();
        this.db
          .prepare(
            'INSERT INTO deliveries (id, client, idempotency_key, request_hash, subject, jenis_pajak, reference, upstream_key, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            id,
            input.client,
            input.idempotencyKey ?? null,
            input.requestHash,
            input.subject,
            JSON.stringify(input.jenisPajak),
            input.reference,
            randomUUID(),
            'queued',
            input.now,
            new Date(input.now).toISOString(),
          );
        this.db
          .prepare('INSERT INTO payloads (delivery_id, nik, npwpd) VALUES (?, ?, ?)')
          .run(id, input.nik, input.npwpd);
        return {
          kind: 'created' as const,
          delivery: toDelivery(
            this.db.prepare('SELECT * FROM deliveries WHERE id = ?').get(id) as Row,
          ),
        };
      })
      .immediate();
  }

  /** Removes a delivery just created whose submission could not be audited (fail closed). */
  cancel(id: string): void {
    this.database.use(() => {
      this.db
        .transaction(() => {
          this.db.prepare('DELETE FROM payloads WHERE delivery_id = ?').run(id);
          this.db.prepare('DELETE FROM deliveries WHERE id = ?').run(id);
        })
        .immediate();
    });
  }

  get(id: string): Delivery | undefined {
    return this.database.use(() => {
      const row = this.db.prepare('SELECT * FROM deliveries WHERE id = ?').get(id) as
        Row | undefined;
      return row ? toDelivery(row) : undefined;
    });
  }

  due(now: number, limit: number): DueDelivery[] {
    return this.database.use(() => {
      const rows = this.db
        .prepare(
          "SELECT d.*, p.nik, p.npwpd FROM deliveries d JOIN payloads p ON p.delivery_id = d.id WHERE d.status = 'queued' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at LIMIT ?",
        )
        .all(now, limit) as (Row & { nik: string; npwpd: string })[];
      return rows.map((row) => ({ ...toDelivery(row), nik: row.nik, npwpd: row.npwpd }));
    });
  }

  /**
   * Acknowledged by the receiver, not yet in the audit trail: delivered (never sent again, the
   * payload deleted at once) and `audit_pending` until `markAudited`. The gateway's own record of
   * the acknowledgement, so that a trail that cannot be written does not make it re-send.
   */
  markAcknowledged(id: string, now: number): void {
    this.database.use(() => {
      this.db
        .transaction(() => {
          this.db
            .prepare(
              "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL, audit_pending = 1 WHERE id = ? AND status = 'queued'",
            )
            .run(new Date(now).toISOString(), id);
          this.db.prepare('DELETE FROM payloads WHERE delivery_id = ?').run(id);
        })
        .immediate();
    });
  }

  /** Deliveries acknowledged whose audit record is still to be written, oldest first. */
  unaudited(limit: number): Delivery[] {
    return this.database.use(() =>
      (
        this.db
          .prepare('SELECT * FROM deliveries WHERE audit_pending = 1 ORDER BY delivered_at LIMIT ?')
          .all(limit) as Row[]
      ).map(toDelivery),
    );
  }

  markAudited(id: string): void {
    this.database.use(() => {
      this.db.prepare('UPDATE deliveries SET audit_pending = 0 WHERE id = ?').run(id);
    });
  }

  /** Acknowledged upstream: the payload (NIK, NPWPD) is deleted; the status stays. */
  markDelivered(id: string, now: number): void {
    this.database.use(() => {
      this.db
        .transaction(() => {
          this.db
            .prepare(
              "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE id = ?",
            )
            .run(new Date(now).toISOString(), id);
          this.db.prepare('DELETE FROM payloads WHERE delivery_id = ?').run(id);
        })
        .immediate();
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
    this.database.use(() => {
      this.recordAttemptFailed(id, reason, nextAttemptAt, uncertain ? 1 : 0);
    });
  }

  private recordAttemptFailed(
    id: string,
    reason: string,
    nextAttemptAt: number | 'dead',
    uncertain: number,
  ): void {
    if (nextAttemptAt === 'dead') {
      this.db
        .prepare(
          "UPDATE deliveries SET status = 'failed', attempts = attempts + 1, uncertain_attempts = uncertain_attempts + ?, last_error = ? WHERE id = ?",
        )
        .run(uncertain, reason, id);
    } else {
      this.db
        .prepare(
          'UPDATE deliveries SET attempts = attempts + 1, uncertain_attempts = uncertain_attempts + ?, last_error = ?, next_attempt_at = ? WHERE id = ?',
        )
        .run(uncertain, reason, nextAttemptAt, id);
    }
  }

  /** Dead letters back into the queue (an operator decided to try again). */
  retry(ids: readonly string[] | 'all-failed', now: number): number {
    return this.database.use(() => {
      if (ids === 'all-failed')
        return this.db
          .prepare(
            "UPDATE deliveries SET status = 'queued', attempts = 0, next_attempt_at = ? WHERE status = 'failed'",
          )
          .run(now).changes;
      let changed = 0;
      for (const id of ids)
        changed += this.db
          .prepare(
            "UPDATE deliveries SET status = 'queued', attempts = 0, next_attempt_at = ? WHERE id = ? AND status = 'failed'",
          )
          .run(now, id).changes;
      return changed;
    });
  }

  counts(): Record<DeliveryStatus, number> & { payloads: number } {
    return this.database.use(() => {
      const counts = { queued: 0, delivered: 0, failed: 0, payloads: 0 };
      for (const row of this.db
        .prepare('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status')
        .all() as { status: DeliveryStatus; n: number }[])
        counts[row.status] = row.n;
      counts.payloads = (
        this.db.prepare('SELECT COUNT(*) AS n FROM payloads').get() as { n: number }
      ).n;
      return counts;
    });
  }

  deadLetters(limit = 500): Delivery[] {
    return this.database.use(() => {
      return (
        this.db
          .prepare("SELECT * FROM deliveries WHERE status = 'failed' ORDER BY created_at LIMIT ?")
          .all(limit) as Row[]
      ).map(toDelivery);
    });
  }

  /** Copies the WAL into the database and truncates it, so erased payloads leave no old frames. */
  checkpoint(): void {
    this.database.use(() => {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
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
