/**
 * The shapes that cross the audit ports: the events callers append, the records they become, the
 * searches officers run and the aggregates reports are computed from. This module imports nothing
 * from the rest of audit/, so the chain modules (record, verify), the ports and the store can all
 * depend on it without a cycle. Records carry HMAC subjects, never a NIK or any element value.
 */
import type { ElementName, SafeText } from '../policies/index.ts';

export type AuditEventType =
  | 'lookup'
  | 'verify'
  | 'card_read'
  | 'return_data'
  | 'security' // authentication failures, refusals, clock and key events
  | 'audit' // officers reading, verifying and exporting the trail
  | 'admin' // administrators changing agreements, clients, the clock baseline
  | 'system'; // configuration loaded, retention purges, reader and agreement changes
/** Every event type, for search forms and query validation. */
export const AUDIT_EVENT_TYPES: readonly AuditEventType[] = [
  'lookup',
  'verify',
  'card_read',
  'return_data',
  'security',
  'audit',
  'admin',
  'system',
];
/**
 * `ambiguous`: Dukcapil holds more than one record for the NIK, so nothing was released or
 * verified (PKS Pasal 2(2)a; error code `nik_ambiguous`).
 */
export const AUDIT_OUTCOMES = [
  'success',
  'not_found',
  'ambiguous',
  'denied',
  'error',
  'alert',
] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export interface AuditPrincipal {
  readonly id: string;
  readonly role: string;
  readonly certificateFingerprint: string;
}

/** Extra facts of an event: codes, counts, ids. Never population data, never secrets. */
export type AuditDetail = Readonly<Record<string, SafeText | number | boolean>>;

export interface AuditEvent {
  readonly type: AuditEventType;
  /** What happened within the type, e.g. `auth_failure`, `config_loaded`, `export`. */
  readonly event?: SafeText;
  readonly requestId?: SafeText;
  readonly principal?: AuditPrincipal;
  readonly operator?: SafeText;
  readonly sourceAddress?: SafeText;
  readonly purpose?: SafeText;
  readonly reference?: SafeText;
  /** HMAC-SHA256(key, NIK) in hex; never the NIK itself. */
  readonly subject?: SafeText;
  readonly elementsRequested?: readonly ElementName[];
  readonly elementsReleased?: readonly ElementName[];
  readonly outcome: AuditOutcome;
  readonly errorCode?: SafeText;
  readonly upstreamStatus?: number;
  readonly upstreamLatencyMs?: number;
  readonly readerId?: SafeText;
  readonly detail?: AuditDetail;
}

/** What the chain hash covers: the event's stored fields, its position and the hash before it. */
export type RecordBody = Omit<
  AuditEvent,
  'principal' | 'detail' | 'elementsRequested' | 'elementsReleased'
> & {
  readonly seq: number;
  /** UTC, ISO 8601 with milliseconds. */
  readonly time: string;
  readonly prevHash: string;
  readonly principal?: {
    readonly id: string;
    readonly role: string;
    readonly certificateFingerprint: string;
  };
  readonly elementsRequested?: readonly string[];
  readonly elementsReleased?: readonly string[];
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
};

export type AuditRecord = RecordBody & { readonly hash: string };

/** What listeners learn of each committed record (the anomaly rules). */
export interface AppendedRecord {
  readonly seq: number;
  readonly time: number;
  readonly event: AuditEvent;
}

/** An officer's search of the trail. */
export interface AuditQuery {
  readonly from?: string; // ISO time, inclusive
  readonly to?: string; // ISO time, exclusive
  readonly client?: string;
  readonly operator?: string;
  readonly reader?: string;
  readonly type?: string;
  readonly event?: string;
  readonly outcome?: string;
  /** Records whose subject is any of these: one NIK under the current and retired HMAC keys. */
  readonly subjects?: readonly string[];
  readonly requestId?: string;
  /** Only records with a sequence number greater than this (the previous page's `next`). */
  readonly after?: number;
  /** Only records with a sequence number below this (newest first: the previous page's `next`). */
  readonly before?: number;
  readonly limit: number;
  /** The newest `limit` matches, newest first; `next`, if more match, is passed as `before`. */
  readonly newest?: boolean;
}

export interface AuditPage {
  readonly items: AuditRecord[];
  /** Pass as `after` (or `before`, newest first) for the next page; null when this was the last. */
  readonly next: number | null;
}

/** The compliance report's figures over a period (aggregates only: counts, distinct HMAC subjects). */
export interface UsageFigures {
  readonly byMonth: readonly { month: string; type: string; outcome: string; count: number }[];
  readonly byClient: readonly { client: string; type: string; outcome: string; count: number }[];
  readonly byPurpose: readonly { purpose: string; count: number }[];
  readonly elementsReleased: Readonly<Record<string, number>>;
  readonly distinctResidents: number;
  readonly alerts: readonly { rule: string; count: number }[];
  readonly latestRetentionScan?: {
    time: string;
    findings: number;
    files: number;
    selfTest: boolean;
  };
  readonly lastSeq: number;
}

/** Return-data coverage of one accessing client and month of first access (PKS Pasal 2(2)b). */
export interface CoverageRow {
  readonly client: string;
  readonly month: string;
  readonly accessed: number;
  readonly returned: number;
  readonly overdue: number;
}

/**
 * The one record that may be dated before the one it follows: an administrator corrected a clock
 * that had run ahead while the trail was written (gateway/services/admin/clock.ts). The writer
 * dates it by the corrected clock; the verifier accepts the step back there and nowhere else.
 */
export const CLOCK_CORRECTED_EVENT = 'clock_corrected';

export function isClockCorrection(record: {
  readonly type: string;
  readonly event?: string;
}): boolean {
  return record.type === 'admin' && record.event === CLOCK_CORRECTED_EVENT;
}
