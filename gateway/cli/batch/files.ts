/**
 * The files of a bulk verification run: the input surveyed once before the run (its header, its
 * row count and its SHA-256, which names the run in the checkpoint), and the output written when
 * every row is finished, in input order, to a temporary file renamed into place, so that a reader
 * never sees half an output. Each output row carries what the census of the file found about its
 * NIK (uniqueness.ts): row numbers and a word, nothing more than the agency's own NIK cell.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { formatCsvRow, readCsv } from './csv.ts';
import type { FileLayout, RowResult } from './plan.ts';
import type { NikCensus, NikFinding } from './uniqueness.ts';

/** The result columns; those after `error` came later, and are appended so as to keep positions. */
export const OUTPUT_HEADER = [
  'row',
  'nik',
  'outcome',
  'mismatched',
  'missing',
  'invalid',
  'error',
  'unclassified',
  'nik_in_file',
  'same_nik_as',
];

/** One pass over the input: its header, how many data rows, and its SHA-256 (the run's identity). */
export async function surveyInput(
  path: string,
): Promise<{ header: readonly string[]; rows: number; sha256: string }> {
  const hash = createHash('sha256');
  let header: readonly string[] | undefined;
  let rows = 0;
  for await (const record of readCsv(path, (chunk) => hash.update(chunk))) {
    if (header === undefined) header = record.fields;
    else rows++;
  }
  return { header: header ?? [], rows, sha256: hash.digest('hex') };
}

/** Writes every row's result in input order to a temporary file, then renames it into place. */
export async function writeOutput(
  options: { readonly inputPath: string; readonly outputPath: string },
  layout: FileLayout,
  census: NikCensus,
  results: ReadonlyMap<number, RowResult>,
  journalPath: string,
): Promise<void> {
  const temporary = `${options.outputPath}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    let buffer = formatCsvRow(OUTPUT_HEADER);
    for await (const record of readCsv(options.inputPath)) {
      if (record.index === 1) continue;
      const row = record.index - 1;
      const result = results.get(row);
      if (result === undefined) throw new Error(`row ${String(row)} has no result`);
      const nik = (record.fields[layout.nikColumn] ?? '').trim();
      // A row of the wrong width has no NIK cell that can be trusted: nothing is said about it.
      const found: NikFinding =
        record.fields.length === layout.width ? census.finding(row, nik) : { nikInFile: 'unique' };
      buffer += formatCsvRow([
        String(row),
        nik,
        result.outcome,
        (result.mismatched ?? []).join(';'),
        (result.missing ?? []).join(';'),
        (result.invalid ?? []).join(';'),
        result.error ?? '',
        (result.unclassified ?? []).join(';'),
        found.nikInFile === 'unique' ? '' : found.nikInFile,
        found.sameNikAs === undefined ? '' : String(found.sameNikAs),
      ]);
      if (buffer.length > 1 << 16) {
        writeSync(fd, buffer);
        buffer = '';
      }
    }
    writeSync(fd, buffer);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, options.outputPath);
  rmSync(journalPath, { force: true });
}
