/**
 * The retention scanner: searches files byte by byte — whatever they are, SQLite pages and WAL
 * frames included — for (a) the canary residents' identifying strings, upper and lower case, in
 * UTF-8 and UTF-16 (LE and BE), and (b) any run of exactly 16 digits, delimited, that is a NIK of
 * valid form, in ASCII or UTF-16. Every finding names the file and the byte offset.
 */
import { openSync, readSync, closeSync, readdirSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { checkNik } from '../../../policies/index.ts';

export interface Finding {
  readonly file: string;
  readonly offset: number;
  readonly kind: 'canary' | 'nik';
  readonly encoding: 'utf8' | 'utf16le' | 'utf16be';
  /** What was found, masked so that the report itself does not spread it. */
  readonly masked: string;
}

export interface ScanReport {
  readonly files: number;
  readonly bytes: number;
  readonly findings: readonly Finding[];
}

const CHUNK = 4 * 1024 * 1024;

function mask(text: string): string {
  return text.length <= 4
    ? '****'
    : `${text.slice(0, 2)}${'*'.repeat(text.length - 4)}${text.slice(-2)}`;
}

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1] ?? 0;
    be[i + 1] = le[i] ?? 0;
  }
  return be;
}

interface Needle {
  readonly bytes: Buffer;
  readonly encoding: Finding['encoding'];
  readonly text: string;
}

function needlesFor(canaries: readonly string[]): Needle[] {
  const variants = new Set(canaries.flatMap((c) => [c, c.toUpperCase(), c.toLowerCase()]));
  return [...variants].flatMap((text) => [
    { bytes: Buffer.from(text, 'utf8'), encoding: 'utf8' as const, text },
    { bytes: Buffer.from(text, 'utf16le'), encoding: 'utf16le' as const, text },
    { bytes: utf16be(text), encoding: 'utf16be' as const, text },
  ]);
}

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;
const isAlnum = (b: number | undefined): boolean =>
  b !== undefined && (isDigit(b) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));

/** Runs of exactly 16 ASCII digits, not inside a longer alphanumeric token (hashes, serials). */
function* asciiNiks(buffer: Buffer): Generator<{ offset: number; text: string }> {
  let i = 0;
  while (i < buffer.length) {
    if (!isDigit(buffer[i])) {
      i++;
      continue;
    }
    let j = i;
    while (isDigit(buffer[j])) j++;
    if (j - i === 16 && !isAlnum(buffer[i - 1]) && !isAlnum(buffer[j]))
      yield { offset: i, text: buffer.toString('latin1', i, j) };
    i = j;
  }
}

/** The same in UTF-16 (either byte order): digit, NUL, digit, NUL, … */
function* utf16Niks(
  buffer: Buffer,
  littleEndian: boolean,
): Generator<{ offset: number; text: string }> {
  const at = (k: number): number | undefined =>
    littleEndian
      ? buffer[k + 1] === 0
        ? buffer[k]
        : undefined
      : buffer[k] === 0
        ? buffer[k + 1]
        : undefined;
  for (let start = 0; start < 2; start++) {
    let i = start;
    while (i + 1 < buffer.length) {
      if (!isDigit(at(i))) {
        i += 2;
        continue;
      }
      let j = i;
      let text = '';
      while (j + 1 < buffer.length && isDigit(at(j))) {
        text += String.fromCharCode(at(j) ?? 0);
        j += 2;
      }
      if (text.length === 16 && !isAlnum(at(i - 2)) && !isAlnum(at(j))) yield { offset: i, text };
      i = j;
    }
  }
}

function scanBuffer(
  file: string,
  buffer: Buffer,
  base: number,
  needles: readonly Needle[],
  findings: Finding[],
): void {
  for (const needle of needles) {
    for (
      let at = buffer.indexOf(needle.bytes);
      at !== -1;
      at = buffer.indexOf(needle.bytes, at + 1)
    ) {
      findings.push({
        file,
        offset: base + at,
        kind: 'canary',
        encoding: needle.encoding,
        masked: mask(needle.text),
      });
    }
  }
  for (const { offset, text } of asciiNiks(buffer))
    if (checkNik(text).valid)
      findings.push({
        file,
        offset: base + offset,
        kind: 'nik',
        encoding: 'utf8',
        masked: mask(text),
      });
  for (const littleEndian of [true, false]) {
    for (const { offset, text } of utf16Niks(buffer, littleEndian)) {
      if (checkNik(text).valid)
        findings.push({
          file,
          offset: base + offset,
          kind: 'nik',
          encoding: littleEndian ? 'utf16le' : 'utf16be',
          masked: mask(text),
        });
    }
  }
}

function scanFile(file: string, needles: readonly Needle[], findings: Finding[]): number {
  const longest = Math.max(64, ...needles.map((n) => n.bytes.length));
  const fd = openSync(file, 'r');
  let total = 0;
  try {
    // Chunks overlap so that nothing straddling a boundary is missed; duplicates are merged later.
    const buffer = Buffer.alloc(CHUNK + longest);
    let position = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      if (read === 0) break;
      scanBuffer(file, buffer.subarray(0, read), position, needles, findings);
      total = position + read;
      if (read < buffer.length) break;
      position += CHUNK;
    }
  } finally {
    closeSync(fd);
  }
  return total;
}

function filesUnder(path: string): string[] {
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return [];
  }
  if (stats.isSymbolicLink()) return [];
  if (stats.isFile()) return [path];
  if (!stats.isDirectory()) return [];
  return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
}

/** Scans every regular file under `paths` (files or directories, symlinks not followed). */
export function scanForResidents(
  paths: readonly string[],
  canaries: readonly string[],
): ScanReport {
  const needles = needlesFor(canaries);
  const raw: Finding[] = [];
  let files = 0;
  let bytes = 0;
  for (const file of [...new Set(paths.flatMap(filesUnder))].sort()) {
    files++;
    bytes += scanFile(file, needles, raw);
  }
  const seen = new Set<string>();
  const findings = raw.filter((f) => {
    const key = `${f.file}:${f.offset}:${f.kind}:${f.encoding}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  findings.sort((a, b) => (a.file === b.file ? a.offset - b.offset : a.file < b.file ? -1 : 1));
  // UTF-16LE text also reads as UTF-16BE one byte earlier (and the reverse): report it once.
  const distinct: Finding[] = [];
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i];
    const next = findings[i + 1];
    if (f === undefined) continue;
    const pair =
      next !== undefined &&
      next.file === f.file &&
      next.kind === f.kind &&
      next.masked === f.masked &&
      f.encoding !== 'utf8' &&
      next.encoding !== 'utf8' &&
      next.offset - f.offset <= 1;
    if (pair) {
      distinct.push(f.encoding === 'utf16le' ? f : next);
      i++;
    } else distinct.push(f);
  }
  return { files, bytes, findings: distinct };
}
