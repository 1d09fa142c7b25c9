/**
 * The outbox's dead letters and its counts: deliveries that failed for good, put back into the
 * queue when an operator decides to try again, and how many deliveries and payloads there are.
 * Functions of the open connection that `OutboxStore` (outbox.ts) holds.
 */
import type { Database as DatabaseType } from 'better-sqlite3';
import type { Delivery, DeliveryStatus } from './port.ts';
import { toDelivery, type Row } from './outbox-schema.ts';

/** Dead letters back into the queue (an operator decided to try again). */
export function retry(
  db: DatabaseType,
  ids: readonly string[] | 'all-failed',
  now: number,
): number {
  if (ids === 'all-failed')
    return db
      .prepare(
        "UPDATE deliveries SET status = 'queued', attempts = 0, next_attempt_at = ? WHERE status = 'failed'",
      )
      .run(now).changes;
  let changed = 0;
  for (const id of ids)
    changed += db
      .prepare(
        "UPDATE deliveries SET status = 'queued', attempts = 0, next_attempt_at = ? WHERE id = ? AND status = 'failed'",
      )
      .run(now, id).changes;
  return changed;
}

export function counts(db: DatabaseType): Record<DeliveryStatus, number> & { payloads: number } {
  const counts = { queued: 0, delivered: 0, failed: 0, payloads: 0 };
  for (const row of db
    .prepare('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status')
    .all() as { status: DeliveryStatus; n: number }[])
    counts[row.status] = row.n;
  counts.payloads = (db.prepare('SELECT COUNT(*) AS n FROM payloads').get() as { n: number }).n;
  return counts;
}

export function deadLetters(db: DatabaseType, limit: number): Delivery[] {
  return (
    db
      .prepare("SELECT * FROM deliveries WHERE status = 'failed' ORDER BY created_at LIMIT ?")
      .all(limit) as Row[]
  ).map(toDelivery);
}
