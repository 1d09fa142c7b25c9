/** Everything the HTTP application needs, wired once by the composition root. */
import type { Logger } from 'pino';
import type {
  AuditLogReader,
  AuditTrail,
  SubjectHasher,
  SubjectTracer,
} from '../../audit/index.ts';
import type { DukcapilClient } from '../../adapters/dukcapil/port.ts';
import type { IkdProfile } from '../../adapters/ikd/port.ts';
import type { GerbangConfig } from '../config/index.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import type { PolicyServices } from '../services/index.ts';
import type { NonceStore } from '../services/readers/nonces.ts';
import type { Outbox } from '../../adapters/sqlite/port.ts';
import type { GeneratedReport } from '../services/reports/generate.ts';
import type { Period } from '../services/reports/report.ts';
import type { CardReadVerifier } from '../services/readers/card-read-verifier.ts';
import type { ConnectionInfo } from './peer.ts';
import type { PortalServices } from '../services/portal/index.ts';
import type { RevocationChecker } from '../../certs/revocation.ts';
import type { ChainVerification } from '../services/audit-verification/chain-verification.ts';

/** Where the SIEM forwarder sends, whether it is connected, and how far it got. */
export interface SiemStatus {
  readonly target: string;
  readonly connected: boolean;
  /** The last sequence number handed to the SIEM. */
  readonly cursor: number;
  /** The newest record in the trail. */
  readonly lastSeq: number;
}

export interface AppDeps {
  readonly config: GerbangConfig;
  /** The `default` upstream's client (the one `upstream` of the configuration). */
  readonly upstream: DukcapilClient;
  /**
   * Every configured upstream's client by name, `default` included: a request uses the one of
   * the agreement that governs its client at that instant.
   */
  readonly upstreams: ReadonlyMap<string, DukcapilClient>;
  readonly audit: AuditTrail;
  /** Reading and verifying the trail (officer API). */
  readonly auditLog: AuditLogReader;
  /** The CA that issued the audit signing certificate, for verification. */
  readonly caCertificatePem: string;
  /** Whole-chain verification on request, one run at a time and off the event loop. */
  readonly chainVerification: ChainVerification;
  readonly subjectHasher: SubjectHasher;
  /** For searches by NIK: its subjects under the current and retired HMAC keys. */
  readonly traceSubjects: SubjectTracer;
  readonly connection: ConnectionInfo;
  readonly revocation: RevocationChecker;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly policy: PolicyServices;
  /** The return-data outbox and its delivery worker. */
  readonly returnData?:
    { readonly outbox: Outbox; readonly worker: { notify(): void } } | undefined;
  /** Signed compliance reports; present when a report-signing key is configured. */
  readonly reports?:
    | {
        generate(
          kind: 'semester' | 'status',
          period: Period,
          requestedBy: { id: string; role: string; certificateFingerprint: string },
        ): Promise<GeneratedReport>;
        /** Detached CMS over an officer's export (absent: exports are not signed, so refused). */
        signExport?(content: Uint8Array): Promise<Uint8Array>;
      }
    | undefined;
  /** Present when `readers` is configured. */
  readonly readers?:
    { readonly verifier: CardReadVerifier; readonly nonces: NonceStore } | undefined;
  /**
   * Reads IKD (digital ID) presentations, when `ikd` is configured (docs/ikd-profile.md): the
   * NIK of a checked presentation, or a code saying why not. Replay within a presentation's
   * validity is the caller's to refuse (the reading gives its nonce and expiry).
   */
  readonly ikd?: IkdProfile | undefined;
  /** The SIEM forwarder, when `siem` is configured (its state is shown to officers). */
  readonly siem?:
    | {
        status(): SiemStatus;
      }
    | undefined;
  /** The clerk portal's short-lived memory: NIK tickets, card reads to pick up, IKD nonces. */
  readonly portal: PortalServices;
  /** Wall clock in epoch milliseconds; injectable so that agreement boundaries can be tested. */
  readonly now: () => number;
}
