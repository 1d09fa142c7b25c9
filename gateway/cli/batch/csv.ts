/**
 * CSV as spreadsheets write it, read with a maintained parser (`csv-parse`) in strict mode and
 * streamed: fields in double quotes may hold the delimiter, quotes ("") and line breaks; lines end
 * in LF or CRLF (mixed too); a UTF-8 byte-order mark is skipped. The delimiter is `,`, `;` (a
 * spreadsheet set to Indonesian or most of Europe) or tab: detected from the header line, or given.
 *
 * Strict: a quote left open, a stray quote, or a record with another number of fields than the
 * header is a CsvError naming the line the record starts on — never folded into a cell, never
 * guessed at. A blank record (an empty line, or only delimiters: what a spreadsheet writes for an
 * empty row) is skipped and not yielded, but keeps its number, so that data row N is always the
 * spreadsheet's row N + 1 (the header being row 1).
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { parse, CsvError as ParserError, type Options } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';

export type Delimiter = ',' | ';' | '\t';
export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t'];

/** How a delimiter is written in messages and in `--delimiter`. */
export const delimiterName = (delimiter: Delimiter): string =>
  delimiter === '\t' ? 'tab' : delimiter;

/** A file that cannot be read as CSV, with the 1-based line a person should look at. */
export class CsvError extends Error {
  override readonly name = 'CsvError';
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${String(line)}: ${message}`);
    this.line = line;
  }
}

export interface CsvRecord {
  /**
   * 1-based position among the records, the header being 1 and blank records counted (they are
   * skipped, not renumbered): data row N is record N + 1.
   */
  readonly index: number;
  /** The 1-based file line the record starts on (a quoted line break makes records span lines). */
  readonly line: number;
  readonly fields: readonly string[];
}

export interface ReadCsvOptions {
  /** The delimiter; detected from the header line when not given. */
  readonly delimiter?: Delimiter;
  /** Sees every raw chunk (to hash the file in the same pass). */
  readonly onBytes?: (chunk: Buffer) => void;
}

const HEADER_LIMIT = 1 << 20;

/**
 * The delimiter of the file's header line: the one of `,` `;` tab that appears outside quotes.
 * None (a one-column header) reads as `,`; more than one kind is ambiguous and refused, asking for
 * `--delimiter`. Reads the first line only, never the whole file.
 */
export function detectDelimiter(path: string): Delimiter {
  const fd = openSync(path, 'r');
  const found = new Set<Delimiter>();
  let headerLine = 1;
  try {
    const buffer = Buffer.alloc(64 * 1024);
    let text = '';
    let position = 0;
    let scanned = 0;
    let quoted = false;
    let content = false; // whether the line under scan has any character yet
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      position += read;
      // Decoding is not needed to be exact here: the three delimiters and the quote are ASCII.
      text += buffer.toString('latin1', 0, read);
      if (scanned === 0 && text.startsWith('\xEF\xBB\xBF')) scanned = 3;
      for (; scanned < text.length; scanned++) {
        const ch = text[scanned];
        if (ch === '"') quoted = !quoted;
        else if (!quoted && ch === '\n') {
          if (content) return chosen(found, headerLine);
          headerLine++; // blank lines before the header
          continue;
        } else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) found.add(ch);
        if (ch !== '\r') content = true;
      }
      if (read === 0) return chosen(found, headerLine);
      if (position > HEADER_LIMIT)
        throw new CsvError(headerLine, 'the header line is longer than 1 MiB: is this a CSV file?');
    }
  } finally {
    closeSync(fd);
  }
}

function chosen(found: ReadonlySet<Delimiter>, line: number): Delimiter {
  if (found.size > 1)
    throw new CsvError(
      line,
      `the header holds more than one delimiter outside quotes (${[...found].map((d) => `"${delimiterName(d)}"`).join(', ')}): ` +
        'say which separates the columns with --delimiter , | ; | tab',
    );
  return [...found][0] ?? ',';
}

/** The parser's error, for the person who prepared the file. */
function explain(error: ParserError, line: number): CsvError {
  const where = (error as { lines?: number }).lines;
  const at = where !== undefined && where !== line ? ` (found on line ${String(where)})` : '';
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new CsvError(
        line,
        'a quote opened in this row is never closed: the rest of the file would fall into one cell; close or remove it',
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new CsvError(
        line,
        `a quoted cell of this row is followed by other characters before the next delimiter${at}: a quote is left open or stray; a quote inside a quoted cell is written twice ("")`,
      );
    case 'INVALID_OPENING_QUOTE':
      return new CsvError(
        line,
        `a quote inside an unquoted cell${at}: quote the whole cell and write the quote twice ("")`,
      );
    default:
      return new CsvError(line, `${error.message} (${error.code})`);
  }
}

const isBlank = (fields: readonly string[]) => fields.every((field) => field.trim() === '');
const lineBreaks = (fields: readonly string[]) => {
  let count = 0;
  for (const field of fields) for (const ch of field) if (ch === '\n') count++;
  return count;
};

/** Reads the records of the file, streamed; throws CsvError at the first that cannot be read. */
export async function* readCsv(
  path: string,
  options: ReadCsvOptions = {},
): AsyncGenerator<CsvRecord> {
  const delimiter = options.delimiter ?? detectDelimiter(path);
  const source = createReadStream(path, { highWaterMark: 256 * 1024 });
  const onBytes = options.onBytes;
  if (onBytes !== undefined)
    source.on('data', (chunk) => {
      onBytes(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    });
  // Lines and numbers are counted as the parser reads (on_record), not as records are consumed:
  // the parser may fail further on before the records it has read are taken.
  let index = 0;
  let line = 1; // where the next record starts
  let width: number | undefined;
  let problem: CsvError | undefined; // the first row of another width
  const parserOptions: Options = {
    bom: true,
    delimiter,
    record_delimiter: ['\r\n', '\n'],
    quote: '"',
    escape: '"',
    relax_quotes: false,
    // Checked below, so that a blank row of another width is skipped rather than refused.
    relax_column_count: true,
    skip_empty_lines: false,
    // The parser's types want records out as they came in; a CsvRecord comes out.
    on_record: ((fields: string[]): CsvRecord | null => {
      const start = line;
      line += lineBreaks(fields) + 1;
      if (isBlank(fields)) {
        if (width !== undefined) index++;
        return null;
      }
      index++;
      if (width === undefined) width = fields.length;
      else if (fields.length !== width)
        problem ??= new CsvError(
          start,
          `${String(fields.length)} ${fields.length === 1 ? 'cell' : 'cells'} where the header has ${String(width)}` +
            (fields.length === 1
              ? ` (the columns are read as separated by "${delimiterName(delimiter)}"; give --delimiter if that is wrong)`
              : ': a delimiter inside a cell must be in a quoted cell'),
        );
      return { index, line: start, fields };
    }) as unknown as NonNullable<Options['on_record']>,
  };
  const parser = parse(parserOptions);
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) {
      if (problem !== undefined && problem.line <= record.line) throw problem;
      yield record;
    }
    if (problem !== undefined) throw problem;
  } catch (error) {
    if (error instanceof ParserError) throw problem ?? explain(error, line);
    throw error;
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** CSV lines (CRLF, as RFC 4180 and spreadsheets expect) in the given delimiter. */
export function formatCsvRows(
  rows: readonly (readonly string[])[],
  delimiter: Delimiter = ',',
): string {
  return stringify(rows as string[][], {
    delimiter,
    record_delimiter: 'windows',
  });
}

/** One CSV line. */
export function formatCsvRow(fields: readonly string[], delimiter: Delimiter = ','): string {
  return formatCsvRows([fields], delimiter);
}
