/**
 * The signed files of the agreements' instruments (`agreements[].instruments[].file`), checked
 * against the SHA-256 the configuration records for each: a file that was replaced, truncated or
 * is missing is named, so that what the gateway applies is what was signed. Checked by
 * `gerbang doctor`, not at start: a scan on a share that is slow or away must not stop the data
 * path, whose terms are in the configuration itself.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { GerbangConfig } from '../../config/index.ts';

export function signedFileProblems(config: GerbangConfig): string[] {
  const problems: string[] = [];
  for (const agreement of config.agreements)
    for (const instrument of agreement.instruments ?? []) {
      if (instrument.file === undefined) continue;
      let digest: string;
      try {
        digest = createHash('sha256').update(readFileSync(instrument.file)).digest('hex');
      } catch (error) {
        problems.push(
          `${instrument.kind} ${instrument.number} of ${agreement.number}: ${instrument.file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        );
        continue;
      }
      if (digest !== instrument.sha256)
        problems.push(
          `${instrument.kind} ${instrument.number} of ${agreement.number}: ${instrument.file} has SHA-256 ${digest}, not the ${instrument.sha256} recorded`,
        );
    }
  return problems;
}
