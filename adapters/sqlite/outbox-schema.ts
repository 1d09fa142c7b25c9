/**
 * outbox.db's schema, the columns added to an older file when it opens, and the row of a delivery
 * as stored and as the port's `Delivery`. Apart from the queries (outbox-enqueue.ts,
 * outbox-delivery.ts, outbox-dead-letters.ts), which all read this row.
 */
import type { Database as DatabaseType } from 'better-sqlite3';
import type { Delivery, DeliveryStatus } from './port.ts';

export const SCHEMA = `
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

export interface Row {
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

export function toDelivery(row: Row): Delivery {
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
export function addDeliveryColumns(db: DatabaseType): DatabaseType {
  const columns = new Set(
    (db.prepare('PRAGMA table_info(deliveries)').all() as { name: string }[]).map((c) => c.name),
  );
  if (!columns.has('audit_pending'))
    db.exec('ALTER TABLE deliveries ADD COLUMN audit_pending INTEGER NOT NULL DEFAULT 0');
  if (!columns.has('uncertain_attempts'))
    db.exec('ALTER TABLE deliveries ADD COLUMN uncertain_attempts INTEGER NOT NULL DEFAULT 0');
  return db;
}
