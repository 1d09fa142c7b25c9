/**
 * The output file, joined from the input, the checkpoint and the census: byte for byte the file
 * that version 0.x wrote from its map of finished rows (the digests below were taken from that
 * code on the same generated inputs), whatever order the checkpoint holds the rows in — out of
 * order as answers come, a row recorded twice (an `error` asked again), a torn line of a SIGKILL.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCsvRow, type Delimiter } from './csv.ts';
import { surveyInput, writeOutput } from './files.ts';
import { Journal } from './journal.ts';
import { OUTCOMES, readLayout, type RowResult } from './plan.ts';
import { censusOfFile } from './uniqueness.ts';
import { prng as random } from '../../../adapters/dukcapil-sim/population.ts';

const dir = mkdtempSync(join(tmpdir(), 'gerbang-files-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const HEADER = ['jenis_kelamin', 'NAMA_LENGKAP', 'nik', 'alamat', 'status_perkawinan'] as const;
const CLAIMS = ['jenis_kelamin', 'nama_lengkap', 'alamat', 'status_perkawinan'] as const;
/** ELEMENTS order, as the gateway's verdicts list them. */
const MISMATCHABLE = ['nama_lengkap', 'jenis_kelamin', 'status_perkawinan', 'alamat'] as const;
const NAMES = ['Siti Kenari Rahayu', 'BUDI SANTOSO', 'Andi Saputra', 'dewi lestari', ''];
const ERRORS = ['upstream_unavailable', 'ECONNRESET', 'verification_limit', 'unreadable_answer'];

interface Scenario {
  readonly rows: number;
  readonly delimiter: Delimiter;
  readonly bom: boolean;
  readonly seed: number;
}

/** An input file (blank rows, repeated NIKs, names that differ) and a checkpoint for it. */
function build(name: string, scenario: Scenario) {
  const next = random(scenario.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const nik = (n: number) => `6474${String(n).padStart(12, '0')}`;
  const eol = scenario.delimiter === ';' ? '\r\n' : '\n';
  const lines: string[] = [formatCsvRow(HEADER, scenario.delimiter).replace('\r\n', eol)];
  const rows: number[] = [];
  let row = 0;
  while (rows.length < scenario.rows) {
    row++;
    if (next() < 0.01) {
      lines.push(next() < 0.5 ? eol : `${scenario.delimiter.repeat(4)}${eol}`);
      continue;
    }
    const roll = next();
    const id = roll < 0.04 ? nik(Math.floor(next() * 150)) : roll < 0.05 ? '' : nik(1e6 + row);
    const fields = [pick(['L', 'P', '']), pick(NAMES), id, `JL. MAWAR NO. ${String(row)}`, 'KAWIN'];
    lines.push(formatCsvRow(fields, scenario.delimiter).replace('\r\n', eol));
    rows.push(row);
  }
  const input = join(dir, `${name}.csv`);
  writeFileSync(input, `${scenario.bom ? '\uFEFF' : ''}${lines.join('')}`);

  const subset = <T>(list: readonly T[], p: number) => list.filter(() => next() < p);
  const result = (): RowResult => {
    const outcome = pick(OUTCOMES);
    const mismatched = outcome === 'mismatch' ? subset(MISMATCHABLE, 0.5) : [];
    const missing = subset(['nik', ...CLAIMS] as const, 0.15);
    const invalid = outcome === 'invalid_format' ? subset(['nik', ...CLAIMS] as const, 0.4) : [];
    const unclassified = outcome === 'unclassified' ? subset(CLAIMS, 0.4) : [];
    return {
      outcome,
      ...(mismatched.length > 0 ? { mismatched } : {}),
      ...(missing.length > 0 ? { missing } : {}),
      ...(invalid.length > 0 ? { invalid } : {}),
      ...(unclassified.length > 0 ? { unclassified } : {}),
      ...(outcome === 'error' ? { error: pick(ERRORS) } : {}),
    };
  };
  // Answers come out of order (within the requests in flight); some rows end as `error` first and
  // are asked again at the end (--retry-errors); a SIGKILL tore one line.
  const entries = rows.map((r) => ({ row: r, ...result() }));
  for (let i = 0; i + 1 < entries.length; i++)
    if (next() < 0.3) {
      const j = Math.min(entries.length - 1, i + Math.floor(next() * 64));
      [entries[i], entries[j]] = [
        entries[j] as (typeof entries)[number],
        entries[i] as (typeof entries)[number],
      ];
    }
  const retried = entries.filter(() => next() < 0.02);
  const journal = entries.map((e) =>
    retried.includes(e)
      ? JSON.stringify({ row: e.row, outcome: 'error', error: 'ECONNRESET' })
      : JSON.stringify(e),
  );
  journal.splice(Math.floor(journal.length / 2), 0, '{"row":12,"outc');
  journal.push(...retried.map((e) => JSON.stringify(e)));
  return { input, journal: journal.join('\n') };
}

async function output(name: string, scenario: Scenario): Promise<string> {
  const { input, journal } = build(name, scenario);
  const survey = await surveyInput(input);
  const identity = { inputSha256: survey.sha256, purpose: 'verifikasi-massal' };
  const journalPath = join(dir, `${name}.out.progress`);
  writeFileSync(
    journalPath,
    `${JSON.stringify({ format: 'gerbang-verify-batch/1', ...identity })}\n${journal}\n`,
    { mode: 0o600 },
  );
  const layout = readLayout(survey.header);
  // Opened as a resumed run opens it: the torn line is ignored.
  const opened = Journal.open(journalPath, identity, survey.lastRow);
  expect(opened.size).toBe(scenario.rows);
  opened.close();
  const census = await censusOfFile(input, layout, survey.delimiter, survey.rows);
  const outputPath = join(dir, `${name}.out.csv`);
  await writeOutput({ inputPath: input, outputPath }, survey, layout, census, journalPath);
  for (const leftover of [journalPath, `${outputPath}.rows`, `${outputPath}.tmp`])
    expect(existsSync(leftover)).toBe(false);
  return readFileSync(outputPath, 'utf8');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('writeOutput', () => {
  it('writes a , file as before', async () => {
    const text = await output('comma', { rows: 30_000, delimiter: ',', bom: false, seed: 7 });
    expect(sha256(text)).toBe('44080ed1c78e8818f58f2718eae7eae7bbc97a95915084ff0c24b738a4695d93');
    // The file has what the digest covers: repeated NIKs, names that differ, lists in order.
    expect(text).toMatch(/,repeated,\d+\r\n/);
    expect(text).toMatch(/,names_differ,\d+\r\n/);
    expect(text).toMatch(/,mismatch,nama_lengkap;jenis_kelamin;/);
    expect(text).toMatch(/,nik;jenis_kelamin;nama_lengkap/);
  });

  it('writes a ; file with BOM and CRLF as before', async () => {
    const text = await output('semicolon', { rows: 5_000, delimiter: ';', bom: true, seed: 11 });
    expect(sha256(text)).toBe('f2cec299c62b5538bfae0669477e9aef4fb65d6fed37031c8644d35c9c111b11');
    expect(
      text.startsWith(
        '\uFEFFrow;nik;outcome;mismatched;missing;invalid;error;unclassified;nik_in_file;same_nik_as\r\n1;6474000001000001;mismatch;"jenis_kelamin;status_perkawinan;alamat";alamat;;;;;\r\n',
      ),
    ).toBe(true);
  });
});
