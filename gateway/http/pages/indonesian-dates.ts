/**
 * Dates and times as an Indonesian letter writes them: "1 Juli – 31 Desember 2026 (WITA)",
 * "3 Desember 2026 pukul 21.44 WITA". A period's end is exclusive in the data (the instant the
 * half ends) and inclusive on paper (its last day), so the page shows the day before. Zones are
 * named by the abbreviation of the region (WIB, WITA, WIT) and by their offset from UTC elsewhere.
 */
import {
  addDays,
  calendarDateIn,
  zoneAbbreviation,
  zoneOffsetMs,
} from '../../../policies/index.ts';

export const INDONESIAN_MONTHS = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
] as const;

/** WIB, WITA or WIT for an Indonesian zone (policies/calendar.ts holds the one table). */
export { zoneAbbreviation };

/** The month's Indonesian name, from "YYYY-MM" or "YYYY-MM-DD". */
export function monthName(date: string): string {
  return INDONESIAN_MONTHS[Number(date.slice(5, 7)) - 1] ?? date;
}

/** "2026-12-31" → "31 Desember 2026". */
export function indonesianDate(date: string): string {
  return `${String(Number(date.slice(8, 10)))} ${monthName(date)} ${date.slice(0, 4)}`;
}

/**
 * The period [from, to) as its first and last calendar day in `timeZone`, the year said once when
 * both days share it: "1 Juli – 31 Desember 2026 (WITA)".
 */
export function indonesianPeriod(from: string, to: string, timeZone: string): string {
  const first = calendarDateIn(Date.parse(from), timeZone);
  // The last instant before the end is on the last day; an end at midnight is not a day of it.
  const last = calendarDateIn(Date.parse(to) - 1, timeZone);
  const start =
    first.slice(0, 4) === last.slice(0, 4)
      ? `${String(Number(first.slice(8, 10)))} ${monthName(first)}`
      : indonesianDate(first);
  return `${start} – ${indonesianDate(last)} (${zoneAbbreviation(timeZone)})`;
}

/** An instant as its local date and time: "3 Desember 2026 pukul 21.44 WITA". */
export function indonesianTime(instant: string, timeZone: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return instant;
  const local = new Date(ms + zoneOffsetMs(ms, timeZone)).toISOString();
  const clock = `${local.slice(11, 13)}.${local.slice(14, 16)}`;
  return `${indonesianDate(local.slice(0, 10))} pukul ${clock} ${zoneAbbreviation(timeZone)}`;
}

/** The months ("YYYY-MM") of [from, to) in `timeZone`, in order: a half gives six. */
export function monthsOf(from: string, to: string, timeZone: string): string[] {
  const last = calendarDateIn(Date.parse(to) - 1, timeZone).slice(0, 7);
  const months: string[] = [];
  let day = `${calendarDateIn(Date.parse(from), timeZone).slice(0, 7)}-01`;
  // Bounded: a period is a half-year; the bound only keeps a wrong input from looping long.
  while (day.slice(0, 7) <= last && months.length < 24) {
    months.push(day.slice(0, 7));
    day = `${addDays(day, 31).slice(0, 7)}-01`;
  }
  return months;
}
