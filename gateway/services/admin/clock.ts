/**
 * After a jump of the wall clock stopped data requests (clock/clock-monitor.ts), an administrator
 * who checked the time trusts the clock again: recorded, then applied, like every change.
 */
import type { AuditTrail } from '../../../audit/index.ts';
import type { ClockMonitor } from '../clock/clock-monitor.ts';
import { AdminActionError } from './errors.ts';
import { recordThenApply, type AdminContext } from './record.ts';

/** Resolves to the jump acknowledged, in milliseconds. */
export async function acknowledgeClockJump(
  clock: ClockMonitor,
  audit: AuditTrail,
  context: AdminContext,
): Promise<number> {
  const verdict = clock.check();
  if (verdict.trusted)
    throw new AdminActionError(
      'conflict',
      'The clock is trusted; there is nothing to acknowledge.',
    );
  await recordThenApply(audit, context, 'clock_acknowledged', { jumpMs: verdict.jumpMs }, () => {
    clock.acknowledge();
  });
  return verdict.jumpMs;
}
