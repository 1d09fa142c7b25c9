/**
 * The one composition of the stateful layer: every service of a gateway process, built from
 * adapters already opened and one clock. The server (gateway/server/start.ts), the CLI's offline
 * commands (gateway/cli/offline-services.ts) and the in-process test app all build their services
 * here, so the wiring exists once. Nothing here listens or runs a timer: the server starts the
 * background work (gateway/server/jobs.ts), and a CLI command or a test simply never does.
 * The policy services are wired in create-policy-services.ts and the shapes are
 * service-types.ts; both are re-exported here.
 */
import { pino } from 'pino';
import { createSubjectHasher, createSubjectTracer } from '../../audit/index.ts';
import type { GerbangConfig } from '../config/index.ts';
import type { ClockSources } from './clock/clock-monitor.ts';
import { createPolicyServices } from './create-policy-services.ts';
import { NonceStore } from './readers/nonces.ts';
import { generateReport, signWithReportKey } from './reports/generate.ts';
import { reportTimeZone } from './reports/report.ts';
import { nextDueReport } from './reports/due-status.ts';
import { DeliveryWorker } from './return-data/delivery-worker.ts';
import type { ServiceAdapters, Services } from './service-types.ts';

export { createPolicyServices } from './create-policy-services.ts';
export type {
  PolicyServices,
  ServiceAdapters,
  Services,
  SiemForwarderStatus,
} from './service-types.ts';

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
