/**
 * A bulk-verification input file with a known answer for every row, built from the simulator's
 * population: rows whose claims are the registry's values in the agency's own spelling (valid),
 * rows with one wrong element (mismatch), valid-form NIKs the registry lacks (nik_not_found),
 * malformed rows (invalid_format) and rows with empty cells (incomplete). The expectation comes
 * from how each row was made, not from the code under test.
 */
import { SyntheticPopulation } from '../../adapters/dukcapil-sim/index.ts';
import { prng } from '../../adapters/dukcapil-sim/population.ts';
import { formatCsvRow } from '../../gateway/cli/batch/csv.ts';
import { OUTCOMES, type Outcome } from '../../gateway/cli/batch/plan.ts';
import { normaliseUpstreamRecord } from '../../policies/index.ts';

export const BATCH_COLUMNS = [
  'nik',
  'nama_lengkap',
  'tanggal_lahir',
  'jenis_kelamin',
  'tempat_lahir',
  'alamat',
] as const;

export interface GeneratedBatch {
  readonly csv: string;
  /** Expected outcome per data row (index 0 is row 1). */
  readonly expected: readonly Outcome[];
  readonly counts: Readonly<Record<Outcome, number>>;
  /** How many rows must reach the gateway, and which (0-based data row index). */
  readonly queried: number;
  readonly queriedRows: readonly boolean[];
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Unique valid-form NIKs in Samarinda/Bontang ranges, in a scattered order. */
function* niks(random: () => number): Generator<string> {
  const seen = new Set<string>();
  for (;;) {
    const day = 1 + Math.floor(random() * 28) + (random() < 0.5 ? 40 : 0);
    const nik = `647401${pad(day)}${pad(1 + Math.floor(random() * 12))}${pad(60 + Math.floor(random() * 40))}${pad(1 + Math.floor(random() * 9998), 4)}`;
    if (seen.has(nik)) continue;
    seen.add(nik);
    yield nik;
  }
}

const ddmmyyyy = (iso: string) => iso.split('-').reverse().join('-');

export function generateBatch(rows: number, seed = 20261121): GeneratedBatch {
  const random = prng(seed);
  const population = new SyntheticPopulation('gerbang-demo');
  const source = niks(random);
  const lines: string[] = [formatCsvRow(BATCH_COLUMNS)];
  const expected: Outcome[] = [];
  const queriedRows: boolean[] = [];

  const resident = () => {
    for (;;) {
      const nik = source.next().value as string;
      const raw = population.find(nik);
      if (raw === undefined) continue;
      const { record } = normaliseUpstreamRecord(raw);
      return { nik, record };
    }
  };

  for (let i = 0; i < rows; i++) {
    const roll = random();
    if (roll < 0.05) {
      // A valid-form NIK the registry does not have.
      let nik = source.next().value as string;
      while (population.find(nik) !== undefined) nik = source.next().value as string;
      lines.push(formatCsvRow([nik, 'ANDI SAPUTRA', '01-01-1980', 'L', 'SAMARINDA', 'JL. MAWAR']));
      expected.push('nik_not_found');
      queriedRows[expected.length - 1] = true;
      continue;
    }
    const { nik, record } = resident();
    const jalan = typeof record.alamat === 'object' ? (record.alamat.jalan ?? '') : '';
    // The agency's own spelling of the registry's values: case, date form, sex as a letter.
    const claims = [
      nik,
      random() < 0.5 ? (record.nama_lengkap ?? '').toLowerCase() : (record.nama_lengkap ?? ''),
      random() < 0.5 ? ddmmyyyy(record.tanggal_lahir ?? '') : (record.tanggal_lahir ?? ''),
      record.jenis_kelamin === 'PEREMPUAN' ? 'P' : 'L',
      record.tempat_lahir ?? '',
      random() < 0.5 ? jalan.replace(/^JL\. /, 'Jalan ') : jalan,
    ];
    if (roll < 0.8) {
      expected.push('valid');
      queriedRows[expected.length - 1] = true;
    } else if (roll < 0.88) {
      // One exact element wrong: the other sex, or the birth date a year off.
      if (random() < 0.5) claims[3] = claims[3] === 'P' ? 'L' : 'P';
      else claims[2] = (record.tanggal_lahir ?? '').replace(/^\d{4}/, (y) => String(Number(y) + 1));
      expected.push('mismatch');
      queriedRows[expected.length - 1] = true;
    } else if (roll < 0.91) {
      claims[1] = 'ZULKARNAEN WIBISONO PRAWIRONEGORO';
      expected.push('mismatch');
      queriedRows[expected.length - 1] = true;
    } else if (roll < 0.94) {
      // Malformed: a short NIK, an impossible date, or a NIK with a letter (as an O for a 0).
      // (A row of another width is no row outcome: the file is refused before anything is sent.)
      const kind = Math.floor(random() * 3);
      if (kind === 0) claims[0] = nik.slice(0, 12);
      else if (kind === 1) claims[2] = '31-02-1990';
      else claims[0] = `${nik.slice(0, 15)}O`;
      expected.push('invalid_format');
    } else if (roll < 0.97) {
      // A blank name: verified on the rest, but the row is incomplete.
      claims[1] = '';
      expected.push('incomplete');
      queriedRows[expected.length - 1] = true;
    } else {
      // No NIK at all: nothing to ask.
      claims[0] = '';
      expected.push('incomplete');
    }
    lines.push(formatCsvRow(claims));
  }
  const counts = {
    valid: 0,
    mismatch: 0,
    nik_not_found: 0,
    nik_ambiguous: 0,
    invalid_format: 0,
    unclassified: 0,
    incomplete: 0,
    error: 0,
  } satisfies Record<Outcome, number>;
  for (const outcome of expected) counts[outcome]++;
  return {
    csv: lines.join(''),
    expected,
    counts,
    queried: queriedRows.filter(Boolean).length,
    queriedRows: expected.map((_, row) => queriedRows[row] === true),
  };
}

/** The outcome counts `gerbang verify-batch` prints in its summary, by outcome. */
export function summaryCounts(stdout: string): Record<string, number> {
  return Object.fromEntries(
    OUTCOMES.map((outcome) => [
      outcome,
      Number(
        new RegExp(`^\\s+${outcome}\\s+([\\d,]+)$`, 'm').exec(stdout)?.[1]?.replaceAll(',', ''),
      ),
    ]),
  );
}
