/**
 * Which semester report is due next (PKS Pasal 8(1)), by when, and whether it has been made: read
 * from the trail's `report_generated` records (every generated report is signed, generate.ts), so
 * the answer is the same on the evaluator page, the admin console and the reminder job.
 */
import type { AuditLogReader, AuditRecord } from '../../../audit/index.ts';
import { calendarDateIn } from '../../../policies/index.ts';
import {
  previousSemester,
  reportDue,
  semesterOf,
  semesterPeriod,
  type Half,
  type ReportDue,
} from './semester.ts';

export const DEFAULT_REMINDER_DAYS = 14;

/** One semester report the trail says was made. */
export interface GeneratedSemesterReport {
  readonly time: string;
  readonly sementara: boolean;
  readonly cutOff: string | undefined;
  readonly sha256: string;
  readonly by: string;
}

/**
 * `upcoming`: not made, the reminder window has not begun; `reminder`: not made, the due date is
 * at most `reminderDays` days away; `overdue`: not made by the end of the due date; `met`: made in
 * the delivery month or later but before the due date ended; `met_late`: made only after it;
 * `not_owed`: no agreement is in force in the delivery month, so Pasal 8(1) asks nothing.
 */
export type DueState = 'upcoming' | 'reminder' | 'overdue' | 'met' | 'met_late' | 'not_owed';

export interface DueStatus {
  readonly due: ReportDue;
  readonly state: DueState;
  /** Calendar days from today to the due date in the agreement's zone (negative once past). */
  readonly daysLeft: number;
  readonly reminderDays: number;
  /** The first semester report of the half made from the delivery month on, if any. */
  readonly delivered: GeneratedSemesterReport | undefined;
  /** A final report of the half (made after its end), if any. */
  readonly final: GeneratedSemesterReport | undefined;
}

const DAY_MS = 86_400_000;

function daysBetween(fromDate: string, toDate: string): number {
  return Math.round(
    (Date.parse(`${toDate}T00:00:00Z`) - Date.parse(`${fromDate}T00:00:00Z`)) / DAY_MS,
  );
}

function asGenerated(record: AuditRecord, periodEnd: number): GeneratedSemesterReport {
  const detail = record.detail ?? {};
  const time = record.time;
  // Records from before the partial mark existed: partial if made before the half ended.
  const sementara =
    typeof detail['sementara'] === 'boolean' ? detail['sementara'] : Date.parse(time) < periodEnd;
  return {
    time,
    sementara,
    cutOff: typeof detail['cutOff'] === 'string' ? detail['cutOff'] : undefined,
    sha256: typeof detail['sha256'] === 'string' ? detail['sha256'] : '',
    by: record.principal?.role ?? 'unknown',
  };
}

/** The semester reports of `year`/`half` made since its delivery month opened, oldest first. */
function generatedFor(
  reader: Pick<AuditLogReader, 'query'>,
  due: ReportDue,
  periodEnd: number,
): GeneratedSemesterReport[] {
  const items = reader.query({
    type: 'audit',
    event: 'report_generated',
    from: due.windowOpens,
    limit: 1000,
  }).items;
  return items
    .filter((r) => r.detail?.['kind'] === 'semester' && r.detail['period'] === due.semester)
    .map((r) => asGenerated(r, periodEnd))
    .sort((a, b) => a.time.localeCompare(b.time));
}

interface DueInputs {
  readonly reader: Pick<AuditLogReader, 'query'>;
  readonly timeZone: string;
  readonly now: number;
  readonly reminderDays: number;
  readonly agreementInForce: (instant: number) => boolean;
}

function statusOf(inputs: DueInputs, year: number, half: Half): DueStatus {
  const { reader, timeZone, now, reminderDays } = inputs;
  const due = reportDue(year, half, timeZone);
  const end = Date.parse(semesterPeriod(year, half, timeZone).to);
  const made = generatedFor(reader, due, end);
  const delivered = made[0];
  const daysLeft = daysBetween(calendarDateIn(now, timeZone), due.dueDate);
  const owed =
    inputs.agreementInForce(Date.parse(due.windowOpens)) || inputs.agreementInForce(end - 1);
  let state: DueState;
  if (delivered !== undefined) state = Date.parse(delivered.time) < end ? 'met' : 'met_late';
  else if (!owed) state = 'not_owed';
  else if (now >= end) state = 'overdue';
  else state = daysLeft <= reminderDays ? 'reminder' : 'upcoming';
  return {
    due,
    state,
    daysLeft,
    reminderDays,
    delivered,
    final: made.find((r) => !r.sementara),
  };
}

/** The time of the trail's oldest record: this gateway cannot have reported before it existed. */
function trailBegins(reader: Pick<AuditLogReader, 'query'>): number | undefined {
  const first = reader.query({ limit: 1 }).items[0];
  return first === undefined ? undefined : Date.parse(first.time);
}

/**
 * The report to act on at `now`: the previous half's while it is overdue (not made at all, an
 * agreement was in force in its delivery month, and the trail reaches back before its due date
 * ended), otherwise the current half's. `agreementInForce` is the registry's view (the agreement
 * as amended, read through its API), so a half outside every agreement is `not_owed`.
 */
export function nextDueReport(options: {
  readonly reader: Pick<AuditLogReader, 'query'>;
  readonly timeZone: string;
  readonly now: number;
  readonly reminderDays?: number | undefined;
  readonly agreementInForce?: (instant: number) => boolean;
}): DueStatus {
  const { reader, timeZone, now } = options;
  const inputs: DueInputs = {
    reader,
    timeZone,
    now,
    reminderDays: options.reminderDays ?? DEFAULT_REMINDER_DAYS,
    agreementInForce: options.agreementInForce ?? (() => true),
  };
  const current = semesterOf(now, timeZone);
  const before = previousSemester(current.year, current.half);
  const previous = statusOf(inputs, before.year, before.half);
  const begins = trailBegins(reader);
  if (
    previous.state === 'overdue' &&
    begins !== undefined &&
    begins < Date.parse(previous.due.dueEnd)
  )
    return previous;
  return statusOf(inputs, current.year, current.half);
}
