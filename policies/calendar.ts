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

// An IANA name (Area/Location, with an optional third part) or UTC. Fixed offsets such as
// "+08:00" are not zones: they do not follow a region's rules, and the agreement names a region.
const ZONE_FORM = /^(?:UTC|[A-Z][A-Za-z_-]+(?:\/[A-Za-z0-9_+-]+){1,2})$/;

/** A time zone the runtime's tz database knows by its IANA name. */
export function isIanaTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 64 || !ZONE_FORM.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
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
  return problems;
}
