/**
 * Every column of every database Gerbang writes, checked against a list that says why it cannot
 * hold population data. A new column fails this test until someone decides, in review, what it
 * may hold. The two columns that do hold population data are transient: erased on delivery.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareInstance, spawnGerbang, waitForHealth } from './helpers/child-gateway.ts';

const dir = mkdtempSync(join(tmpdir(), 'gerbang-schema-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** table.column → why it holds no population data. */
const COLUMNS: Readonly<Record<string, string>> = {
  'audit_records.seq': 'a number',
  'audit_records.body':
    'canonical record; fields are fixed by recordBody, subjects are HMACs (the retention scan checks the bytes)',
  'audit_records.hash': 'SHA-256',
  'audit_records.time': 'generated: time',
  'audit_records.type': 'generated: event type',
  'audit_records.event': 'generated: event name',
  'audit_records.principal_id': 'generated: client id',
  'audit_records.operator': 'generated: operator id (no 16-digit runs allowed)',
  'audit_records.reader_id': 'generated: reader id',
  'audit_records.outcome': 'generated: outcome',
  'audit_records.subject': 'generated: HMAC of the NIK',
  'audit_records.request_id': 'generated: request id',
  'audit_checkpoints.tree_size': 'a number',
  'audit_checkpoints.body': 'signed tree head',
  'audit_timestamps.tree_size': 'a number',
  'audit_timestamps.token':
    "an RFC 3161 token (DER, base64): the TSA's signature over a SHA-256 of a signed checkpoint, and the TSA's certificates",
  'audit_timestamps.gen_time': "the TSA's time",
  'audit_anchor.id': 'a number',
  'audit_anchor.tree_size': 'a number',
  'audit_anchor.body': 'signed tree head and Merkle frontier',
  'audit_cursors.name': 'cursor name',
  'audit_cursors.seq': 'a number',
  'agreements_added.number': 'agreement number',
  'agreements_added.body': 'agreement terms',
  'agreements_added.added_at': 'time',
  'agreement_changes.number': 'agreement number',
  'agreement_changes.terminated_at': 'time',
  'agreement_changes.termination_reason': 'administrator text (no 16-digit runs allowed)',
  'agreement_changes.iso27001_submitted_on': 'date',
  'agreement_instruments.number': 'instrument number',
  'agreement_instruments.agreement': 'agreement number',
  'agreement_instruments.body': 'instrument terms (kind, dates, hash, elements)',
  'agreement_instruments.added_at': 'time',
  'agreement_suspensions.agreement': 'agreement number',
  'agreement_suspensions.suspended_at': 'time',
  'agreement_suspensions.reason': 'administrator text (no 16-digit runs allowed)',
  'agreement_suspensions.resumed_at': 'time',
  'agreement_suspensions.changed_by': 'principal id',
  'client_status.id': 'client id',
  'client_status.suspended': 'flag',
  'client_status.reason': 'administrator text (no 16-digit runs allowed)',
  'client_status.changed_at': 'time',
  'crl_high_water.issuer_sha256': 'SHA-256 of the CA certificate',
  'crl_high_water.crl_number': 'a number',
  'crl_high_water.this_update': 'time',
  'crl_high_water.accepted_at': 'time',
  'clock_baseline.id': 'a number',
  'clock_baseline.acknowledged_at': 'time',
  'readers.id': 'reader id',
  'readers.sam_serial': 'SAM serial',
  'readers.sam_certificate': 'SAM certificate',
  'readers.sam_fingerprint': 'SHA-256',
  'readers.state': 'state',
  'readers.reason': 'administrator text (no 16-digit runs allowed)',
  'readers.changed_at': 'time',
  'readers.changed_by': 'principal id',
  'deliveries.id': 'uuid',
  'deliveries.client': 'client id',
  'deliveries.idempotency_key': "the client's key (no 16-digit runs allowed)",
  'deliveries.request_hash': 'keyed HMAC',
  'deliveries.subject': 'HMAC of the NIK',
  'deliveries.jenis_pajak': 'tax type codes',
  'deliveries.reference': 'case reference (no 16-digit runs allowed)',
  'deliveries.upstream_key': 'uuid',
  'deliveries.status': 'state',
  'deliveries.attempts': 'a number',
  'deliveries.uncertain_attempts': 'a number',
  'deliveries.audit_pending': 'a flag',
  'deliveries.next_attempt_at': 'time',
  'deliveries.last_error': 'fixed failure reason',
  'deliveries.created_at': 'time',
  'deliveries.delivered_at': 'time',
  'payloads.delivery_id': 'uuid',
};

/** Population data, held only until Dukcapil acknowledges the return data; then the row is deleted. */
const TRANSIENT: ReadonlySet<string> = new Set(['payloads.nik', 'payloads.npwpd']);

describe('database schemas', () => {
  it(
    'have no column that could hold population data beyond the transient return-data payload',
    { timeout: 60_000 },
    async () => {
      const instance = await prepareInstance(undefined, dir);
      const gateway = spawnGerbang(['serve'], instance.dir, { stdio: 'ignore' });
      const agent = instance.agent('app-pendaftaran');
      await waitForHealth(instance.url, agent);
      gateway.kill('SIGTERM');
      await new Promise((r) => gateway.once('exit', r));
      await agent.close();
      await instance.simulator.close();

      const unexplained: string[] = [];
      for (const file of ['audit.db', 'state.db', 'outbox.db']) {
        const db = new Database(join(instance.dir, file), { readonly: true });
        const tables = (
          db
            .prepare(
              "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .all() as { name: string }[]
        ).map((t) => t.name);
        for (const table of tables) {
          for (const column of db.prepare(`SELECT name FROM pragma_table_xinfo(?)`).all(table) as {
            name: string;
          }[]) {
            const key = `${table}.${column.name}`;
            if (COLUMNS[key] === undefined && !TRANSIENT.has(key))
              unexplained.push(`${file}: ${key}`);
          }
        }
        db.close();
      }
      expect(unexplained).toEqual([]);
    },
  );
});
