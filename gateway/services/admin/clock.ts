/**
 * The one way back after any clock fault (docs/operations.md, "The clock"): an administrator who
 * checked the time acknowledges it, recorded and then applied like every change.
 *
 *  - a jump seen while running (clock/clock-monitor.ts) stopped data requests: trusted again;
 *  - a start far ahead of the trail held the retention purge: the purge may run again;
 *  - the clock is behind the newest record, because the trail was written while the clock ran
 *    ahead and it has since been corrected: a `clock_corrected` record, dated by the corrected
 *    clock, is the one record allowed to go back in time (the verifier accepts it and no other),
 *    and data requests are served again from it on.
 */
import { CLOCK_CORRECTED_EVENT, type AuditTrail } from '../../../audit/index.ts';
import type { ClockMonitor } from '../clock/clock-monitor.ts';
import { AdminActionError } from './errors.ts';
import { recordThenApply, type AdminContext } from './record.ts';

export interface ClockAcknowledged {
  /** The jump that had stopped data requests, in ms. */
  readonly acknowledgedJumpMs?: number;
  /** How far ahead of the trail the gateway started, in ms (the purge was held). */
  readonly acknowledgedStartGapMs?: number;
  /** How far the clock was behind the newest record, in ms (data requests were refused). */
  readonly correctedBehindMs?: number;
}

export async function acknowledgeClock(
  clock: ClockMonitor,
  audit: AuditTrail,
  context: AdminContext,
  now: () => number,
): Promise<ClockAcknowledged> {
  const pending = clock.pending();
  if (pending !== undefined) {
    await recordThenApply(audit, context, 'clock_acknowledged', { ...pending }, () => {
      clock.acknowledge();
    });
    return {
      ...(pending.jumpMs === undefined ? {} : { acknowledgedJumpMs: pending.jumpMs }),
      ...(pending.startGapMs === undefined ? {} : { acknowledgedStartGapMs: pending.startGapMs }),
    };
  }
  const newest = audit.newestRecordTime();
  const wall = now();
  if (newest !== undefined && wall < newest) {
    const behindMs = newest - wall;
    await recordThenApply(
      audit,
      context,
      CLOCK_CORRECTED_EVENT,
      { behindMs, newestRecordTime: new Date(newest).toISOString() },
      () => undefined,
    );
    return { correctedBehindMs: behindMs };
  }
  throw new AdminActionError('conflict', 'The clock is trusted; there is nothing to acknowledge.');
}
