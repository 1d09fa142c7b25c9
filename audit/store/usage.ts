/**
 * What clients used, computed from the audit trail (aggregates only: counts, distinct HMAC
 * subjects; never a NIK or a name): the compliance report's figures, whose caller adds what lives
 * outside the trail (agreement, readers) and the signed checkpoint they were computed from; and
 * the upstream calls already spent today, which the quotas restore after a restart.
 */
import type { Database } from 'better-sqlite3';
import type { UsageFigures } from '../types.ts';

const DATA_TYPES = "('lookup', 'verify', 'card_read')";

/**
 * The SQL of a record's month ("YYYY-MM") in the zone `?` minutes east of UTC: a lookup at
 * 00:30 on 1 July in Makassar is July's, although it is still 30 June in UTC. One offset for the
 * whole period: the agreements' zones (WIB, WITA, WIT) keep no daylight saving time.
 */
export const LOCAL_MONTH = (column: string): string =>
  `substr(datetime(${column}, printf('%+d minutes', ?)), 1, 7)`;

export function computeUsage(
  db: Database,
  range: { from: string; to: string; utcOffsetMinutes?: number },
): UsageFigures {
  const args = [range.from, range.to];
  const where = `time >= ? AND time < ? AND type IN ${DATA_TYPES}`;
  const byMonth = db
    .prepare(
      `SELECT ${LOCAL_MONTH('time')} AS month, type, outcome, COUNT(*) AS count FROM audit_records WHERE ${where} GROUP BY month, type, outcome ORDER BY month, type, outcome`,
    )
    .all(range.utcOffsetMinutes ?? 0, ...args) as UsageFigures['byMonth'];
  const byClient = db
    .prepare(
      `SELECT principal_id AS client, type, outcome, COUNT(*) AS count FROM audit_records WHERE ${where} GROUP BY client, type, outcome ORDER BY client, type, outcome`,
    )
    .all(...args) as UsageFigures['byClient'];
  const byPurpose = db
    .prepare(
      `SELECT json_extract(body, '$.purpose') AS purpose, COUNT(*) AS count FROM audit_records WHERE ${where} AND purpose IS NOT NULL GROUP BY purpose ORDER BY purpose`,
    )
    .all(...args) as UsageFigures['byPurpose'];
  const elementsReleased: Record<string, number> = {};
  for (const row of db
    .prepare(
      `SELECT e.value AS element, COUNT(*) AS count FROM audit_records AS a, json_each(json_extract(a.body, '$.elementsReleased')) AS e WHERE a.time >= ? AND a.time < ? AND a.type IN ${DATA_TYPES} GROUP BY e.value ORDER BY e.value`,
    )
    .all(...args) as { element: string; count: number }[]) {
    elementsReleased[row.element] = row.count;
  }
  const distinctResidents = (
    db
      .prepare(
        `SELECT COUNT(DISTINCT subject) AS n FROM audit_records WHERE ${where} AND outcome = 'success'`,
      )
      .get(...args) as { n: number }
  ).n;
  const alerts = db
    .prepare(
      "SELECT json_extract(body, '$.detail.rule') AS rule, COUNT(*) AS count FROM audit_records WHERE time >= ? AND time < ? AND type = 'security' AND event = 'alert' GROUP BY rule ORDER BY rule",
    )
    .all(...args) as UsageFigures['alerts'];
  const scan = db
    .prepare(
      "SELECT time, body FROM audit_records WHERE type = 'system' AND event = 'retention_scan' ORDER BY seq DESC LIMIT 1",
    )
    .get() as { time: string; body: string } | undefined;
  const scanDetail = scan
    ? (
        JSON.parse(scan.body) as {
          detail?: { findings?: number; files?: number; selfTest?: boolean };
        }
      ).detail
    : undefined;
  const lastSeq =
    (db.prepare('SELECT MAX(seq) AS seq FROM audit_records').get() as { seq: number | null }).seq ??
    0;
  return {
    byMonth,
    byClient,
    byPurpose,
    elementsReleased,
    distinctResidents,
    alerts,
    ...(scan
      ? {
          latestRetentionScan: {
            time: scan.time,
            findings: scanDetail?.findings ?? -1,
            files: scanDetail?.files ?? 0,
            selfTest: scanDetail?.selfTest ?? false,
          },
        }
      : {}),
    lastSeq,
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

/**
 * The same calls per upstream, by the name the record carries (`detail.upstream`); records made
 * before upstreams had names were all with the one upstream, `default`.
 */
export function countUpstreamCallsByUpstreamSince(
  db: Database,
  sinceIso: string,
): Record<string, Record<string, number>> {
  const rows = db
    .prepare(
      "SELECT COALESCE(json_extract(body, '$.detail.upstream'), 'default') AS upstream, principal_id AS client, COUNT(*) AS calls FROM audit_records WHERE time >= ? AND json_extract(body, '$.detail.upstreamCalled') = 1 GROUP BY upstream, principal_id",
    )
    .all(sinceIso) as { upstream: unknown; client: string | null; calls: number }[];
  const counts: Record<string, Record<string, number>> = {};
  for (const row of rows) {
    if (row.client === null || typeof row.upstream !== 'string') continue;
    (counts[row.upstream] ??= {})[row.client] = row.calls;
  }
  return counts;
}
