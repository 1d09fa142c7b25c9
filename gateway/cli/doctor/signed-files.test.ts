/** The doctor's check of the instruments' signed files against their recorded SHA-256. */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from '../../../test/helpers/temp-dir.ts';
import { demoConfig, DEMO_AGREEMENT } from '../../config/demo.ts';
import type { GerbangConfig } from '../../config/index.ts';
import { signedFileProblems } from './signed-files.ts';

const dir = fileTempDir('gerbang-signed-files-');

function withInstrument(file: string, sha256: string): GerbangConfig {
  const config = demoConfig(0, 0, DEMO_AGREEMENT.signedOn);
  const [pks] = config.agreements;
  if (pks === undefined) throw new Error('the demo configures an agreement');
  return {
    ...config,
    agreements: [
      {
        ...pks,
        instruments: [
          { kind: 'addendum', number: 'ADD/1', effectiveOn: '2026-01-01', sha256, file },
        ],
      },
    ],
  };
}

describe('signedFileProblems', () => {
  const file = join(dir, 'adendum.pdf');
  writeFileSync(file, 'the signed addendum');
  const sha256 = createHash('sha256').update('the signed addendum').digest('hex');

  it('accepts a file whose hash is the one recorded', () => {
    expect(signedFileProblems(withInstrument(file, sha256))).toEqual([]);
  });

  it('names a file that differs, and one that is missing', () => {
    expect(signedFileProblems(withInstrument(file, '0'.repeat(64)))).toEqual([
      expect.stringMatching(
        /^addendum ADD\/1 of .*adendum\.pdf has SHA-256 [0-9a-f]{64}, not the 0{64} recorded$/,
      ),
    ]);
    expect(signedFileProblems(withInstrument(join(dir, 'gone.pdf'), sha256))).toEqual([
      expect.stringMatching(/gone\.pdf cannot be read \(ENOENT\)$/),
    ]);
  });
});
