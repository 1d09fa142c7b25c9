/**
 * Return-data coverage (PKS Pasal 2(2)b): every resident accessed (by HMAC) against the return
 * data delivered for them, by accessing client and month of first access. Aggregates only.
 */
import type { Database } from 'better-sqlite3';

export interface CoverageRow {
  readonly client: string;
  readonly month: string;
  readonly accessed: number;
  readonly returned: number;
  readonly overdue: number;
}

export function returnDataCoverage(
  db: Database,
  options: { now: number; withinDays: number; from?: string; to?: string },
): CoverageRow[] {
  const cutoff = new Date(options.now - options.withinDays * 86_400_000).toISOString();
  return db
    .prepare(
      `WITH accessed AS (
         SELECT subject, principal_id AS client, MIN(time) AS first FROM audit_records
         WHERE type IN ('lookup', 'card_read') AND outcome = 'success' AND subject IS NOT NULL
           AND time >= ? AND time < ?
         GROUP BY subject, principal_id
       ), matched AS (
         SELECT client, first, EXISTS (
           SELECT 1 FROM audit_records r WHERE r.type = 'return_data' AND r.event = 'delivered' AND r.subject = accessed.subject
         ) AS returned FROM accessed
       )
       SELECT client, substr(first, 1, 7) AS month, COUNT(*) AS accessed, SUM(returned) AS returned,
              SUM(CASE WHEN returned = 0 AND first < ? THEN 1 ELSE 0 END) AS overdue
       FROM matched GROUP BY client, month ORDER BY month, client`,
    )
    .all(options.from ?? '0000', options.to ?? '9999', cutoff) as CoverageRow[];
}
