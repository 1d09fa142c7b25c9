/**
 * The second pass of verification, for a trail whose checkpoints carry RFC 3161 tokens: each
 * token must be a time-stamp of its own checkpoint (imprint over `timestampedBytes`) by a TSA of
 * the pinned CA. A token that does not verify fails the trail; a token older than the checkpoint's
 * own time says the gateway's clock was ahead of the TSA's, which is reported, not failed (the
 * records are authentic; their times are not). Run it after `verifyExport` has passed over the
 * same lines: that pass proved the checkpoints; this one what time-stamps say about them.
 *
 * One token in memory at a time: a trail of two years holds many.
 */
import { verifyTimeStampToken } from '../certs/timestamp.ts';
import { timestampedBytes } from './checkpoint.ts';
import type { ExportLine } from './verify.ts';

/** How far ahead of the TSA a checkpoint's time may be before the clock is named (TSA accuracy, rounding). */
export const CLOCK_TOLERANCE_MS = 60_000;
/** Warnings of a clock ahead are listed up to this many; the count is always given. */
const MAX_LISTED = 5;

export type TimestampSummary =
  | {
      readonly ok: true;
      /** Checkpoints with a token, and how many were checked against a CA (0 without one). */
      readonly timestamped: number;
      readonly checked: number;
      /** The newest token: records 1..treeSize existed by genTime. */
      readonly newest?: {
        readonly treeSize: number;
        readonly genTime: string;
        readonly authority: string;
      };
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly treeSize: number; readonly reason: string };

const minutes = (ms: number): string =>
  ms >= 86_400_000
    ? `${(ms / 86_400_000).toFixed(1)} days`
    : ms >= 3_600_000
      ? `${(ms / 3_600_000).toFixed(1)} hours`
      : `${Math.round(ms / 60_000)} minutes`;

/** Checks every token among `lines` against `tsaCaPem`; without it, only counts them. */
export async function checkTimestamps(
  lines: Iterable<ExportLine>,
  tsaCaPem: string | undefined,
): Promise<TimestampSummary> {
  let timestamped = 0;
  let checked = 0;
  let newest: { treeSize: number; genTime: string; authority: string } | undefined;
  let ahead = 0;
  const warnings: string[] = [];
  for (const line of lines) {
    if (line.kind !== 'checkpoint' || line.timestamp === undefined) continue;
    timestamped++;
    if (tsaCaPem === undefined) continue;
    const { checkpoint } = line;
    const check = await verifyTimeStampToken(Buffer.from(line.timestamp, 'base64'), {
      data: timestampedBytes(checkpoint),
      caPem: tsaCaPem,
    });
    if (!check.ok)
      return {
        ok: false,
        treeSize: checkpoint.treeSize,
        reason: `the time-stamp of the checkpoint over tree size ${checkpoint.treeSize} does not verify: ${check.reason}`,
      };
    checked++;
    newest = {
      treeSize: checkpoint.treeSize,
      genTime: check.genTime.toISOString(),
      authority: check.authority,
    };
    const byMs = Date.parse(checkpoint.time) - check.genTime.getTime();
    if (byMs > CLOCK_TOLERANCE_MS) {
      ahead++;
      if (ahead <= MAX_LISTED)
        warnings.push(
          `the checkpoint over tree size ${checkpoint.treeSize} is dated ${checkpoint.time}, ${minutes(byMs)} after ${check.authority} time-stamped it (${check.genTime.toISOString()}): the gateway's clock was ahead, and the times of the records before it are not to be trusted`,
        );
    }
  }
  if (ahead > MAX_LISTED)
    warnings.push(`${ahead - MAX_LISTED} more checkpoints are dated after their time-stamps`);
  if (timestamped > 0 && tsaCaPem === undefined)
    warnings.push(
      `${timestamped} checkpoints carry RFC 3161 time-stamps that were not checked: pass --tsa-ca FILE (the time-stamp authority's CA)`,
    );
  return { ok: true, timestamped, checked, ...(newest ? { newest } : {}), warnings };
}
