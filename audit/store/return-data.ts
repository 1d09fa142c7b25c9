/**
 * Return data against access (PKS Pasal 2(2)b), from the audit trail: every resident accessed (by
 * HMAC) against the return data delivered for them. Aggregates only. The coverage table feeds the
 * report and GET /v1/return-data/coverage; the overdue count feeds the hourly anomaly scan.
 */
import type { Database } from 'better-sqlite3';
import type { CoverageRow } from '../types.ts';
import { LOCAL_MONTH } from './usage.ts';

const DAY_MS = 86_400_000;

/** A resident's data was accessed: a successful lookup or card read with a subject. */
const ACCESSED = "type IN ('lookup', 'card_read') AND outcome = 'success' AND subject IS NOT NULL";

/** Return data was delivered for the subject of `alias`. */
const deliveredFor = (alias: string): string =>
  `EXISTS (SELECT 1 FROM audit_records r WHERE r.type = 'return_data' AND r.event = 'delivered' AND r.subject = ${alias}.subject)`;

/** By accessing client and month of first access; overdue once `withinDays` have passed. */
export function returnDataCoverage(
  db: Database,
  options: {
    now: number;
    withinDays: number;
    from?: string;
    to?: string;
    utcOffsetMinutes?: number;
  },
): CoverageRow[] {
  const cutoff = new Date(options.now - options.withinDays * DAY_MS).toISOString();
  return db
    .prepare(
      `WITH accessed AS (
         SELECT subject, principal_id AS client, MIN(time) AS first FROM audit_records
         WHERE ${ACCESSED} AND time >= ? AND time < ?
         GROUP BY subject, principal_id
       ), matched AS (
         SELECT client, first, ${deliveredFor('accessed')} AS returned FROM accessed
       )
       SELECT client, ${LOCAL_MONTH('first')} AS month, COUNT(*) AS accessed, SUM(returned) AS returned,
              SUM(CASE WHEN returned = 0 AND first < ? THEN 1 ELSE 0 END) AS overdue
       FROM matched GROUP BY client, month ORDER BY month, client`,
    )
    .all(
      options.from ?? '0000',
      options.to ?? '9999',
      options.utcOffsetMinutes ?? 0,
      cutoff,
    ) as CoverageRow[];
}

/** Distinct residents accessed before `accessedBefore` (ISO) with no return data delivered. */
export function countOverdueReturnData(db: Database, accessedBefore: string): number {
  const row = db
    .prepare(
      `SELECT COUNT(DISTINCT a.subject) AS overdue FROM audit_records a
       WHERE ${ACCESSED} AND a.time < ?
       AND NOT ${deliveredFor('a')}`,
    )
    .get(accessedBefore) as { overdue: number };
  return row.overdue;
}
