/**
 * The semester calendar of PKS Pasal 8(1): "laporan berkala … per semester, bulan Juni untuk
 * semester pertama dan bulan Desember untuk semester kedua". The report of a half is due *in* the
 * half's last month, so the report that meets the obligation is necessarily made before the half
 * ends: it counts up to its cut-off (the instant it is made) and is marked `sementara`. The final
 * report of the half, counting to the half's end, can be made from the first instant of the next
 * half (docs/reports.md). Everything is cut in the agreement's zone. Pure: no I/O.
 */
import { startOfDayInZone, zoneOffsetMs } from '../../../policies/index.ts';

export type Half = 1 | 2;

export interface Period {
  readonly label: string;
  readonly from: string; // ISO instant, inclusive
  readonly to: string; // ISO instant, exclusive
  readonly timeZone: string;
}

/** Semester `half` of `year` in `timeZone`: January–June or July–December (PKS Pasal 8). */
export function semesterPeriod(year: number, half: Half, timeZone: string): Period {
  const from = half === 1 ? `${year}-01-01` : `${year}-07-01`;
  const to = half === 1 ? `${year}-07-01` : `${year + 1}-01-01`;
  return {
    label: `${year}-S${half}`,
    from: new Date(startOfDayInZone(from, timeZone)).toISOString(),
    to: new Date(startOfDayInZone(to, timeZone)).toISOString(),
    timeZone,
  };
}

/** The half that `instant` falls in, in `timeZone`. */
export function semesterOf(instant: number, timeZone: string): { year: number; half: Half } {
  const local = new Date(instant + zoneOffsetMs(instant, timeZone));
  return { year: local.getUTCFullYear(), half: local.getUTCMonth() < 6 ? 1 : 2 };
}

/** The half before `year`/`half`. */
export function previousSemester(year: number, half: Half): { year: number; half: Half } {
  return half === 1 ? { year: year - 1, half: 2 } : { year, half: 1 };
}

/**
 * What a report made at `now` counts: records before `cutOff`. Made before the half ends, the
 * cut-off is `now` and the report is `sementara` (provisional: the half is not over); made after,
 * the cut-off is the half's end and the report is final.
 */
export function reportCutOff(
  period: Period,
  now: number,
): { readonly cutOff: string; readonly sementara: boolean } {
  const end = Date.parse(period.to);
  return now < end
    ? { cutOff: new Date(now).toISOString(), sementara: true }
    : { cutOff: period.to, sementara: false };
}

/** When the report of a half is due (PKS Pasal 8(1)): in its last month, June or December. */
export interface ReportDue {
  readonly semester: string; // "2026-S1"
  /** The month the PKS names, "YYYY-MM" in the agreement's zone. */
  readonly deliveryMonth: string;
  /** The first instant of that month: a semester report made from here on meets the obligation. */
  readonly windowOpens: string;
  /** The last day of that month (the due date), "YYYY-MM-DD" in the agreement's zone. */
  readonly dueDate: string;
  /** The instant the due date ends (= the half's end): a report not made by then is overdue. */
  readonly dueEnd: string;
  readonly timeZone: string;
}

export function reportDue(year: number, half: Half, timeZone: string): ReportDue {
  const month = half === 1 ? '06' : '12';
  return {
    semester: `${year}-S${half}`,
    deliveryMonth: `${year}-${month}`,
    windowOpens: new Date(startOfDayInZone(`${year}-${month}-01`, timeZone)).toISOString(),
    dueDate: `${year}-${month}-${half === 1 ? '30' : '31'}`,
    dueEnd: semesterPeriod(year, half, timeZone).to,
    timeZone,
  };
}
