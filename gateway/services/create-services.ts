/**
 * The one composition of the stateful layer: every service of a gateway process, built from
 * adapters already opened and one clock. The server (gateway/server/start.ts), the CLI's offline
 * commands (gateway/cli/offline-services.ts) and the in-process test app all build their services
 * here, so the wiring exists once. Nothing here listens or runs a timer: the server starts the
 * background work (gateway/server/jobs.ts), and a CLI command or a test simply never does.
 */
import { pino, type Logger } from 'pino';
import {
  createSubjectHasher,
  createSubjectTracer,
  type AuditStore,
  type AuditTrail,
  type SubjectHasher,
  type SubjectTracer,
} from '../../audit/index.ts';
import type { ReturnDataClient } from '../../adapters/dukcapil/port.ts';
import type { Outbox, StateStore } from '../../adapters/sqlite/port.ts';
import { DAY_MS } from '../../policies/index.ts';
import type { GerbangConfig } from '../config/index.ts';
import { AdminActions } from './admin/admin-actions.ts';
import {
  AgreementMonitor,
  switchReadersOffWhenAccessStops,
} from './agreements/agreement-monitor.ts';
import { migrateStoredAgreements } from './agreements/migration.ts';
import { PolicyRegistry } from './agreements/registry.ts';
import type { StoredStateProblem } from './agreements/stored-state.ts';
import { AnomalyService } from './anomalies/detector.ts';
import { ClientLimits } from './clients/limits.ts';
import { ClockMonitor, type ClockSources } from './clock/clock-monitor.ts';
import type { CardReadVerifier } from './readers/card-read-verifier.ts';
import { NonceStore } from './readers/nonces.ts';
import { generateReport, signWithReportKey, type GeneratedReport } from './reports/generate.ts';
import { reportTimeZone, type Period } from './reports/report.ts';
import { nextDueReport, type DueStatus } from './reports/due-status.ts';
import { DeliveryWorker } from './return-data/delivery-worker.ts';
import { VerificationAttempts } from './verification/attempts.ts';
import { UnauthenticatedRequests } from './refusals/unauthenticated.ts';

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

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : 'unknown');

/** Each unusable row of state.db in the log, and the set of them once in the audit trail. */
function reportStoredStateProblems(
  problems: readonly StoredStateProblem[],
  logger: Logger,
  audit: AuditTrail,
): void {
  for (const { where, problem, consequence } of problems)
    logger.error(
      { event: 'stored_state_unusable', where, problem, consequence },
      `unusable stored state in ${where}: ${problem}; ${consequence} (gerbang doctor lists every such row)`,
    );
  if (problems.length === 0) return;
  void audit
    .append({
      type: 'system',
      event: 'stored_state_unusable',
      outcome: 'error',
      detail: { count: problems.length, where: problems.map((p) => p.where).join('; ') },
    })
    .catch(() => undefined);
}

/**
 * Agreements the old model stored on their own become instruments of the agreement they
 * continue (migration.ts), recorded in the trail. A state.db that cannot be written now is
 * migrated at a later start; until then its rows are read as agreements of their own.
 */
function migrateOldAgreementRows(
  config: GerbangConfig,
  state: StateStore,
  audit: AuditTrail,
  now: number,
  logger: Logger | undefined,
): void {
  let migrated: ReturnType<typeof migrateStoredAgreements>;
  try {
    migrated = migrateStoredAgreements(config, state, now);
  } catch (error) {
    logger?.error(
      { event: 'agreement_migration_failed', reason: reasonOf(error) },
      'stored agreements of the old model could not be migrated; retried at the next start',
    );
    return;
  }
  if (migrated.length === 0) return;
  logger?.info({ event: 'agreements_migrated', migrated }, 'stored agreements migrated');
  void audit
    .append({
      type: 'system',
      event: 'agreements_migrated',
      outcome: 'success',
      detail: {
        count: migrated.length,
        moved: migrated.map((m) => `${m.number} -> ${m.into} (${m.kind})`).join('; '),
      },
    })
    .catch(() => undefined);
}

/**
 * The policy services alone, over any trail (what a test of one service builds). `logger` hears
 * what could not be done; without one, nobody is told.
 */
export function createPolicyServices(options: {
  readonly config: GerbangConfig;
  readonly state: StateStore;
  readonly audit: AuditTrail;
  readonly subjectHasher: SubjectHasher;
  readonly wall: () => number;
  readonly monotonic: () => number;
  readonly logger?: Logger;
  /** The trail's newest record time before this start (a start far ahead holds the purge). */
  readonly trailTimeAtOpen?: number | undefined;
}): PolicyServices {
  const { config, state, audit, wall, logger } = options;
  migrateOldAgreementRows(config, state, audit, wall(), logger);
  const registry = new PolicyRegistry(
    config,
    state,
    (problems) => {
      if (logger !== undefined) reportStoredStateProblems(problems, logger, audit);
    },
    options.monotonic,
  );
  const monitor = new AgreementMonitor(registry, audit, wall, (error) => {
    logger?.error(
      { event: 'agreement_monitor_failed', reason: reasonOf(error) },
      'the agreement state could not be evaluated; retrying',
    );
  });
  const admin = new AdminActions({
    config,
    registry,
    state,
    audit,
    afterChange: () => {
      monitor.agreementsChanged();
    },
  });
  switchReadersOffWhenAccessStops(monitor, {
    readers: admin,
    audit,
    now: wall,
    onError: (error) => {
      logger?.error(
        { event: 'reader_deactivation_failed', reason: reasonOf(error) },
        'could not deactivate readers',
      );
    },
  });
  return {
    registry,
    monitor,
    limits: new ClientLimits(config),
    clock: new ClockMonitor(
      { wall, monotonic: options.monotonic },
      config.clock.maxJumpSeconds * 1000,
      {
        trailTimeAtStart: options.trailTimeAtOpen,
        maxStartGapMs: config.clock.maxStartGapDays * DAY_MS,
      },
    ),
    anomalies: new AnomalyService(config, audit, options.subjectHasher),
    verifications: new VerificationAttempts(
      {
        ...config.verification,
        timeZone: config.upstream.quotaTimeZone,
        alertCooldownMs: config.anomalies.cooldownMinutes * 60_000,
      },
      audit,
    ),
    unauthenticated: new UnauthenticatedRequests({
      trail: audit,
      settings: config.server.unauthenticated,
      monotonic: options.monotonic,
      onAppendFailed: () => {
        logger?.error({ event: 'audit_write_failed' }, 'could not record a security event');
      },
    }),
    admin,
  };
}

export function createServices(
  config: GerbangConfig,
  adapters: ServiceAdapters,
  clock: ClockSources,
): Services {
  const { audit, auditStore, logger } = adapters;
  const subjectHasher = createSubjectHasher(adapters.subjectKeys.current);
  const policy = createPolicyServices({
    config,
    state: adapters.state,
    audit,
    subjectHasher,
    wall: clock.wall,
    monotonic: clock.monotonic,
    trailTimeAtOpen: adapters.trailTimeAtOpen,
    ...(logger ? { logger } : {}),
  });
  // Today's quotas continue from what the trail shows spent: a restart hands out no fresh quota.
  const now = clock.wall();
  const dayStart = new Date(policy.limits.dayStart(now)).toISOString();
  policy.limits.restore(
    now,
    auditStore.upstreamCallsSince(dayStart),
    auditStore.upstreamCallsByUpstreamSince(dayStart),
  );
  // So are the verification attempts spent on each resident today.
  policy.verifications.restore(auditStore, now);
  auditStore.onAppended((records) => {
    policy.anomalies.observe(records);
  });
  const { returnData, cardReads, siem } = adapters;
  return {
    policy,
    subjectHasher,
    traceSubjects: createSubjectTracer(subjectHasher, adapters.subjectKeys.retired),
    readers:
      cardReads === undefined || config.readers === undefined
        ? undefined
        : {
            verifier: cardReads,
            nonces: new NonceStore(config.readers.nonceTtlSeconds * 1000),
          },
    returnData:
      returnData === undefined
        ? undefined
        : {
            outbox: returnData.outbox,
            worker: new DeliveryWorker({
              outbox: returnData.outbox,
              client: returnData.client,
              audit,
              settings: config.returnData,
              now: clock.wall,
              logger: logger ?? pino({ enabled: false }),
            }),
          },
    reports: {
      generate: (kind, period, requestedBy) =>
        generateReport({
          kind,
          period,
          config,
          audit: auditStore,
          policy,
          caPem: adapters.auditTrustAnchorPem,
          now: clock.wall(),
          requestedBy,
        }),
      signExport: (content) => signWithReportKey(config, adapters.auditTrustAnchorPem, content),
      due: (now) =>
        nextDueReport({
          reader: auditStore,
          timeZone: reportTimeZone(config, policy, now),
          now,
          reminderDays: config.reports?.reminderDays,
          agreementInForce: (instant) => policy.registry.inForce(instant) !== undefined,
        }),
    },
    siem:
      siem === undefined
        ? undefined
        : { status: () => ({ ...siem.status(), lastSeq: auditStore.size }) },
  };
}
