/**
 * Agreement (PKS) validity: the window is a pair of calendar dates, inclusive, in the agreement's
 * own time zone. The boundaries are instants: midnight at the start of the first day and at the
 * end of the last day in that zone.
 *
 * An agreement is a document with a history (PKS Pasal 9(2): an addendum is "bagian tidak
 * terpisahkan" of the PKS; Pasal 9(3): so is the Petunjuk Teknis). What governs at an instant is
 * the PKS as amended by every instrument whose effective date has begun in the agreement's zone:
 * an instrument with `elements` replaces them from that day, one with `validUntil` moves the last
 * day. A suspension (Pasal 6, keadaan memaksa) pauses access under the same number.
 */
import type { ElementName } from './elements.ts';

export const INSTRUMENT_KINDS = ['pks', 'addendum', 'petunjuk_teknis', 'renewal'] as const;
export type InstrumentKind = (typeof INSTRUMENT_KINDS)[number];

/** One signed document of the agreement. */
export interface AgreementInstrument {
  readonly kind: InstrumentKind;
  readonly number: string;
  /** First calendar day (YYYY-MM-DD) it applies, in the agreement's zone. */
  readonly effectiveOn: string;
  /** SHA-256 (hex) of the signed file; absent only for instruments migrated from old state. */
  readonly sha256?: string | undefined;
  /** From its effective date, the elements granted (an addendum narrowing or widening them). */
  readonly elements?: readonly ElementName[] | undefined;
  /** From its effective date, the last day of the agreement (a renewal extends it). */
  readonly validUntil?: string | undefined;
}

/** A pause under Pasal 6: from `from` (epoch ms) until `until` (resumed), or open. */
export interface AgreementSuspension {
  readonly from: number;
  readonly until?: number | undefined;
  readonly reason?: string | undefined;
}

export interface AgreementTerms {
  readonly number: string;
  readonly validFrom: string; // YYYY-MM-DD
  readonly validUntil: string; // YYYY-MM-DD, inclusive
  readonly timeZone: string; // IANA zone, e.g. Asia/Makassar
  readonly elements: readonly ElementName[];
  /** When a termination takes effect (epoch ms); from then on the state is `terminated`. */
  readonly terminatedAt?: number | undefined;
  /** Instruments after the PKS itself (addenda, Petunjuk Teknis, renewals), in any order. */
  readonly instruments?: readonly AgreementInstrument[] | undefined;
  readonly suspensions?: readonly AgreementSuspension[] | undefined;
  /** Calendar months before the last day at which the agreement is "expiring" (default 3). */
  readonly extensionNoticeMonths?: number | undefined;
  /** Principal ids it serves; absent: every client. */
  readonly clients?: readonly string[] | undefined;
}

export type AgreementState =
  'pending' | 'active' | 'expiring' | 'suspended' | 'expired' | 'terminated';

/**
 * Calendar months before the end at which an agreement is "expiring": the province–regency PKS
 * (Pasal 11) asks for the extension 3 months before, counted in months, not 90 days.
 */
export const DEFAULT_EXTENSION_NOTICE_MONTHS = 3;

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

function shiftDate(date: string, months: number, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const year = y ?? NaN;
  const month = (m ?? NaN) - 1 + months;
  // A day the target month lacks (31 May − 3 months) is its last day, not a roll into the next.
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d ?? NaN, last) + days))
    .toISOString()
    .slice(0, 10);
}

function computeWindow(terms: AgreementTerms): ValidityWindow {
  const start = startOfDayInZone(terms.validFrom, terms.timeZone);
  return { start, end: startOfDayInZone(shiftDate(terms.validUntil, 0, 1), terms.timeZone) };
}

/**
 * The instant the extension warning begins: the same day of the month `extensionNoticeMonths`
 * calendar months before the last day, at midnight in the agreement's zone (last day 2027-02-11,
 * 3 months: from 2026-11-11 00:00).
 */
export function extensionNoticeStart(terms: AgreementTerms): number {
  // Asked by agreementState on every request: computed once per terms object, as the window is
  // (two time-zone conversions through Intl each time were the largest self time of a lookup).
  let start = noticeStarts.get(terms);
  if (start === undefined) {
    const months = terms.extensionNoticeMonths ?? DEFAULT_EXTENSION_NOTICE_MONTHS;
    start = startOfDayInZone(shiftDate(terms.validUntil, -months, 0), terms.timeZone);
    noticeStarts.set(terms, start);
  }
  return start;
}

const noticeStarts = new WeakMap<AgreementTerms, number>();

interface Amendment<T extends AgreementTerms> {
  /** The instant from which `terms` govern. */
  readonly from: number;
  readonly terms: T;
}

const amendmentCache = new WeakMap<AgreementTerms, readonly Amendment<AgreementTerms>[]>();

/**
 * The agreement as amended, step by step: the PKS from -Infinity, then one step at each distinct
 * effective day of its instruments (in date order; on one day, in the order listed). Each step's
 * terms carry no instruments of their own (they are applied), so they are never applied twice.
 */
export function amendments<T extends AgreementTerms>(terms: T): readonly Amendment<T>[] {
  const cached = amendmentCache.get(terms);
  if (cached !== undefined) return cached as readonly Amendment<T>[];
  const instruments = [...(terms.instruments ?? [])].sort((a, b) =>
    a.effectiveOn < b.effectiveOn ? -1 : a.effectiveOn > b.effectiveOn ? 1 : 0,
  );
  let current: T = { ...terms, instruments: [] };
  const steps: Amendment<T>[] = [{ from: -Infinity, terms: current }];
  for (const instrument of instruments) {
    const from = startOfDayInZone(instrument.effectiveOn, terms.timeZone);
    current = {
      ...current,
      ...(instrument.elements === undefined ? {} : { elements: instrument.elements }),
      ...(instrument.validUntil === undefined ? {} : { validUntil: instrument.validUntil }),
    };
    const last = steps.at(-1);
    if (last !== undefined && last.from === from)
      steps[steps.length - 1] = { from, terms: current };
    else steps.push({ from, terms: current });
  }
  amendmentCache.set(terms, steps);
  return steps;
}

/** The terms that govern at `now`: the PKS as amended by every instrument in force then. */
export function effectiveTerms<T extends AgreementTerms>(terms: T, now: number): T {
  const steps = amendments(terms);
  let chosen = steps[0]?.terms ?? terms;
  for (const step of steps) if (step.from <= now) chosen = step.terms;
  return chosen;
}

/** The suspension open at `now`, if any (Pasal 6). */
export function suspensionAt(terms: AgreementTerms, now: number): AgreementSuspension | undefined {
  return terms.suspensions?.find(
    (suspension) =>
      suspension.from <= now && (suspension.until === undefined || now < suspension.until),
  );
}

/** The state at `now`, of the agreement as amended then. */
export function agreementState(terms: AgreementTerms, now: number): AgreementState {
  const amended = effectiveTerms(terms, now);
  const { start, end } = validityWindow(amended);
  if (terms.terminatedAt !== undefined && now >= terms.terminatedAt) return 'terminated';
  if (now < start) return 'pending';
  if (now >= end) return 'expired';
  if (suspensionAt(terms, now) !== undefined) return 'suspended';
  return now >= extensionNoticeStart(amended) ? 'expiring' : 'active';
}

/** Data may flow only while the agreement is active or expiring (not while suspended). */
export function agreementPermitsAccess(state: AgreementState): boolean {
  return state === 'active' || state === 'expiring';
}

export interface AgreementInForce<T extends AgreementTerms> {
  /** The terms as amended at that instant (elements, last day): what governs. */
  readonly terms: T;
  /** The agreement as configured or stored, instruments and all. */
  readonly agreement: T;
  readonly state: AgreementState;
}

/** Whether the agreement serves `client` (no `clients` list: every client). */
export function agreementServes(terms: AgreementTerms, client: string): boolean {
  return terms.clients === undefined || terms.clients.includes(client);
}

/**
 * The agreement that governs `now`: the one whose window (as amended then) contains it;
 * otherwise the most recent that has begun (expired), otherwise the earliest pending one.
 */
export function agreementInForce<T extends AgreementTerms>(
  agreements: readonly T[],
  now: number,
): AgreementInForce<T> | undefined {
  const withWindows = agreements.map((agreement) => {
    const amended = effectiveTerms(agreement, now);
    return { agreement, amended, window: validityWindow(amended) };
  });
  const current = withWindows.find(
    ({ agreement, window }) =>
      window.start <= now &&
      now < window.end &&
      !(agreement.terminatedAt !== undefined && now >= agreement.terminatedAt),
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
    : {
        terms: chosen.amended,
        agreement: chosen.agreement,
        state: agreementState(chosen.agreement, now),
      };
}

/** Whole days left until the end of the window as amended at `now` (0 on the last day). */
export function daysLeft(terms: AgreementTerms, now: number): number {
  return Math.floor((validityWindow(effectiveTerms(terms, now)).end - now) / 86_400_000);
}

/**
 * The next instant after `now` at which some agreement's state or terms change (start, an
 * instrument's effective day, the extension warning, the end, a suspension or resumption, a
 * termination), for timers that must act at the exact second.
 */
export function nextStateChange(
  agreements: readonly AgreementTerms[],
  now: number,
): number | undefined {
  const instants = agreements.flatMap((terms) => [
    ...amendments(terms).flatMap(({ from, terms: amended }) => {
      const { start, end } = validityWindow(amended);
      return [from, start, extensionNoticeStart(amended), end];
    }),
    ...(terms.suspensions ?? []).flatMap(({ from, until }) =>
      until === undefined ? [from] : [from, until],
    ),
    ...(terms.terminatedAt === undefined ? [] : [terms.terminatedAt]),
  ]);
  return instants.filter((instant) => instant > now).sort((a, b) => a - b)[0];
}
