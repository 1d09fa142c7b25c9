/**
 * How far the retention purge may cut: never into the retention period, measured from the
 * earlier of the clock and the trail's newest record. A clock run ahead (set wrong, or faked for
 * one command) cannot move the cut past what the trail's own dates allow. Whether the clock may
 * be used at all is the caller's question (gateway/services/clock/clock-monitor.ts).
 */
export const DAY_MS = 86_400_000;

/** The latest cut-off the retention period allows (epoch ms): records before it may go. */
export function latestRetentionCutoff(input: {
  readonly now: number;
  readonly retentionDays: number;
  readonly newestRecordTime: number | undefined;
}): number {
  const reference = Math.min(input.now, input.newestRecordTime ?? input.now);
  return reference - input.retentionDays * DAY_MS;
}

/** Why a requested cut-off is refused, or undefined when it is allowed. */
export function refuseCutoffInsideRetention(requested: number, latest: number): string | undefined {
  if (requested <= latest) return undefined;
  return `the cut-off ${new Date(requested).toISOString()} is inside the retention period: records from ${new Date(latest).toISOString()} on must be kept`;
}
