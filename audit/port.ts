/**
 * The audit port. The data path awaits `append` before it answers: a resolved promise means the
 * record is durable, a rejection means it is not and the request must fail closed with
 * `503 audit_unavailable`. Records carry HMAC subjects, never a NIK or any element value.
 */
import type { ElementName } from '../policies/index.ts';

export type AuditEventType = 'lookup' | 'verify' | 'card_read' | 'return_data' | 'security';
export type AuditOutcome = 'success' | 'not_found' | 'denied' | 'error';

export interface AuditPrincipal {
  readonly id: string;
  readonly role: string;
  readonly certificateFingerprint: string;
}

export interface AuditEvent {
  readonly type: AuditEventType;
  readonly requestId: string;
  readonly principal?: AuditPrincipal;
  readonly operator?: string;
  readonly sourceAddress?: string;
  readonly purpose?: string;
  readonly reference?: string;
  /** HMAC-SHA256(key, NIK) in hex; never the NIK itself. */
  readonly subject?: string;
  readonly elementsRequested?: readonly ElementName[];
  readonly elementsReleased?: readonly ElementName[];
  readonly outcome: AuditOutcome;
  readonly errorCode?: string;
  readonly upstreamStatus?: number;
  readonly upstreamLatencyMs?: number;
}

export interface AuditTrail {
  /** Resolves once the record is durable; rejects when it cannot be written. */
  append(event: AuditEvent): Promise<void>;
  /** Whether appends are currently succeeding (for /readyz). */
  healthy(): boolean;
}
