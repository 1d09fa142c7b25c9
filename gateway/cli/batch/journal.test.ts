/** The checkpoint: resumable after a torn write, refused for another run, and free of values. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Journal, JournalMismatchError } from './journal.ts';

const dir = mkdtempSync(join(tmpdir(), 'gerbang-journal-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const identity = { inputSha256: 'ab'.repeat(32), purpose: 'verifikasi-massal' };

describe('Journal', () => {
  it('resumes the finished rows, skipping a torn last line', () => {
    const path = join(dir, 'torn.progress');
    const first = Journal.open(path, identity);
    first.record(1, { outcome: 'valid' });
    first.record(2, { outcome: 'mismatch', mismatched: ['nama_lengkap'] });
    first.close();
    appendFileSync(path, '{"row":3,"outc'); // SIGKILL in the middle of a write

    const second = Journal.open(path, identity);
    expect(second.resumed).toBe(true);
    expect([...second.finished]).toEqual([
      [1, { outcome: 'valid' }],
      [2, { outcome: 'mismatch', mismatched: ['nama_lengkap'] }],
    ]);
    second.record(3, { outcome: 'nik_not_found' });
    second.record(4, { outcome: 'unclassified', unclassified: ['status_perkawinan'] });
    second.record(5, { outcome: 'nik_ambiguous' });
    second.close();
    const third = Journal.open(path, identity);
    expect(third.finished.get(3)).toEqual({ outcome: 'nik_not_found' });
    expect(third.finished.get(4)).toEqual({
      outcome: 'unclassified',
      unclassified: ['status_perkawinan'],
    });
    expect(third.finished.get(5)).toEqual({ outcome: 'nik_ambiguous' });
    third.close();
  });

  it('refuses to resume another run', () => {
    const path = join(dir, 'other.progress');
    Journal.open(path, identity).close();
    expect(() => Journal.open(path, { ...identity, purpose: 'pendaftaran-wp' })).toThrow(
      JournalMismatchError,
    );
    expect(() => Journal.open(path, { ...identity, inputSha256: 'cd'.repeat(32) })).toThrow(
      /belongs to another run/,
    );
  });

  it('refuses a checkpoint of a run that chose its own threshold (the gateway now fixes it)', () => {
    const path = join(dir, 'threshold.progress');
    appendFileSync(
      path,
      `${JSON.stringify({ format: 'gerbang-verify-batch/1', ...identity, threshold: 90 })}\n`,
    );
    expect(() => Journal.open(path, identity)).toThrow(/belongs to another run/);
  });

  it('holds outcomes and element names only', () => {
    const path = join(dir, 'content.progress');
    const journal = Journal.open(path, identity);
    journal.record(7, { outcome: 'invalid_format', invalid: ['nik'], missing: ['alamat'] });
    journal.close();
    expect(readFileSync(path, 'utf8').split('\n').slice(1).filter(Boolean)).toEqual([
      '{"row":7,"outcome":"invalid_format","invalid":["nik"],"missing":["alamat"]}',
    ]);
  });
});
