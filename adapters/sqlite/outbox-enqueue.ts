/**
 * Putting a delivery into the outbox: queued with its payload row (the NIK and NPWPD it needs)
 * under the client's idempotency key, or taken out again when its submission could not be
 * audited. Functions of the open connection that `OutboxStore` (outbox.ts) holds.
 */
import { randomUUID } from 'node:crypto';
import type { Database as DatabaseType } from 'better-sqlite3';
import type { Delivery, Outbox } from './port.ts';
import { toDelivery, type Row } from './outbox-schema.ts';

/**
 * Queues a delivery, or returns the one already queued under the same client and idempotency
 * key. `conflict` when that key was used for a different request.
 */
export function enqueue(
  db: DatabaseType,
  input: Parameters<Outbox['enqueue']>[0],
): { kind: 'created' | 'existing'; delivery: Delivery } | { kind: 'conflict' } {
  return db
    .transaction(() => {
      if (input.idempotencyKey !== undefined) {
        const existing = db
          .prepare('SELECT * FROM deliveries WHERE client = ? AND idempotency_key = ?')
          .get(input.client, input.idempotencyKey) as Row | undefined;
        if (existing)
          return existing.request_hash === input.requestHash
            ? { kind: 'existing' as const, delivery: toDelivery(existing) }
            : { kind: 'conflict' as const };
      }
      const id = randomUUID();
      db.prepare(
        'INSERT INTO deliveries (id, client, idempotency_key, request_hash, subject, jenis_pajak, reference, upstream_key, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(
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
      db.prepare('INSERT INTO payloads (delivery_id, nik, npwpd) VALUES (?, ?, ?)').run(
        id,
        input.nik,
        input.npwpd,
      );
      return {
        kind: 'created' as const,
        delivery: toDelivery(db.prepare('SELECT * FROM deliveries WHERE id = ?').get(id) as Row),
      };
    })
    .immediate();
}

/** Removes a delivery just created whose submission could not be audited (fail closed). */
export function cancel(db: DatabaseType, id: string): void {
  db.transaction(() => {
    db.prepare('DELETE FROM payloads WHERE delivery_id = ?').run(id);
    db.prepare('DELETE FROM deliveries WHERE id = ?').run(id);
  }).immediate();
}
