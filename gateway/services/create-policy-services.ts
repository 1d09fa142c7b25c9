/**
 * The policy services' wiring: the registry over state.db (old agreement rows migrated first,
 * unusable rows reported), the agreement monitor and the readers it switches off, admin actions,
 * limits, clock trust, anomalies, verification attempts and unauthenticated refusals. Apart from
 * `createServices` (create-services.ts, which re-exports it) because a test of one service builds
 * these alone, over any trail.
 */
import type { Logger } from 'pino';
import type { AuditTrail, SubjectHasher } from '../../audit/index.ts';
import type { StateStore } from '../../adapters/sqlite/port.ts';
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
import { ClockMonitor } from './clock/clock-monitor.ts';
import type { PolicyServices } from './service-types.ts';
import { VerificationAttempts } from './verification/attempts.ts';
import { UnauthenticatedRequests } from './refusals/unauthenticated.ts';

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
