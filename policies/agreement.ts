/**
 * Agreement (PKS) validity: the window is a pair of calendar dates, inclusive, in the agreement's
 * own time zone. The boundaries are instants: midnight at the start of the first day and at the
 * end of the last day in that zone.
 */
import type { ElementName } from './elements.ts';

export interface AgreementTerms {
  readonly number: string;
  readonly validFrom: string; // YYYY-MM-DD
  readonly validUntil: string; // YYYY-MM-DD, inclusive
  readonly timeZone: string; // IANA zone, e.g. Asia/Makassar
  readonly elements: readonly ElementName[];
  /** When a termination takes effect (epoch ms); from then on the state is `terminated`. */
  readonly terminatedAt?: number | undefined;
}

export type AgreementState = 'pending' | 'active' | 'expiring' | 'expired' | 'terminated';

/** Days before the end at which an agreement is "expiring" (province PKS Pasal 11: 3 months). */
export const EXPIRY_WARNING_DAYS = 90;

/** Formatters are costly to build; one per zone, for the life of the process. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds. */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant at which the calendar day `date` (YYYY-MM-DD) begins in `timeZone`. */
export function startOfDayInZone(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const naive = Date.UTC(y ?? NaN, (m ?? NaN) - 1, d ?? NaN);
  // Two passes settle zones whose offset changes around the boundary.
  let instant = naive - zoneOffsetMs(naive, timeZone);
  instant = naive - zoneOffsetMs(instant, timeZone);
  return instant;
}

export interface ValidityWindow {
  readonly start: number;
  readonly end: number;
}

const windows = new WeakMap<AgreementTerms, ValidityWindow>();

/** [start, end) of the validity window as epoch milliseconds (computed once per terms object). */
export function validityWindow(terms: AgreementTerms): ValidityWindow {
  let window = windows.get(terms);
  if (window === undefined) {
    window = computeWindow(terms);
    windows.set(terms, window);
  }
  return window;
}

function computeWindow(terms: AgreementTerms): ValidityWindow {
  const start = startOfDayInZone(terms.validFrom, terms.timeZone);
  const [y, m, d] = terms.validUntil.split('-').map(Number);
  const dayAfter = new Date(Date.UTC(y ?? NaN, (m ?? NaN) - 1, (d ?? NaN) + 1))
    .toISOString()
    .slice(0, 10);
  return { start, end: startOfDayInZone(dayAfter, terms.timeZone) };
}

export function agreementState(terms: AgreementTerms, now: number): AgreementState {
  const { start, end } = validityWindow(terms);
  if (terms.terminatedAt !== undefined && now >= terms.terminatedAt) return 'terminated';
  if (now < start) return 'pending';
  if (now >= end) return 'expired';
  return end - now <= EXPIRY_WARNING_DAYS * 86_400_000 ? 'expiring' : 'active';
}

/** Data may flow only while the agreement is active or expiring. */
export function agreementPermitsAccess(state: AgreementState): boolean {
  return state === 'active' || state === 'expiring';
}

export interface AgreementInForce<T extends AgreementTerms> {
  readonly terms: T;
  readonly state: AgreementState;
}

/**
 * The agreement that governs `now`: the one whose window contains it; otherwise the most recent
 * that has begun (expired), otherwise the earliest pending one.
 */
export function agreementInForce<T extends AgreementTerms>(
  agreements: readonly T[],
  now: number,
): AgreementInForce<T> | undefined {
  const withWindows = agreements.map((terms) => ({ terms, window: validityWindow(terms) }));
  const current = withWindows.find(
    ({ terms, window }) =>
      window.start <= now &&
      now < window.end &&
      !(terms.terminatedAt !== undefined && now >= terms.terminatedAt),
  );
  const started = withWindows
    .filter(({ window }) => window.start <= now)
    .sort((a, b) => b.window.end - a.window.end)[0];
  const pending = withWindows
    .filter(({ window }) => window.start > now)
    .sort((a, b) => a.window.start - b.window.start)[0];
  const chosen = current ?? started ?? pending;
  return chosen === undefined
    ? undefined
    : { terms: chosen.terms, state: agreementState(chosen.terms, now) };
}

/** Whole days left until the end of the window (0 on the last day; negative after it). */
export function daysLeft(terms: AgreementTerms, now: number): number {
  return Math.floor((validityWindow(terms).end - now) / 86_400_000);
}

/**
 * The next instant after `now` at which some agreement's state changes (start, the expiry
 * warning, the end, a termination), for timers that must act at the exact second.
 */
export function nextStateChange(
  agreements: readonly AgreementTerms[],
  now: number,
): number | undefined {
  const instants = agreements.flatMap((terms) => {
    const { start, end } = validityWindow(terms);
    return [
      start,
      end - EXPIRY_WARNING_DAYS * 86_400_000,
      end,
      ...(terms.terminatedAt === undefined ? [] : [terms.terminatedAt]),
    ];
  });
  return instants.filter((instant) => instant > now).sort((a, b) => a - b)[0];
}
