/**
 * The shapes of the stateful layer: what services are built from (`ServiceAdapters`, opened by
 * gateway/server/adapters.ts or a test's fakes) and what they are (`Services`, `PolicyServices`).
 * Apart from the wiring (create-services.ts, which re-exports them) so that a reader of the
 * contract need not read how it is built.
 */
import type { Logger } from 'pino';
import type { AuditStore, AuditTrail, SubjectHasher, SubjectTracer } from '../../audit/index.ts';
import type { ReturnDataClient } from '../../adapters/dukcapil/port.ts';
import type { Outbox, StateStore } from '../../adapters/sqlite/port.ts';
import type { AdminActions } from './admin/admin-actions.ts';
import type { AgreementMonitor } from './agreements/agreement-monitor.ts';
import type { PolicyRegistry } from './agreements/registry.ts';
import type { AnomalyService } from './anomalies/detector.ts';
import type { ClientLimits } from './clients/limits.ts';
import type { ClockMonitor } from './clock/clock-monitor.ts';
import type { CardReadVerifier } from './readers/card-read-verifier.ts';
import type { NonceStore } from './readers/nonces.ts';
import type { GeneratedReport } from './reports/generate.ts';
import type { Period } from './reports/report.ts';
import type { DueStatus } from './reports/due-status.ts';
import type { DeliveryWorker } from './return-data/delivery-worker.ts';
import type { VerificationAttempts } from './verification/attempts.ts';
import type { UnauthenticatedRequests } from './refusals/unauthenticated.ts';

/** Stateful policy: agreements and clients as they stand, limits, clock trust, anomalies, admin actions. */
export interface PolicyServices {
  readonly registry: PolicyRegistry;
  /** Records each agreement state change; started by the server, never by a CLI command. */
  readonly monitor: AgreementMonitor;
  readonly limits: ClientLimits;
  readonly clock: ClockMonitor;
  readonly anomalies: AnomalyService;
  /** Distinct verifications per client and resident per day (issue 19, finding 9). */
  readonly verifications: VerificationAttempts;
  /** Refusals of unauthenticated callers, coalesced and rate-limited per address (finding 6). */
  readonly unauthenticated: UnauthenticatedRequests;
  readonly admin: AdminActions;
}

/** Where the SIEM forwarder sends, whether it is connected, and the last seq it handed over. */
export interface SiemForwarderStatus {
  readonly target: string;
  readonly connected: boolean;
  readonly cursor: number;
}

/** What the services are built from: opened by gateway/server/adapters.ts, or a test's fakes. */
export interface ServiceAdapters {
  /** Where services append: the audit store itself, or a test's wrapper that can fail. */
  readonly audit: AuditTrail;
  /** The audit store behind it: read, aggregated, purged, and heard after each commit. */
  readonly auditStore: AuditStore;
  readonly state: StateStore;
  /** The audit HMAC keys: the current one, and the retired ones a NIK search still matches. */
  readonly subjectKeys: { readonly current: Uint8Array; readonly retired: readonly Uint8Array[] };
  /** The CA that issued the audit signing certificate (verification, reports). */
  readonly auditTrustAnchorPem: string;
  /**
   * Where services say what they could not do (an unusable stored row, a failed evaluation).
   * CLI commands give none: they say what matters on their own output.
   */
  readonly logger?: Logger | undefined;
  /** The return-data outbox and the client that delivers it; CLI commands open neither. */
  readonly returnData?: { readonly outbox: Outbox; readonly client: ReturnDataClient } | undefined;
  /** Checks card reads against the SAM CA and the KTP-el issuer, when `readers` is configured. */
  readonly cardReads?: CardReadVerifier | undefined;
  /** The SIEM forwarder, when `siem` is configured (its state is shown to officers). */
  readonly siem?: { status(): SiemForwarderStatus } | undefined;
  /** The trail's newest record time when it was opened, before this start wrote to it. */
  readonly trailTimeAtOpen?: number | undefined;
}

export interface Services {
  readonly policy: PolicyServices;
  readonly subjectHasher: SubjectHasher;
  /** For searches by NIK: its subjects under the current and retired HMAC keys. */
  readonly traceSubjects: SubjectTracer;
  readonly readers:
    { readonly verifier: CardReadVerifier; readonly nonces: NonceStore } | undefined;
  /** The outbox and its delivery worker (started by the server), when the outbox is open. */
  readonly returnData: { readonly outbox: Outbox; readonly worker: DeliveryWorker } | undefined;
  /** Signed compliance reports (refused when no report-signing key is configured). */
  readonly reports: {
    generate(
      kind: 'semester' | 'status',
      period: Period,
      requestedBy: { id: string; role: string; certificateFingerprint: string },
    ): Promise<GeneratedReport>;
    /** The semester report due next, its due date and whether it was made (PKS Pasal 8(1)). */
    due(now: number): DueStatus;
    /** Detached CMS over an export with the report-signing key (its use recorded by the caller). */
    signExport(content: Uint8Array): Promise<Uint8Array>;
  };
  /** The forwarder's state beside the newest record (`lastSeq`), for officers. */
  readonly siem: { status(): SiemForwarderStatus & { readonly lastSeq: number } } | undefined;
}
