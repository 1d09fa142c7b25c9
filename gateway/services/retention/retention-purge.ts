/**
 * The daily retention purge, which cannot destroy evidence: it runs only on a clock trusted for
 * evidence (clock/clock-monitor.ts: no jump, not behind the trail, not started far ahead of it
 * unless acknowledged), and cuts no later than the retention period allows from the earlier of
 * the clock and the trail's newest record (policies/retention.ts). A held purge says why, once a
 * day, as an alert in the trail and the log; the store anchors and records each purge it makes.
 */
import type { Logger } from 'pino';
import type { AuditStore } from '../../../audit/index.ts';
import { latestRetentionCutoff } from '../../../policies/index.ts';
import type { ClockMonitor } from '../clock/clock-monitor.ts';

export type PurgeRun =
  | { readonly ran: true; readonly purged: number; readonly cutoff: number }
  | { readonly ran: false; readonly reason: string; readonly ms: number };

export class RetentionPurge {
  private readonly options: {
    readonly store: AuditStore;
    readonly clock: ClockMonitor;
    readonly retentionDays: number;
    readonly now: () => number;
    readonly logger: Logger;
  };

  constructor(options: RetentionPurge['options']) {
    this.options = options;
  }

  async run(): Promise<PurgeRun> {
    const { store, clock, retentionDays, now, logger } = this.options;
    const problem = clock.evidenceProblem(store.newestRecordTime());
    if (problem !== undefined) {
      logger.error(
        { event: 'retention_purge_held', reason: problem.reason, ms: problem.ms },
        'audit retention purge held: the clock is not trusted for evidence; an administrator checks the time and acknowledges it (POST /v1/admin/clock/acknowledge)',
      );
      await store
        .append({
          type: 'security',
          event: 'alert',
          outcome: 'alert',
          detail: { rule: 'retention_purge_held', reason: problem.reason, ms: problem.ms },
        })
        .catch(() => undefined);
      return { ran: false, reason: problem.reason, ms: problem.ms };
    }
    const cutoff = latestRetentionCutoff({
      now: now(),
      retentionDays,
      newestRecordTime: store.newestRecordTime(),
    });
    const { purged } = await store.purgeBefore(cutoff, { detail: { retentionDays } });
    return { ran: true, purged, cutoff };
  }
}
