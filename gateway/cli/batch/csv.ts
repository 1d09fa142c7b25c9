/**
 * RFC 4180 CSV, streamed: quoted fields may hold commas, quotes ("") and line breaks; lines end in
 * LF or CRLF; a UTF-8 byte-order mark (spreadsheet exports) is skipped. Records come with the
 * 1-based number of the line they start on, so a person can find the row in their editor.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface CsvRecord {
  /** 1-based position among the records, header included (the header is record 1). */
  readonly index: number;
  readonly line: number;
  readonly fields: readonly string[];
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;

/** The file as UTF-8 text chunks; a character split across chunks stays whole. */
async function* decodedChunks(
  path: string,
  onBytes: ((chunk: Buffer) => void) | undefined,
): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const bytes of createReadStream(path, {
    highWaterMark: 256 * 1024,
  }) as AsyncIterable<Buffer>) {
    onBytes?.(bytes);
    yield decoder.write(bytes);
  }
  yield decoder.end();
}

/** Reads records; `onBytes` sees every raw chunk (to hash the file in the same pass). */
export async function* readCsv(
  path: string,
  onBytes?: (chunk: Buffer) => void,
): AsyncGenerator<CsvRecord> {
  const chunks = decodedChunks(path, onBytes);
  // start: at a field's first character; quote: just after a quote inside a quoted field.
  let state: 'start' | 'unquoted' | 'quoted' | 'quote' = 'start';
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let index = 0;
  let first = true;
  for await (const chunk of chunks) {
    const text = first && chunk.startsWith('\uFEFF') ? chunk.slice(1) : chunk;
    if (chunk !== '') first = false;
    let segment = 0; // start of the characters not yet copied into `field`
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (state === 'quoted') {
        if (ch === QUOTE) {
          field += text.slice(segment, i);
          state = 'quote';
        } else if (ch === LF) line++;
        continue;
      }
      if (state === 'quote') {
        if (ch === QUOTE) {
          field += '"'; // "" inside quotes is one quote
          state = 'quoted';
          segment = i + 1;
          continue;
        }
        state = 'unquoted'; // the quote closed the field; what follows is read as it stands
        segment = i;
      }
      if (ch === QUOTE && state === 'start') {
        state = 'quoted';
        segment = i + 1;
      } else if (ch === COMMA || ch === LF) {
        field += text.slice(segment, i);
        if (ch === LF && field.endsWith('\r')) field = field.slice(0, -1);
        fields.push(field);
        field = '';
        state = 'start';
        segment = i + 1;
        if (ch === LF) {
          yield { index: ++index, line: recordLine, fields };
          fields = [];
          recordLine = ++line;
        }
      } else {
        state = 'unquoted';
      }
    }
    if (state !== 'quote') field += text.slice(segment);
  }
  if (state !== 'start' || field !== '' || fields.length > 0) {
    fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
    yield { index: ++index, line: recordLine, fields };
  }
}

/** One CSV line (with CRLF, as RFC 4180 and spreadsheets expect). */
export function formatCsvRow(fields: readonly string[]): string {
  return `${fields.map((value) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value)).join(',')}\r\n`;
}
