/**
 * An outbox.db written before deliveries recorded pending audits and uncertain attempts opens
 * with both columns added, its queued delivery intact and still due.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { OutboxStore } from './outbox.ts';

const dir = mkdtempSync(join(tmpdir(), 'gerbang-outbox-cols-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The deliveries table as the first release created it. */
const FIRST_RELEASE = `
CREATE TABLE deliveries (
  id TEXT PRIMARY KEY, client TEXT NOT NULL, idempotency_key TEXT, request_hash TEXT NOT NULL,
  subject TEXT NOT NULL, jenis_pajak TEXT NOT NULL, reference TEXT NOT NULL,
  upstream_key TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('queued', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, last_error TEXT,
  created_at TEXT NOT NULL, delivered_at TEXT, UNIQUE (client, idempotency_key)
) STRICT;
CREATE TABLE payloads (
  delivery_id TEXT PRIMARY KEY REFERENCES deliveries(id), nik TEXT NOT NULL, npwpd TEXT NOT NULL
) STRICT;
INSERT INTO deliveries VALUES ('d1', 'app-pendaftaran', NULL, 'h', 's', '["PBB_P2"]', 'R', 'u1',
  'queued', 2, 0, 'down', '2026-01-01T00:00:00.000Z', NULL);
INSERT INTO payloads VALUES ('d1', '6474015709900001', '0001.07.02');
`;

describe('OutboxStore on an outbox.db of the first release', () => {
  it('adds the columns and keeps the queued delivery due', () => {
    const path = join(dir, 'outbox.db');
    const old = new Database(path);
    old.exec(FIRST_RELEASE);
    old.close();
    const outbox = new OutboxStore(path);
    try {
      expect(outbox.due(1, 10)).toEqual([
        expect.objectContaining({ id: 'd1', attempts: 2, uncertainAttempts: 0, status: 'queued' }),
      ]);
      outbox.markAttemptFailed('d1', 'no answer', 5, true);
      expect(outbox.get('d1')).toMatchObject({ attempts: 3, uncertainAttempts: 1 });
      outbox.markAcknowledged('d1', 10);
      expect(outbox.unaudited(10).map((d) => d.id)).toEqual(['d1']);
      expect(outbox.due(100, 10)).toEqual([]);
      outbox.markAudited('d1');
      expect(outbox.unaudited(10)).toEqual([]);
      expect(outbox.counts()).toEqual({ queued: 0, delivered: 1, failed: 0, payloads: 0 });
    } finally {
      outbox.close();
    }
  });
});
