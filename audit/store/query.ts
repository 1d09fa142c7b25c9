/**
 * Searching the audit trail for officers: by time range, client, operator, reader, type,
 * outcome and subject (the HMAC of a NIK, which the gateway computes so that an officer can trace
 * one resident without the trail holding any NIK). Pages by sequence number, oldest first
 * (`after`) or newest first (`before`).
 */
import type { Database } from 'better-sqlite3';
import type { AuditPage, AuditQuery } from '../types.ts';
import { recordFromRow } from './reader.ts';

/** The equality filters and their columns. */
const COLUMNS: readonly [
  'client' | 'operator' | 'reader' | 'type' | 'event' | 'outcome' | 'requestId',
  string,
][] = [
  ['client', 'principal_id'],
  ['operator', 'operator'],
  ['reader', 'reader_id'],
  ['type', 'type'],
  ['event', 'event'],
  ['outcome', 'outcome'],
  ['requestId', 'request_id'],
];

export function queryAuditRecords(db: Database, query: AuditQuery): AuditPage {
  const where: string[] = ['seq > ?'];
  const parameters: (string | number)[] = [query.after ?? 0];
  for (const [key, column] of COLUMNS) {
    const value = query[key];
    if (value !== undefined) {
      where.push(`${column} = ?`);
      parameters.push(value);
    }
  }
  if (query.before !== undefined) {
    where.push('seq < ?');
    parameters.push(query.before);
  }
  if (query.subjects !== undefined) {
    where.push(`subject IN (${query.subjects.map(() => '?').join(', ') || 'NULL'})`);
    parameters.push(...query.subjects);
  }
  if (query.from !== undefined) {
    where.push('time >= ?');
    parameters.push(query.from);
  }
  if (query.to !== undefined) {
    where.push('time < ?');
    parameters.push(query.to);
  }
  const rows = db
    .prepare(
      `SELECT seq, body, hash FROM audit_records WHERE ${where.join(' AND ')} ORDER BY seq ${query.newest === true ? 'DESC' : ''} LIMIT ?`,
    )
    .all(...parameters, query.limit + 1) as { seq: number; body: string; hash: string }[];
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(recordFromRow),
    next: rows.length > query.limit ? (page.at(-1)?.seq ?? null) : null,
  };
}
