/**
 * The reports this gateway has issued, newest first, as the evaluator's console lists them: read
 * from the trail's `report_generated` records (every report is recorded before it is signed,
 * generate.ts), so the list is the trail's word and survives restarts. Each carries the anchor of
 * the report — the tree size and root of the signed checkpoint it cites — which the next
 * verification proves the trail consistent with (`gerbang audit proof --old-size N`), and, for a
 * semester report, its due date and whether it was made in time to count (PKS Pasal 8(1)).
 */
import type { AuditLogReader, AuditRecord } from '../../../audit/index.ts';
import { reportDue, semesterPeriod, type ReportDue } from './semester.ts';

/** How many issued reports the console lists (the trail holds every one). */
export const HISTORY_LIMIT = 100;

/**
 * `on_time`: a semester report made in its delivery month or later, before the due date ended;
 * `late`: made after it; `early`: made before the delivery month, so it does not meet Pasal 8(1);
 * `not_a_delivery`: a status report, which never does.
 */
export type Delivery = 'on_time' | 'late' | 'early' | 'not_a_delivery';

export interface IssuedReport {
  readonly seq: number;
  readonly time: string;
  readonly kind: 'semester' | 'status';
  /** `2026-S2`, or `status YYYY-MM-DD`. */
  readonly period: string;
  readonly sementara: boolean;
  readonly cutOff: string | undefined;
  readonly sha256: string;
  /** The principal that made it. */
  readonly by: string;
  /** The checkpoint the report cites; the root is recorded since issue 21 (older: undefined). */
  readonly anchor: { readonly treeSize: number | undefined; readonly rootHash: string | undefined };
  readonly due: ReportDue | undefined;
  readonly delivery: Delivery;
}

const SEMESTER_LABEL = /^(\d{4})-S([12])$/;

function deliveryOf(time: number, due: ReportDue | undefined): Delivery {
  if (due === undefined) return 'not_a_delivery';
  if (time < Date.parse(due.windowOpens)) return 'early';
  return time < Date.parse(due.dueEnd) ? 'on_time' : 'late';
}

function issuedReport(record: AuditRecord, timeZone: string): IssuedReport {
  const detail = record.detail ?? {};
  const text = (key: string): string | undefined =>
    typeof detail[key] === 'string' ? detail[key] : undefined;
  const kind = detail['kind'] === 'semester' ? 'semester' : 'status';
  const period = text('period') ?? '';
  const match = kind === 'semester' ? SEMESTER_LABEL.exec(period) : null;
  const half = match?.[2] === '1' ? 1 : 2;
  const due = match ? reportDue(Number(match[1]), half, timeZone) : undefined;
  const time = Date.parse(record.time);
  // Records from before the partial mark existed: partial if made before the half ended.
  const sementara =
    typeof detail['sementara'] === 'boolean'
      ? detail['sementara']
      : match === null || time < Date.parse(semesterPeriod(Number(match[1]), half, timeZone).to);
  const treeSize = detail['checkpoint'];
  return {
    seq: record.seq,
    time: record.time,
    kind,
    period,
    sementara,
    cutOff: text('cutOff'),
    sha256: text('sha256') ?? '',
    by: record.principal?.id ?? 'unknown',
    anchor: {
      treeSize: typeof treeSize === 'number' ? treeSize : undefined,
      rootHash: text('checkpointRoot'),
    },
    due,
    delivery: deliveryOf(time, due),
  };
}

/** The newest `limit` reports made, newest first; due dates cut in `timeZone`. */
export function issuedReports(
  reader: Pick<AuditLogReader, 'query'>,
  timeZone: string,
  limit = HISTORY_LIMIT,
): IssuedReport[] {
  const { items } = reader.query({
    type: 'audit',
    event: 'report_generated',
    outcome: 'success',
    limit,
    newest: true,
  });
  return items.map((record) => issuedReport(record, timeZone));
}
