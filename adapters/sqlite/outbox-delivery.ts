/**
 * Delivering from the outbox: the deliveries due with their payload, and what an attempt leaves
 * (acknowledged and the payload deleted, audited, failed and when to try again). Functions of the
 * open connection that `OutboxStore` (outbox.ts) holds.
 */
import type { Database as DatabaseType } from 'better-sqlite3';
import type { Delivery, DueDelivery } from './port.ts';
import { toDelivery, type Row } from './outbox-schema.ts';

export function get(db: DatabaseType, id: string): Delivery | undefined {
  const row = db.prepare('SELECT * FROM deliveries WHERE id = ?').get(id) as Row | undefined;
  return row ? toDelivery(row) : undefined;
}

export function due(db: DatabaseType, now: number, limit: number): DueDelivery[] {
  const rows = db
    .prepare(
      "SELECT d.*, p.nik, p.npwpd FROM deliveries d JOIN payloads p ON p.delivery_id = d.id WHERE d.status = 'queued' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at LIMIT ?",
    )
    .all(now, limit) as (Row & { nik: string; npwpd: string })[];
  return rows.map((row) => ({ ...toDelivery(row), nik: row.nik, npwpd: row.npwpd }));
}

/** Delivered and the payload deleted, `audit_pending` until `markAudited` (see outbox.ts). */
export function markAcknowledged(db: DatabaseType, id: string, now: number): void {
  db.transaction(() => {
    db.prepare(
      "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL, audit_pending = 1 WHERE id = ? AND status = 'queued'",
    ).run(new Date(now).toISOString(), id);
    db.prepare('DELETE FROM payloads WHERE delivery_id = ?').run(id);
  }).immediate();
}

/** Deliveries acknowledged whose audit record is still to be written, oldest first. */
export function unaudited(db: DatabaseType, limit: number): Delivery[] {
  return (
    db
      .prepare('SELECT * FROM deliveries WHERE audit_pending = 1 ORDER BY delivered_at LIMIT ?')
      .all(limit) as Row[]
  ).map(toDelivery);
}

export function markAudited(db: DatabaseType, id: string): void {
  db.prepare('UPDATE deliveries SET audit_pending = 0 WHERE id = ?').run(id);
}

/** Acknowledged upstream: the payload (NIK, NPWPD) is deleted; the status stays. */
export function markDelivered(db: DatabaseType, id: string, now: number): void {
  db.transaction(() => {
    db.prepare(
      "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE id = ?",
    ).run(new Date(now).toISOString(), id);
    db.prepare('DELETE FROM payloads WHERE delivery_id = ?').run(id);
  }).immediate();
}

/** A failed attempt; `uncertain` (1) counts one that went unanswered. */
export function recordAttemptFailed(
  db: DatabaseType,
  id: string,
  reason: string,
  nextAttemptAt: number | 'dead',
  uncertain: number,
): void {
  if (nextAttemptAt === 'dead') {
    db.prepare(
      "UPDATE deliveries SET status = 'failed', attempts = attempts + 1, uncertain_attempts = uncertain_attempts + ?, last_error = ? WHERE id = ?",
    ).run(uncertain, reason, id);
  } else {
    db.prepare(
      'UPDATE deliveries SET attempts = attempts + 1, uncertain_attempts = uncertain_attempts + ?, last_error = ?, next_attempt_at = ? WHERE id = ?',
    ).run(uncertain, reason, nextAttemptAt, id);
  }
}
