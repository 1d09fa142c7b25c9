/**
 * `gerbang verify-batch` end to end: a real `gerbang serve` child process, the simulator in this
 * process, and the batch as a child process of its own.
 * - 20,000 generated rows with seeded mismatches, unknown NIKs, malformed and incomplete rows:
 *   the run is SIGKILLed part-way and resumed; every row's outcome is the one it was made with,
 *   and the upstream sees exactly the unfinished rows again — no finished row is asked twice.
 * - Under faults: injected upstream failures and two runs competing for one client's rate still
 *   finish with every row right; a daily quota stops the run at the quota, never beyond it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { GerbangConfig } from '../gateway/config/index.ts';
import { formatCsvRow, readCsv, type Delimiter } from '../gateway/cli/batch/csv.ts';
import { SyntheticPopulation } from '../adapters/dukcapil-sim/index.ts';
import { generateBatch, summaryCounts } from './helpers/batch-file.ts';
import { GERBANG, ROOT, type PreparedInstance } from './helpers/child-gateway.ts';
import { holdsWithin } from './helpers/until.ts';
import { runVerifyBatch, startServedInstance } from './helpers/verify-batch.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const startGateway = (adjust?: (config: GerbangConfig) => GerbangConfig) =>
  startServedInstance(cleanups, 'app-pendaftaran', adjust);

function profileOf(config: GerbangConfig) {
  const profile = config.principals['app-pendaftaran']?.profile;
  if (profile === undefined) throw new Error('the demo has no app-pendaftaran profile');
  return profile;
}

function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gerbang-batch-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

const batch = (
  instance: PreparedInstance,
  dir: string,
  input: string,
  output: string,
  extra: readonly string[] = [],
) => runVerifyBatch(cleanups, instance, dir, input, output, extra);

async function verifyCalls(instance: PreparedInstance): Promise<number> {
  const response = await request(`${instance.simulator.url}/__sim/state`);
  const state = (await response.body.json()) as { counters: { calls: Record<string, number> } };
  return state.counters.calls['CALL_VERIFY_BY_ELEMEN'] ?? 0;
}

/**
 * Waits until the upstream has stopped receiving calls (requests of a killed run may land late).
 * The one wait on quiet rather than on an event: nothing tells when the gateway has passed on
 * the last request a killed client sent, so the count must hold still for 400 ms.
 */
async function settledCalls(instance: PreparedInstance): Promise<number> {
  let last = await verifyCalls(instance);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 400));
    const now = await verifyCalls(instance);
    if (now === last) return now;
    last = now;
  }
}

/** Finished rows in a checkpoint: every parseable entry after the header line. */
function checkpointRows(path: string): Set<number> {
  const rows = new Set<number>();
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    try {
      const entry = JSON.parse(line) as { row?: unknown };
      if (typeof entry.row === 'number') rows.add(entry.row);
    } catch {
      // a torn last line
    }
  }
  return rows;
}

async function outputRows(path: string, delimiter?: Delimiter) {
  const rows: string[][] = [];
  for await (const record of readCsv(path, delimiter === undefined ? {} : { delimiter }))
    rows.push([...record.fields]);
  return rows;
}

describe('gerbang verify-batch', () => {
  it('verifies 20,000 rows exactly, survives SIGKILL and resumes without asking a finished row again', async () => {
    const instance = await startGateway();
    const dir = workDir();
    const generated = generateBatch(20_000);
    writeFileSync(join(dir, 'wajib-pajak.csv'), generated.csv);
    const checkpoint = join(dir, 'hasil.csv.progress');

    // First run: killed once a good part of the file is done.
    const first = batch(instance, dir, 'wajib-pajak.csv', 'hasil.csv');
    let firstEnded = false;
    void first.done.then(() => (firstEnded = true));
    const partWayThrough = () =>
      existsSync(checkpoint) && checkpointRows(checkpoint).size >= generated.expected.length * 0.3;
    await holdsWithin(() => firstEnded || partWayThrough(), {
      timeoutMs: 200_000,
      intervalMs: 100,
    });
    if (!partWayThrough()) throw new Error(`the run ended early: ${first.output().stderr}`);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    const callsBefore = await settledCalls(instance);
    const finished = checkpointRows(checkpoint);
    expect(finished.size).toBeLessThan(generated.expected.length);
    expect(existsSync(join(dir, 'hasil.csv'))).toBe(false);

    // Second run: the same command resumes.
    const second = batch(instance, dir, 'wajib-pajak.csv', 'hasil.csv');
    const ended = await second.done;
    const { stdout, stderr } = second.output();
    expect(ended.code, stderr).toBe(0);

    // Rows in = rows out, in order, each with the outcome it was made with.
    const [header, ...rows] = await outputRows(join(dir, 'hasil.csv'));
    expect(header).toEqual([
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
    ]);
    expect(rows).toHaveLength(generated.expected.length);
    const wrong = rows.filter(
      (row, i) => row[0] !== String(i + 1) || row[2] !== generated.expected[i],
    );
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(summaryCounts(stdout)).toEqual(generated.counts);
    // Every class is well represented (shares of the file as generated).
    const share = (count: number) => count / generated.expected.length;
    expect(share(generated.counts.mismatch)).toBeGreaterThan(0.05);
    expect(share(generated.counts.nik_not_found)).toBeGreaterThan(0.025);
    expect(share(generated.counts.invalid_format)).toBeGreaterThan(0.015);
    expect(share(generated.counts.incomplete)).toBeGreaterThan(0.025);
    expect(stdout).toContain(
      `${finished.size.toLocaleString('en')} rows taken from the checkpoint`,
    );
    expect(stdout).toContain('0 retried');
    expect(existsSync(checkpoint)).toBe(false);

    // Mismatched names elements only, never a value.
    const mismatchedColumn = new Set(rows.flatMap((row) => (row[3] ?? '').split(';')));
    for (const name of mismatchedColumn)
      expect(['', 'nama_lengkap', 'tanggal_lahir', 'jenis_kelamin']).toContain(name);

    // The resumed run asked the upstream about exactly the rows the first had not finished.
    const unfinishedQueried = generated.queriedRows.filter(
      (queried, i) => queried && !finished.has(i + 1),
    ).length;
    expect((await settledCalls(instance)) - callsBefore).toBe(unfinishedQueried);
  }, 240_000);

  it('compares marital status by meaning, classifies coded elements and flags NIKs repeated in the file', async () => {
    const instance = await startGateway();
    const dir = workDir();
    // Residents of the simulator's registry, from the valid rows of a generated file.
    const generated = generateBatch(300, 11);
    writeFileSync(join(dir, 'source.csv'), generated.csv);
    const population = new SyntheticPopulation('gerbang-demo');
    const residents = (await outputRows(join(dir, 'source.csv')))
      .slice(1)
      .filter((_, i) => generated.expected[i] === 'valid')
      .map(([nik = '', name = '']) => {
        const status = population.find(nik)?.['STATUS_KAWIN'];
        return { nik, name, status: typeof status === 'string' ? status : '' };
      });
    // One whose registry status is a full code that agencies write in its short form.
    const shortForms: Record<string, string> = {
      'KAWIN TERCATAT': 'Kawin',
      'KAWIN BELUM TERCATAT': 'KAWIN',
      'CERAI HIDUP TERCATAT': 'Cerai Hidup',
      'CERAI HIDUP BELUM TERCATAT': 'CERAI HIDUP',
    };
    const a = residents.find((r) => shortForms[r.status] !== undefined);
    const [b, c] = residents.filter((r) => r !== a && r.status !== '');
    if (a === undefined || b === undefined || c === undefined)
      throw new Error('the simulated registry has no resident with a full marital status code');
    const otherMeaning = c.status.startsWith('KAWIN') ? 'CERAI MATI' : 'KAWIN';
    writeFileSync(
      join(dir, 'in.csv'),
      [
        'nik,nama_lengkap,status_perkawinan',
        `${a.nik},${a.name},${shortForms[a.status] ?? ''}`,
        `${a.nik},${a.name.toLowerCase()},${shortForms[a.status] ?? ''}`,
        `${b.nik},${b.name},PACARAN`,
        `${b.nik},ZULKARNAEN WIBISONO,${b.status}`,
        `${c.nik},${c.name},${otherMeaning}`,
        '',
      ].join('\n'),
    );
    const run = batch(instance, dir, 'in.csv', 'out.csv');
    const end = await run.done;
    expect(end.code, run.output().stderr).toBe(0);
    const [, ...rows] = await outputRows(join(dir, 'out.csv'));
    // row, outcome, mismatched, unclassified, nik_in_file, same_nik_as
    expect(rows.map((r) => [r[0], r[2], r[3], r[7], r[8], r[9]])).toEqual([
      ['1', 'valid', '', '', 'repeated', '2'],
      ['2', 'valid', '', '', 'repeated', '1'],
      ['3', 'unclassified', '', 'status_perkawinan', 'names_differ', '4'],
      ['4', 'mismatch', 'nama_lengkap', '', 'names_differ', '3'],
      ['5', 'mismatch', 'status_perkawinan', '', '', ''],
    ]);
    expect(run.output().stdout).toMatch(
      /NIK on more than one row: 4 rows \(2 NIKs\), 2 of them with different names/,
    );
    // The unclassified row was not sent: four verifications for five rows.
    expect(await settledCalls(instance)).toBe(4);
  }, 120_000);

  it('reads CSV as spreadsheets write it: ; with BOM and CRLF back in kind, blank lines skipped, a broken file refused before anything is sent', async () => {
    const instance = await startGateway();
    const dir = workDir();
    const generated = generateBatch(40, 5);
    writeFileSync(join(dir, 'source.csv'), generated.csv);
    const [header = [], ...records] = await outputRows(join(dir, 'source.csv'));
    // What a spreadsheet set to Indonesian writes: a BOM, `;`, CRLF, a name with a comma in it,
    // and empty lines at the end (and one in the middle, which keeps its row number).
    const cells = records.map((r, i) =>
      i === 0 ? [r[0] ?? '', `${r[1] ?? ''}, S.E.`, ...r.slice(2)] : r,
    );
    const expected = generated.expected.map((outcome, i) => (i === 0 ? 'mismatch' : outcome));
    writeFileSync(
      join(dir, 'semicolon.csv'),
      `\uFEFF${formatCsvRow(header, ';')}${cells
        .slice(0, 20)
        .map((r) => formatCsvRow(r, ';'))
        .join('')};;;;;\r\n${cells
        .slice(20)
        .map((r) => formatCsvRow(r, ';'))
        .join('')}\r\n\r\n`,
    );
    const run = batch(instance, dir, 'semicolon.csv', 'hasil.csv');
    const end = await run.done;
    expect(end.code, run.output().stderr).toBe(0);
    expect(run.output().stdout).toContain('verify-batch: 40 rows verified');
    const text = readFileSync(join(dir, 'hasil.csv'), 'utf8');
    expect(text.startsWith('\uFEFFrow;nik;outcome;mismatched;')).toBe(true);
    expect(text).toMatch(/\r\n$/);
    const [outHeader, ...rows] = await outputRows(join(dir, 'hasil.csv'), ';');
    expect(outHeader?.slice(0, 3)).toEqual(['row', 'nik', 'outcome']);
    // Row numbers are the spreadsheet's (row N is its line N + 1): the blank row 21 keeps its
    // number and has no result; the trailing blank lines are no rows at all.
    const numbers = Array.from({ length: 41 }, (_, i) => i + 1).filter((n) => n !== 21);
    expect(rows.map((r) => r[0])).toEqual(numbers.map(String));
    expect(rows.map((r) => r[2])).toEqual(expected);
    const sent = await settledCalls(instance);
    expect(sent).toBe(generated.queried);

    // An unclosed quote: the rows after it would fold into one cell. Refused, naming its line.
    writeFileSync(
      join(dir, 'unclosed.csv'),
      [formatCsvRow(header), ...cells.slice(0, 5).map((r) => formatCsvRow(r))]
        .join('')
        .replace(`,${cells[1]?.[1] ?? ''},`, `,"${cells[1]?.[1] ?? ''},`),
    );
    const broken = batch(instance, dir, 'unclosed.csv', 'broken.csv');
    expect((await broken.done).code).toBe(64);
    expect(broken.output().stderr).toMatch(
      /unclosed\.csv: line 3: a quote opened in this row is never closed.*nothing was sent/,
    );
    // A row of another width, as well.
    writeFileSync(
      join(dir, 'ragged.csv'),
      [
        formatCsvRow(header),
        ...cells.slice(0, 5).map((r, i) => formatCsvRow(i === 3 ? r.slice(0, 4) : r)),
      ].join(''),
    );
    const ragged = batch(instance, dir, 'ragged.csv', 'ragged-out.csv');
    expect((await ragged.done).code).toBe(64);
    expect(ragged.output().stderr).toMatch(/ragged\.csv: line 5: 4 cells where the header has 6/);
    expect(await settledCalls(instance)).toBe(sent);
    for (const name of [
      'broken.csv',
      'broken.csv.progress',
      'ragged-out.csv',
      'ragged-out.csv.progress',
    ])
      expect(existsSync(join(dir, name))).toBe(false);
  }, 120_000);

  it('retries upstream faults and 429s to the right answer for every row', async () => {
    const instance = await startGateway((config) => ({
      ...config,
      upstream: { ...config.upstream, breaker: { failureThreshold: 10_000, openMs: 1_000 } },
      principals: {
        ...config.principals,
        'app-pendaftaran': {
          role: 'app',
          profile: { ...profileOf(config), ratePerSecond: 150, burst: 5 },
        },
      },
    }));
    await request(`${instance.simulator.url}/__sim/config`, {
      method: 'POST',
      body: JSON.stringify({ failureRate: 0.1 }),
    }).then((r) => r.body.dump());
    const dir = workDir();
    const generated = generateBatch(400, 7);
    writeFileSync(join(dir, 'a.csv'), generated.csv);
    writeFileSync(join(dir, 'b.csv'), generated.csv);

    // Two runs share one client's rate: together they exceed it and meet 429s.
    const runs = [
      batch(instance, dir, 'a.csv', 'a-out.csv'),
      batch(instance, dir, 'b.csv', 'b-out.csv'),
    ];
    const ends = await Promise.all(runs.map((run) => run.done));
    for (const [i, end] of ends.entries()) expect(end.code, runs[i]?.output().stderr).toBe(0);
    let retried = 0;
    for (const [i, name] of ['a-out.csv', 'b-out.csv'].entries()) {
      const [, ...rows] = await outputRows(join(dir, name));
      expect(rows.map((row) => row[2])).toEqual(generated.expected);
      retried += Number(/([\d,]+) retried/.exec(runs[i]?.output().stdout ?? '')?.[1]);
    }
    expect(retried).toBeGreaterThan(0);
  }, 240_000);

  it('stops at the daily quota without exceeding it, and says how to resume', async () => {
    const quota = 150;
    const instance = await startGateway((config) => ({
      ...config,
      principals: {
        ...config.principals,
        'app-pendaftaran': {
          role: 'app',
          profile: { ...profileOf(config), dailyQuota: quota },
        },
      },
    }));
    const dir = workDir();
    writeFileSync(join(dir, 'in.csv'), generateBatch(400, 3).csv);
    const run = batch(instance, dir, 'in.csv', 'out.csv');
    const end = await run.done;
    expect(end.code).toBe(75);
    expect(run.output().stderr).toMatch(/stopped \(quota_exhausted: .*run the same command/s);
    expect(await verifyCalls(instance)).toBe(quota);
    expect(existsSync(join(dir, 'out.csv'))).toBe(false);
    expect(existsSync(join(dir, 'out.csv.progress'))).toBe(true);

    // Nothing the batch sent left a resident's NIK in the gateway's data directory.
    const scan = spawnSync(process.execPath, [GERBANG, 'retention', 'scan'], {
      cwd: ROOT,
      env: { ...process.env, GERBANG_DATA_DIR: instance.dir },
      encoding: 'utf8',
    });
    expect(scan.stdout).toMatch(/nothing of a resident found/);
  }, 120_000);
});
