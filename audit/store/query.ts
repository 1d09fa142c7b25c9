/**
 * Searching the audit trail for officers: by time range, client, operator, reader, type,
 * outcome and subject (the HMAC of a NIK, which the gateway computes so that an officer can trace
 * one resident without the trail holding any NIK). Pages by sequence number.
 */
import type { Database } from 'better-sqlite3';
import type { AuditRecord } from '../record.ts';

export interface AuditQuery {
  readonly from?: string; // ISO time, inclusive
  readonly to?: string; // ISO time, exclusive
  readonly client?: string;
  readonly operator?: string;
  readonly reader?: string;
  readonly type?: string;
  readonly event?: string;
  readonly outcome?: string;
  /** Records whose subject is any of these: one NIK under the current and retired HMAC keys. */
  readonly subjects?: readonly string[];
  readonly requestId?: string;
  /** Only records with a sequence number greater than this (the previous page's `next`). */
  readonly after?: number;
  readonly limit: number;
  /** The newest `limit` matches, newest first, as one page (`next` is null). */
  readonly newest?: boolean;
}

export interface AuditPage {
  readonly items: AuditRecord[];
  /** Pass as `after` for the next page; null when this was the last. */
  readonly next: number | null;
}

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
    items: page.map((row) => ({
      ...(JSON.parse(row.body) as Omit<AuditRecord, 'hash'>),
      hash: row.hash,
    })),
    next: query.newest !== true && rows.length > query.limit ? (page.at(-1)?.seq ?? null) : null,
  };
}

/**
 * Data requests that reached Dukcapil since `sinceIso`, per client: what today's quotas already
 * spent, so that a restart does not hand out a fresh quota.
 */
export function countUpstreamCallsSince(db: Database, sinceIso: string): Record<string, number> {
  const rows = db
    .prepare(
      "SELECT principal_id AS client, COUNT(*) AS calls FROM audit_records WHERE time >= ? AND json_extract(body, '$.detail.upstreamCalled') = 1 GROUP BY principal_id",
    )
    .all(sinceIso) as { client: string | null; calls: number }[];
  return Object.fromEntries(
    rows.flatMap((row) => (row.client === null ? [] : [[row.client, row.calls]])),
  );
}
