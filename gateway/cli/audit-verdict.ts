/**
 * What `gerbang audit verify` prints: the chain's verdict and then the time-stamps', the lines
 * that say what was confirmed and what was not, and FAILED with the first bad record. Apart from
 * the commands (audit.ts) because it reads results, not files or the store.
 */
import { readFileSync } from 'node:fs';
import {
  checkTimestamps,
  type ExportLine,
  type TimestampSummary,
  type VerifyResult,
} from '../../audit/index.ts';
import { CliError, say, warn } from './output.ts';

/**
 * The chain's verdict, then the time-stamps' (a second pass over the same lines, only when the
 * chain verified): one verdict printed, FAILED when either fails.
 */
export async function verdict(
  result: VerifyResult,
  lines: () => Iterable<ExportLine>,
  tsaCaPem: string | undefined,
): Promise<{ result: VerifyResult; timestamps?: TimestampSummary }> {
  if (!result.ok) return { result };
  const timestamps = await checkTimestamps(lines(), tsaCaPem);
  if (timestamps.ok) return { result, timestamps };
  return {
    result: {
      ok: false,
      records: result.records,
      checkpoints: result.checkpoints,
      firstBadSeq: timestamps.treeSize,
      reason: timestamps.reason,
    },
  };
}

export function reportTimestamps(
  summary: TimestampSummary | undefined,
  tsaCaPem: string | undefined,
): void {
  if (summary === undefined || !summary.ok) return;
  if (summary.newest !== undefined)
    say(
      `  ${summary.checked} checkpoints time-stamped by ${summary.newest.authority} (RFC 3161): records 1..${summary.newest.treeSize} existed by ${summary.newest.genTime}`,
    );
  else if (tsaCaPem !== undefined && summary.timestamped === 0)
    say('  no checkpoint carries a time-stamp');
  for (const warning of summary.warnings) warn(`  warning: ${warning}`);
}

/** The TSA's CA: --tsa-ca, or the instance's configured one. */
export function tsaCaOf(
  values: { 'tsa-ca'?: string | undefined },
  configuredCaFile: string | undefined,
) {
  const path = values['tsa-ca'] ?? configuredCaFile;
  return path === undefined ? undefined : readFileSync(path, 'utf8');
}

export function report(result: VerifyResult, what: string): void {
  if (result.ok) {
    say(
      `OK: ${what} verifies — ${result.records} records, ${result.checkpoints} signed checkpoints, tree size ${result.treeSize}, root ${result.rootHash}`,
    );
    say(
      result.anchorsConfirmed > 0
        ? `  ${result.anchorsConfirmed} anchor(s) held outside confirmed: the trail extends them`
        : `  no anchor held outside was given: a trail cut at its end by someone holding the audit key would verify too; keep this line as one (--anchor ${result.treeSize}:${result.rootHash})`,
    );
    if (result.unsealedRecords > 0)
      say(
        `  ${result.unsealedRecords} newest records are not yet covered by a checkpoint (one is signed within the checkpoint interval)`,
      );
    for (const warning of result.warnings) warn(`  warning: ${warning}`);
    return;
  }
  throw new CliError(
    `FAILED: ${what} does not verify at record ${result.firstBadSeq}: ${result.reason} (${result.records} records and ${result.checkpoints} checkpoints verified before it)`,
  );
}
