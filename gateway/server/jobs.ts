/**
 * The gateway's background work as one list: each job starts in list order before anything is
 * served, and the gateway's shutdown stops them in the reverse order (`startJobs`), so that what
 * a later job relies on (the trail, the monitor) is still running while it stops. Nothing here
 * decides anything: the work itself is the services'.
 */
import type { Logger } from 'pino';
import type { GerbangConfig } from '../config/index.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import {
  CheckpointTimestamper,
  remindOfDueReport,
  RetentionPurge,
  type DueStatus,
  type Services,
} from '../services/index.ts';
import type { GatewayAdapters } from './adapters.ts';
import { CrlMonitor } from './crl-monitor.ts';
import type { HandshakeFailureAudit } from './handshake-failures.ts';

export interface BackgroundJob {
  readonly name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : 'unknown');

/** `work` every `everyMs`, and once at start when `atStart`; the timer never keeps Node alive. */
function periodic(
  name: string,
  everyMs: number,
  work: () => void,
  { atStart }: { atStart: boolean },
): BackgroundJob {
  let timer: NodeJS.Timeout | undefined;
  return {
    name,
    start: () => {
      if (atStart) work();
      timer = setInterval(work, everyMs);
      timer.unref();
    },
    stop: () => {
      clearInterval(timer);
    },
  };
}

/** A component that starts and stops itself, as a job; none when it is not configured. */
function ownJob(
  name: string,
  component: { start(): unknown; stop(): unknown } | undefined,
): BackgroundJob[] {
  if (component === undefined) return [];
  return [
    {
      name,
      start: async () => {
        await component.start();
      },
      stop: async () => {
        await component.stop();
      },
    },
  ];
}

/** Audit records older than `audit.retentionDays` go, on a clock trusted for evidence only. */
function retentionPurge(
  config: GerbangConfig,
  { auditStore }: GatewayAdapters,
  services: Services,
  logger: Logger,
  now: () => number,
): () => void {
  const purge = new RetentionPurge({
    store: auditStore,
    clock: services.policy.clock,
    retentionDays: config.audit.retentionDays,
    now,
    logger,
  });
  return () => {
    purge.run().catch((error: unknown) => {
      logger.error(
        { event: 'retention_purge_failed', reason: reasonOf(error) },
        'audit retention purge failed',
      );
    });
  };
}

/** Residents accessed without return data after the agreement's deadline (PKS Pasal 2(2)b). */
function overdueScan(
  services: Services,
  { auditStore }: GatewayAdapters,
  logger: Logger,
  now: () => number,
): () => void {
  const { registry, anomalies } = services.policy;
  return () => {
    try {
      const days = registry.inForce(now())?.terms.returnDataWithinDays ?? 7;
      anomalies.scanReturnDataOverdue(auditStore, now(), days);
    } catch (error) {
      // A timer must not end the process: the next hour tries again.
      logger.error(
        { event: 'return_data_overdue_scan_failed', reason: (error as Error).message },
        'overdue return-data scan failed',
      );
    }
  };
}

/**
 * The semester report's reminder (PKS Pasal 8(1)): an alert and a log line once per semester from
 * `reports.reminderDays` before the due date and once it is overdue, and two gauges for scraping.
 */
function reportDueReminder(
  services: Services,
  { auditStore, audit }: GatewayAdapters,
  logger: Logger,
  metrics: GatewayMetrics,
  now: () => number,
): () => void {
  let last: DueStatus | undefined;
  metrics.gauge(
    // Seconds, Prometheus's base unit (promtool refuses `_days`): whole calendar days in the
    // agreement zone × 86,400. It was gerbang_report_due_days before issue 21.
    'gerbang_report_due_seconds',
    'Calendar days until the semester report due next is due, in the agreement zone, times 86400 (negative: overdue)',
    () => (last?.daysLeft ?? 0) * 86_400,
  );
  metrics.gauge(
    'gerbang_report_due_alarm',
    'The semester report due next: 0 made or not yet due, 1 reminder window, 2 overdue',
    () => (last?.state === 'overdue' ? 2 : last?.state === 'reminder' ? 1 : 0),
  );
  return () => {
    void (async () => {
      const status = services.reports.due(now());
      last = status;
      const rule = await remindOfDueReport({ status, reader: auditStore, audit });
      if (rule !== undefined)
        logger.warn(
          {
            event: rule,
            semester: status.due.semester,
            dueDate: status.due.dueDate,
            daysLeft: status.daysLeft,
          },
          rule === 'report_overdue'
            ? 'the semester report is overdue (PKS Pasal 8(1))'
            : 'the semester report is due soon (PKS Pasal 8(1))',
        );
    })().catch((error: unknown) => {
      // A timer must not end the process: the next hour tries again.
      logger.error(
        { event: 'report_due_check_failed', reason: reasonOf(error) },
        'semester report reminder check failed',
      );
    });
  };
}

/** The jobs of a serving gateway, in the order they start. */
export function gatewayJobs(options: {
  readonly config: GerbangConfig;
  readonly adapters: GatewayAdapters;
  readonly services: Services;
  readonly handshakeFailures: HandshakeFailureAudit;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly now: () => number;
}): BackgroundJob[] {
  const { config, adapters, services, logger, metrics, now } = options;
  const authority = adapters.timestampAuthority;
  const timestamper =
    authority === undefined
      ? undefined
      : new CheckpointTimestamper({
          authority,
          checkpoints: adapters.auditStore,
          audit: adapters.audit,
          logger,
          everyMs: (config.audit.timestampAuthority?.everySeconds ?? 60) * 1000,
          onOutcome: (outcome) => {
            metrics.checkpointTimestamps.inc({ outcome });
          },
        });
  return [
    periodic(
      'audit retention purge',
      DAY_MS,
      retentionPurge(config, adapters, services, logger, now),
      {
        atStart: true,
      },
    ),
    ...ownJob('SIEM forwarder', adapters.siem),
    ...ownJob('checkpoint time-stamping', timestamper),
    // Before anything is served: a CRL unusable at start is alerted (and refuses every client).
    ...ownJob(
      'CRL monitor',
      new CrlMonitor({ revocation: adapters.revocation, audit: adapters.audit, logger }),
    ),
    // Started before anything is served: a state passed while the gateway was down is recorded
    // (and the readers switched off) first.
    ...ownJob('agreement monitor', services.policy.monitor),
    ...ownJob('return-data delivery', services.returnData?.worker),
    periodic('return-data overdue scan', HOUR_MS, overdueScan(services, adapters, logger, now), {
      atStart: false,
    }),
    periodic(
      'semester report reminder',
      HOUR_MS,
      reportDueReminder(services, adapters, logger, metrics, now),
      { atStart: true },
    ),
    // Last, so stopped first: their last windows are written while everything else still runs.
    ...ownJob('authentication-failure coalescer', services.policy.unauthenticated),
    ...ownJob('TLS handshake-failure coalescer', options.handshakeFailures),
  ];
}

/**
 * Starts `jobs` in order; the returned function stops those started, last first. If one fails to
 * start, those already started are stopped before the failure is passed on.
 */
export async function startJobs(jobs: readonly BackgroundJob[]): Promise<() => Promise<void>> {
  const started: BackgroundJob[] = [];
  const stopAll = async (): Promise<void> => {
    for (const job of started.splice(0).reverse()) await job.stop();
  };
  try {
    for (const job of jobs) {
      await job.start();
      started.push(job);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
