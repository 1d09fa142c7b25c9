/**
 * The audit port. The data path awaits `append` before it answers: a resolved promise means the
 * record is durable, a rejection means it is not and the request must fail closed with
 * `503 audit_unavailable`. Records carry HMAC subjects, never a NIK or any element value.
 */
import type { ElementName, SafeText } from '../policies/index.ts';
import type { AuditPage, AuditQuery } from './store/query.ts';
import type { ExportLine, VerifyResult } from './verify.ts';

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
export const AUDIT_OUTCOMES = ['success', 'not_found', 'denied', 'error', 'alert'] as const;
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

export interface AuditTrail {
  /** Resolves once the record is durable; rejects when it cannot be written. */
  append(event: AuditEvent): Promise<void>;
  /** Whether appends are currently succeeding (for /readyz). */
  healthy(): boolean;
  /**
   * The time of the newest record (epoch ms). A wall clock earlier than this is not trusted:
   * data requests are refused until it catches up (ARCHITECTURE invariant 4).
   */
  newestRecordTime(): number | undefined;
}

/** Reading the trail: what officers see and what verifiers check. */
export interface AuditLogReader {
  query(query: AuditQuery): AuditPage;
  verify(caCertificatePem?: string): VerifyResult;
  exportLines(options: {
    fromSeq?: number;
    toSeq?: number;
    sealWithFreshCheckpoint: boolean;
  }): Iterable<ExportLine>;
  /** The first sequence number whose record time is at or after `time`, for time-bounded exports. */
  seqAtTime(time: string): number | undefined;
}
