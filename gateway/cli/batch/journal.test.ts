/** The checkpoint: resumable after a torn write, refused for another run, and free of values. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forEachEntry, Journal, JournalMismatchError } from './journal.ts';
import type { RowResult } from './plan.ts';

const dir = mkdtempSync(join(tmpdir(), 'gerbang-journal-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const entries = (path: string) => {
  const found: [number, RowResult][] = [];
  forEachEntry(path, (row, result) => found.push([row, result]));
  return found;
};
const identity = { inputSha256: 'ab'.repeat(32), purpose: 'verifikasi-massal' };

describe('Journal', () => {
  it('resumes the finished rows, skipping a torn last line', () => {
    const path = join(dir, 'torn.progress');
    const first = Journal.open(path, identity, 10);
    first.record(1, { outcome: 'valid' });
    first.record(2, { outcome: 'mismatch', mismatched: ['nama_lengkap'] });
    first.close();
    appendFileSync(path, '{"row":3,"outc'); // SIGKILL in the middle of a write

    const second = Journal.open(path, identity, 10);
    expect(second.resumed).toBe(true);
    expect([second.size, second.has(1), second.has(2), second.has(3)]).toEqual([
      2,
      true,
      true,
      false,
    ]);
    expect(entries(path)).toEqual([
      [1, { outcome: 'valid' }],
      [2, { outcome: 'mismatch', mismatched: ['nama_lengkap'] }],
    ]);
    second.record(3, { outcome: 'nik_not_found' });
    second.record(4, { outcome: 'unclassified', unclassified: ['status_perkawinan'] });
    second.record(5, { outcome: 'nik_ambiguous' });
    second.close();
    const third = Journal.open(path, identity, 10);
    expect(entries(path).slice(2)).toEqual([
      [3, { outcome: 'nik_not_found' }],
      [4, { outcome: 'unclassified', unclassified: ['status_perkawinan'] }],
      [5, { outcome: 'nik_ambiguous' }],
    ]);
    expect(third.size).toBe(5);
    third.close();
  });

  it('counts outcomes by row, a row recorded again counting once, and forgets errors to retry them', () => {
    const path = join(dir, 'counts.progress');
    const first = Journal.open(path, identity, 10);
    first.record(1, { outcome: 'error', error: 'ECONNRESET' });
    first.record(2, { outcome: 'valid' });
    first.record(3, { outcome: 'error', error: 'upstream_unavailable' });
    first.close();
    const second = Journal.open(path, identity, 10);
    expect(second.counts()).toMatchObject({ valid: 1, error: 2 });
    second.forgetErrors();
    expect([second.size, second.has(1), second.has(2), second.has(3)]).toEqual([
      1,
      false,
      true,
      false,
    ]);
    second.record(1, { outcome: 'mismatch', mismatched: ['alamat'] });
    expect(second.counts()).toMatchObject({ valid: 1, mismatch: 1, error: 0 });
    second.close();
    // On resume the last entry of a row is the one that counts.
    const third = Journal.open(path, identity, 10);
    expect(third.counts()).toMatchObject({ valid: 1, mismatch: 1, error: 1 });
    expect(third.size).toBe(3);
    third.close();
  });

  it('refuses to resume another run', () => {
    const path = join(dir, 'other.progress');
    Journal.open(path, identity, 10).close();
    expect(() => Journal.open(path, { ...identity, purpose: 'pendaftaran-wp' }, 10)).toThrow(
      JournalMismatchError,
    );
    expect(() => Journal.open(path, { ...identity, inputSha256: 'cd'.repeat(32) }, 10)).toThrow(
      /belongs to another run/,
    );
  });

  it('refuses a checkpoint of a run that chose its own threshold (the gateway now fixes it)', () => {
    const path = join(dir, 'threshold.progress');
    appendFileSync(
      path,
      `${JSON.stringify({ format: 'gerbang-verify-batch/1', ...identity, threshold: 90 })}\n`,
    );
    expect(() => Journal.open(path, identity, 10)).toThrow(/belongs to another run/);
  });

  it('holds outcomes and element names only', () => {
    const path = join(dir, 'content.progress');
    const journal = Journal.open(path, identity, 10);
    journal.record(7, { outcome: 'invalid_format', invalid: ['nik'], missing: ['alamat'] });
    journal.close();
    expect(readFileSync(path, 'utf8').split('\n').slice(1).filter(Boolean)).toEqual([
      '{"row":7,"outcome":"invalid_format","invalid":["nik"],"missing":["alamat"]}',
    ]);
  });
});
