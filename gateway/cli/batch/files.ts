/**
 * The files of a bulk verification run: the input surveyed once before the run (its header, its
 * row count and its SHA-256, which names the run in the checkpoint), and the output written when
 * every row is finished, in input order, to a temporary file renamed into place, so that a reader
 * never sees half an output. The output is a join streamed in row order: the input read again,
 * each row's result from the checkpoint copied into row-number slots (results.ts), and what the
 * census of the file found about its NIK (uniqueness.ts): row numbers and a word, nothing more
 * than the agency's own NIK cell. Nothing of it is whole in memory.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { detectDelimiter, formatCsvRows, readCsv, type Delimiter } from './csv.ts';
import type { FileLayout } from './plan.ts';
import { RowResults } from './results.ts';
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

export interface InputSurvey {
  readonly header: readonly string[];
  /** Data rows, blank ones not counted. */
  readonly rows: number;
  /** The number of the last data row (blank rows keep their numbers, so it may exceed `rows`). */
  readonly lastRow: number;
  readonly sha256: string;
  /** The delimiter, given or detected; the output is written with it. */
  readonly delimiter: Delimiter;
  /** Whether the file begins with a UTF-8 byte-order mark; the output then does too. */
  readonly bom: boolean;
}

/**
 * One pass over the input before anything is sent: its header, how many data rows, its SHA-256
 * (the run's identity), and that it reads as CSV to the end — a CsvError names the first line
 * that does not (an open quote, a row of another width).
 */
export async function surveyInput(path: string, given?: Delimiter): Promise<InputSurvey> {
  const delimiter = given ?? detectDelimiter(path);
  const hash = createHash('sha256');
  let bom: boolean | undefined;
  let header: readonly string[] | undefined;
  let rows = 0;
  let lastRow = 0;
  const onBytes = (chunk: Buffer) => {
    bom ??= chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
    hash.update(chunk);
  };
  for await (const record of readCsv(path, { delimiter, onBytes })) {
    if (header === undefined) header = record.fields;
    else {
      rows++;
      lastRow = record.index - 1;
    }
  }
  return {
    header: header ?? [],
    rows,
    lastRow,
    sha256: hash.digest('hex'),
    delimiter,
    bom: bom === true,
  };
}

/**
 * Writes every row's result in input order to a temporary file, renames it into place and
 * removes the checkpoint.
 */
export async function writeOutput(
  options: { readonly inputPath: string; readonly outputPath: string },
  format: { readonly delimiter: Delimiter; readonly bom: boolean; readonly lastRow: number },
  layout: FileLayout,
  census: NikCensus,
  journalPath: string,
): Promise<void> {
  const temporary = `${options.outputPath}.tmp`;
  const results = RowResults.build(
    journalPath,
    `${options.outputPath}.rows`,
    layout,
    format.lastRow,
  );
  const fd = openSync(temporary, 'w', 0o600);
  try {
    // Written in the input's delimiter, so that the spreadsheet that wrote the input reads it.
    // Rows are formatted a thousand at a time: the output is never whole in memory either.
    let pending: string[][] = [OUTPUT_HEADER];
    let buffer = format.bom ? '\uFEFF' : '';
    const flush = () => {
      buffer += formatCsvRows(pending, format.delimiter);
      pending = [];
      if (buffer.length > 1 << 16) {
        writeSync(fd, buffer);
        buffer = '';
      }
    };
    for await (const record of readCsv(options.inputPath, { delimiter: format.delimiter })) {
      if (record.index === 1) continue;
      const row = record.index - 1;
      const result = results.get(row);
      if (result === undefined) throw new Error(`row ${String(row)} has no result`);
      const nik = (record.fields[layout.nikColumn] ?? '').trim();
      // A row of the wrong width has no NIK cell that can be trusted: nothing is said about it.
      const found: NikFinding =
        record.fields.length === layout.width ? census.finding(row) : { nikInFile: 'unique' };
      pending.push([
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
      if (pending.length >= 1000) flush();
    }
    flush();
    writeSync(fd, buffer);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
    results.close();
  }
  renameSync(temporary, options.outputPath);
  rmSync(journalPath, { force: true });
}
