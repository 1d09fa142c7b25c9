/**
 * Calendar values that reach stored state (agreement windows, submission dates, time zones) are
 * checked by these rules wherever they enter — the configuration, the admin API and CLI, and
 * rows read back from the state database — so that one bad value can never make the date
 * arithmetic of agreements throw at start-up. Years are bounded to a range an agreement can
 * plausibly cover: an agreement "until 9999-12-31" is a typing error, not a policy.
 */

import { zoneOffsetMs } from './agreement.ts';

/** The first and last calendar day any stored date may name. */
export const EARLIEST_DATE = '2000-01-01';
export const LATEST_DATE = '2100-12-31';

const DATE_FORM = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date (no 30 February), `YYYY-MM-DD`, between EARLIEST_DATE and LATEST_DATE. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_FORM.exec(value);
  if (match === null) return false;
  const [, y, m, d] = match.map(Number);
  const date = new Date(Date.UTC(y ?? NaN, (m ?? NaN) - 1, d ?? NaN));
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() + 1 === m &&
    date.getUTCDate() === d &&
    value >= EARLIEST_DATE &&
    value <= LATEST_DATE
  );
}

/** The instant is within the calendar range (for terminations and other stored instants). */
export function isInstantInRange(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= Date.UTC(2000, 0, 1) &&
    value < Date.UTC(2101, 0, 1)
  );
}

const TIME_FORM =
  /^(\d{4}-\d{2}-\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,3})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

/**
 * An instant written as ISO 8601 — a calendar date (midnight UTC) or a date and time with `Z` or
 * an offset — within 2000–2100, as epoch ms; undefined for anything else. Stricter than
 * `Date.parse`, which rolls 30 February over into March, reads `1` as the year 2001 and a time
 * without an offset in the server's own zone.
 */
export function parseIsoInstant(value: string): number | undefined {
  const match = TIME_FORM.exec(value);
  if (match === null || !isCalendarDate(match[1])) return undefined;
  const instant = Date.parse(value);
  return isInstantInRange(instant) ? instant : undefined;
}

// A region's zone by its IANA name (Area/Location, with an optional third part), or UTC. Fixed
// offsets (`+08:00`, `Etc/GMT-8`, whose sign is the reverse of what it looks like) and legacy
// names (`SystemV/AST4`, `US/Pacific`) are not: an agreement names a region, and an operator who
// writes one of those means something else than the runtime reads.
const ZONE_FORM =
  /^(?:UTC|(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)\/[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)?)$/;

/** A time zone the runtime's tz database knows by this IANA name, spelt as IANA spells it. */
export function isIanaTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 64 || !ZONE_FORM.test(value)) return false;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  // `ASIA/MAKASSAR` is accepted by the runtime, but is not how the zone is written.
  return resolved === value || resolved.toLowerCase() !== value.toLowerCase();
}

/** `YYYY-MM-DD` shifted by whole days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? NaN, (m ?? NaN) - 1, (d ?? NaN) + days)).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` shifted by whole years; 29 February becomes 1 March in a common year. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC((y ?? NaN) + years, (m ?? NaN) - 1, d ?? NaN))
    .toISOString()
    .slice(0, 10);
}

/** The calendar date, `YYYY-MM-DD`, that `instant` falls on in `timeZone`. */
export function calendarDateIn(instant: number, timeZone: string): string {
  return new Date(instant + zoneOffsetMs(instant, timeZone)).toISOString().slice(0, 10);
}

/** What is wrong with an agreement's calendar fields, each naming its field; empty when sound. */
export function agreementCalendarProblems(terms: {
  readonly signedOn?: unknown;
  readonly validFrom: unknown;
  readonly validUntil: unknown;
  readonly timeZone: unknown;
  readonly iso27001SubmittedOn?: unknown;
  readonly instruments?: readonly {
    readonly number: unknown;
    readonly effectiveOn: unknown;
    readonly validUntil?: unknown;
  }[];
}): { field: string; problem: string }[] {
  const problems: { field: string; problem: string }[] = [];
  const range = `a calendar date from ${EARLIEST_DATE} to ${LATEST_DATE} (YYYY-MM-DD)`;
  for (const field of ['signedOn', 'validFrom', 'validUntil', 'iso27001SubmittedOn'] as const) {
    if (!(field in terms) || terms[field] === undefined) continue;
    if (!isCalendarDate(terms[field])) problems.push({ field, problem: `must be ${range}` });
  }
  if (!isIanaTimeZone(terms.timeZone))
    problems.push({
      field: 'timeZone',
      problem: 'must be an IANA time zone name such as Asia/Makassar',
    });
  if (
    isCalendarDate(terms.validFrom) &&
    isCalendarDate(terms.validUntil) &&
    terms.validUntil < terms.validFrom
  )
    problems.push({ field: 'validUntil', problem: 'must not be before validFrom' });
  const numbers = new Set<unknown>();
  (terms.instruments ?? []).forEach((instrument, i) => {
    const at = `instruments/${String(i)}`;
    if (!isCalendarDate(instrument.effectiveOn))
      problems.push({ field: `${at}/effectiveOn`, problem: `must be ${range}` });
    else if (isCalendarDate(terms.validFrom) && instrument.effectiveOn < terms.validFrom)
      problems.push({ field: `${at}/effectiveOn`, problem: 'must not be before validFrom' });
    if (instrument.validUntil !== undefined) {
      if (!isCalendarDate(instrument.validUntil))
        problems.push({ field: `${at}/validUntil`, problem: `must be ${range}` });
      else if (
        isCalendarDate(instrument.effectiveOn) &&
        instrument.validUntil < instrument.effectiveOn
      )
        problems.push({ field: `${at}/validUntil`, problem: 'must not be before effectiveOn' });
    }
    // One document, one number: a repeated number is a typing error or the same file twice.
    if (numbers.has(instrument.number))
      problems.push({ field: `${at}/number`, problem: 'is the number of an earlier instrument' });
    numbers.add(instrument.number);
  });
  return problems;
}

/**
 * Indonesia's three zones by the names people use (WIB, WITA, WIT, Keppres 41/1987), for each IANA
 * zone that falls in one; any other zone is named by its UTC offset (`UTC+07:00`).
 */
const INDONESIAN_ZONES: Readonly<Record<string, string>> = {
  'Asia/Jakarta': 'WIB',
  'Asia/Pontianak': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Ujung_Pandang': 'WITA',
  'Asia/Jayapura': 'WIT',
};

/** The abbreviation of `timeZone` at `instant`: WIB, WITA, WIT, or the offset from UTC. */
export function zoneAbbreviation(timeZone: string, instant = 0): string {
  const known = INDONESIAN_ZONES[timeZone];
  if (known !== undefined) return known;
  const minutes = Math.round(zoneOffsetMs(instant, timeZone) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const hh = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0');
  const mm = String(Math.abs(minutes) % 60).padStart(2, '0');
  return `UTC${sign}${hh}:${mm}`;
}

/** `instant` as the wall time of `timeZone`, `YYYY-MM-DD HH:MM:SS ZONE`, e.g. `… 11:00:00 WITA`. */
export function localTimeIn(instant: number, timeZone: string): string {
  const local = new Date(instant + zoneOffsetMs(instant, timeZone)).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)} ${zoneAbbreviation(timeZone, instant)}`;
}
