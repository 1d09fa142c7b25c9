/**
 * The streamed CSV reader (csv-parse, strict) against RFC 4180's corners and what spreadsheets
 * write: records split across chunks, `;` and tab, BOM and CRLF, blank lines, and the files it
 * must refuse with the line to look at.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvError, detectDelimiter, formatCsvRow, readCsv, type Delimiter } from './csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'gerbang-csv-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
let files = 0;
function file(text: string): string {
  const path = join(dir, `${String(++files)}.csv`);
  writeFileSync(path, text);
  return path;
}
async function parse(text: string, delimiter?: Delimiter) {
  const records = [];
  for await (const record of readCsv(file(text), delimiter === undefined ? {} : { delimiter }))
    records.push(record);
  return records;
}
async function refusal(text: string): Promise<CsvError> {
  try {
    await parse(text);
  } catch (error) {
    if (error instanceof CsvError) return error;
    throw error;
  }
  throw new Error('the file was read');
}

describe('readCsv', () => {
  it('reads plain, quoted and escaped fields with LF and CRLF', async () => {
    const records = await parse('a,b,c\r\n1,"x, y","say ""hi"""\n"",,last\n');
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['', '', 'last'],
    ]);
  });

  it('keeps line breaks inside quotes and numbers records by their first line', async () => {
    const records = await parse('h1,h2\n"two\nlines",x\nnext,y');
    expect(records.map((r) => [r.index, r.line, r.fields])).toEqual([
      [1, 1, ['h1', 'h2']],
      [2, 2, ['two\nlines', 'x']],
      [3, 4, ['next', 'y']],
    ]);
  });

  it('skips a byte-order mark, and blank lines without renumbering the rows after them', async () => {
    const records = await parse('\uFEFFnik,nama\r\n\r\n123,A\r\n,\r\n456,B\r\n\r\n\r\n');
    expect(records.map((r) => [r.index, r.line, r.fields])).toEqual([
      [1, 1, ['nik', 'nama']],
      [3, 3, ['123', 'A']],
      [5, 5, ['456', 'B']],
    ]);
  });

  it('reads LF and CRLF mixed in one file without folding lines', async () => {
    const records = await parse('a,b\r\n1,2\n3,4\r\n5,"x\r\ny"\n6,7');
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [3, ['3', '4']],
      [4, ['5', 'x\r\ny']],
      [6, ['6', '7']],
    ]);
  });

  it('detects ; and tab from the header, with the delimiter and line breaks inside quotes', async () => {
    const semicolon =
      '\uFEFFnik;nama_lengkap;alamat\r\n1;"Siti; Rahayu";"JL. KENARI\r\nNO. 7"\r\n2;Budi, S.E.;x\r\n';
    expect(detectDelimiter(file(semicolon))).toBe(';');
    expect((await parse(semicolon)).map((r) => r.fields)).toEqual([
      ['nik', 'nama_lengkap', 'alamat'],
      ['1', 'Siti; Rahayu', 'JL. KENARI\r\nNO. 7'],
      ['2', 'Budi, S.E.', 'x'],
    ]);
    const tab = 'nik\tnama_lengkap\n1\t"Siti\tRahayu"\n2\tBudi; Santoso\n';
    expect(detectDelimiter(file(tab))).toBe('\t');
    expect((await parse(tab)).map((r) => r.fields)).toEqual([
      ['nik', 'nama_lengkap'],
      ['1', 'Siti\tRahayu'],
      ['2', 'Budi; Santoso'],
    ]);
    // Delimiters inside a quoted header cell do not count; a one-column header reads as ','.
    expect(detectDelimiter(file('"a;b",c\n'))).toBe(',');
    expect(detectDelimiter(file('\n\nnik\n1\n'))).toBe(',');
  });

  it('refuses a header with more than one delimiter unless one is given', async () => {
    const text = 'nik;nama,alamat\n1;A,B\n';
    expect(() => detectDelimiter(file(text))).toThrow(/line 1: .*--delimiter/);
    expect((await parse(text, ';')).map((r) => r.fields)).toEqual([
      ['nik', 'nama,alamat'],
      ['1', 'A,B'],
    ]);
  });

  it('refuses an unclosed quote, naming the line of the row, never folding the rest', async () => {
    const error = await refusal('nik,nama\n1,A\n2,"B\n3,C\n4,D\n5,E\n');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^line 3: a quote opened in this row is never closed/);
    // Closed further on, the quote would fold rows: the characters after it give it away.
    const folded = await refusal('nik,nama\n1,A\n2,"B\n3,"C"\n');
    expect(folded.line).toBe(3);
    expect(folded.message).toMatch(/quote is left open or stray/);
    // A quote in the middle of an unquoted cell.
    expect((await refusal('nik,nama\n1,A\n2,B "C" D\n')).line).toBe(3);
  });

  it('refuses a row of another width, naming its line', async () => {
    const error = await refusal('nik,nama\n1,A\n\n"x\ny",B\n3,C,extra\n');
    expect(error.line).toBe(6);
    expect(error.message).toMatch(/^line 6: 3 cells where the header has 2/);
    expect((await refusal('nik;nama\n1;A\n2\n')).message).toMatch(/line 3: 1 cell .*--delimiter/);
  });

  it('reads a file larger than one chunk, with records across chunk boundaries', async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => [String(i), `"nama, ke-${String(i)}"`]);
    const text = `${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
    expect(text.length).toBeGreaterThan(3 * 256 * 1024);
    const records = await parse(text);
    expect(records).toHaveLength(40_000);
    expect(records[39_999]?.fields).toEqual(['39999', 'nama, ke-39999']);
    expect(records.every((r, i) => r.fields[1] === `nama, ke-${String(i)}`)).toBe(true);
  });

  it('round-trips what formatCsvRow writes, in each delimiter', async () => {
    const values = [
      'plain',
      'with,comma',
      'with;semicolon',
      'with\ttab',
      'with "quote"',
      'two\r\nlines',
      '',
    ];
    for (const delimiter of [',', ';', '\t'] as const) {
      const text =
        formatCsvRow(values, delimiter) + formatCsvRow(['z', ...values.slice(1)], delimiter);
      expect(text).toMatch(/\r\n$/);
      const records = await parse(text, delimiter);
      expect(records.map((r) => r.fields)).toEqual([values, ['z', ...values.slice(1)]]);
    }
    expect(formatCsvRow(['a', 'b;c'], ';')).toBe('a;"b;c"\r\n');
  });
});
