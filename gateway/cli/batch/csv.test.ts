/** The streamed CSV reader against RFC 4180's corners, including records split across chunks. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCsvRow, readCsv } from './csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'gerbang-csv-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
let files = 0;
async function parse(text: string) {
  const path = join(dir, `${String(++files)}.csv`);
  writeFileSync(path, text);
  const records = [];
  for await (const record of readCsv(path)) records.push(record);
  return records;
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

  it('skips a byte-order mark and reports a blank line as one empty field', async () => {
    const records = await parse('\uFEFFnik\n\n123\n');
    expect(records.map((r) => r.fields)).toEqual([['nik'], [''], ['123']]);
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

  it('round-trips what formatCsvRow writes', async () => {
    const values = ['plain', 'with,comma', 'with "quote"', 'two\r\nlines', ''];
    const records = await parse(formatCsvRow(values) + formatCsvRow(['z']));
    expect(records.map((r) => r.fields)).toEqual([values, ['z']]);
  });
});
