/**
 * NIK uniqueness inside the agency's own file (PKS Pasal 2(2)a: the agency answers for the
 * uniqueness of the NIKs in the documents it issues). One pass over the file finds the NIKs
 * written on more than one row, and among them those whose rows name different people.
 *
 * The census lives in memory for the run and is no second copy of the file: it holds neither
 * NIKs nor names, only truncated HMACs of them under a key drawn at random for this census and
 * never written anywhere; nothing of it reaches the checkpoint or the output but row numbers.
 * It is typed arrays, not a map of strings: per row with a NIK, 64 bits of the NIK's HMAC, 32 of
 * the name's and the row number (16 bytes), and once every row is in, a sorted copy of the NIK
 * hashes (8 more) that finds the repeated ones; then only the rows of repeated NIKs are kept — some
 * 24 MB for a million rows while it is taken, kilobytes after. Nothing of it is spilled to disk.
 * A name is compared after the normalisation of verification (case, diacritics, punctuation,
 * abbreviations) and word order; any other difference, a typo included, counts as a different
 * name — the agency's file should write one resident one way.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { normaliseText } from '../../../policies/index.ts';
import { readCsv, type Delimiter } from './csv.ts';
import type { FileLayout } from './plan.ts';

/** What the file says about a row's NIK: written once, on other rows too, or with other names. */
export type NikInFile = 'unique' | 'repeated' | 'names_differ';

export interface NikFinding {
  readonly nikInFile: NikInFile;
  /** Another row with the same NIK (the first one other than this row). */
  readonly sameNikAs?: number;
}

export interface UniquenessSummary {
  /** NIKs written on more than one row. */
  readonly repeatedNiks: number;
  /** Rows carrying such a NIK. */
  readonly repeatedRows: number;
  /** Of those, the rows whose NIK is written with different names. */
  readonly namesDifferRows: number;
}

/** What one repeated NIK's rows share, gathered in the order the rows were added. */
interface Group {
  readonly first: number;
  second: number | undefined;
  rows: number;
  name: number;
  namesDiffer: boolean;
}

interface Findings {
  /** Per row of a repeated NIK, its finding; every other row is unique. */
  readonly repeated: ReadonlyMap<number, NikFinding>;
  readonly summary: UniquenessSummary;
}

export class NikCensus {
  private readonly key = randomBytes(32);
  private count = 0;
  private rows: Uint32Array;
  /** The first 64 bits of the NIK's HMAC. */
  private niks: BigUint64Array;
  /** 32 bits of the name's HMAC; 0 for a row without a name. */
  private names: Uint32Array;
  private findings: Findings | undefined;

  /** `expectedRows` sizes the arrays (they grow past it). */
  constructor(expectedRows = 1024) {
    const capacity = Math.max(16, expectedRows);
    this.rows = new Uint32Array(capacity);
    this.niks = new BigUint64Array(capacity);
    this.names = new Uint32Array(capacity);
  }

  private digest(text: string): Buffer {
    // 64 bits of the NIK's: two different NIKs of a million-row file collide with odds of about
    // 1 in 37 million (n²/2⁶⁵). 32 of the name's, compared only among the rows of one NIK.
    return createHmac('sha256', this.key).update(text).digest();
  }

  private static nameForm(name: string): string {
    return normaliseText(name).split(' ').sort().join(' ');
  }

  /** Counts one data row; a row without a NIK is not counted. */
  add(row: number, nik: string, name: string | undefined): void {
    if (this.findings !== undefined) throw new Error('the census is closed');
    const trimmed = nik.trim();
    if (trimmed === '') return;
    const n = this.count;
    if (n === this.rows.length) {
      const rows = new Uint32Array(n * 2);
      const niks = new BigUint64Array(n * 2);
      const names = new Uint32Array(n * 2);
      rows.set(this.rows);
      niks.set(this.niks);
      names.set(this.names);
      [this.rows, this.niks, this.names] = [rows, niks, names];
    }
    const form = name === undefined ? '' : NikCensus.nameForm(name);
    this.rows[n] = row;
    this.niks[n] = this.digest(`nik:${trimmed}`).readBigUInt64BE(0);
    this.names[n] = form === '' ? 0 : this.digest(`name:${form}`).readUInt32BE(0) || 1;
    this.count = n + 1;
  }

  /**
   * Finds the repeated NIKs (a sorted copy of the hashes, in place and natively: no comparator,
   * no workspace), then gathers their rows in the order added; the arrays are then dropped.
   */
  private settle(): Findings {
    if (this.findings !== undefined) return this.findings;
    const n = this.count;
    const sorted = this.niks.slice(0, n).sort();
    const repeatedKeys = new Set<bigint>();
    for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) repeatedKeys.add(sorted[i] ?? 0n);
    const groups = new Map<bigint, Group>();
    const members: [number, Group][] = [];
    for (let i = 0; i < n; i++) {
      const nik = this.niks[i] ?? 0n;
      if (!repeatedKeys.has(nik)) continue;
      const row = this.rows[i] ?? 0;
      const name = this.names[i] ?? 0;
      let group = groups.get(nik);
      if (group === undefined) {
        group = { first: row, second: undefined, rows: 0, name: 0, namesDiffer: false };
        groups.set(nik, group);
      }
      group.rows++;
      if (row !== group.first) group.second ??= row;
      if (name !== 0) {
        if (group.name === 0) group.name = name;
        else if (group.name !== name) group.namesDiffer = true;
      }
      members.push([row, group]);
    }
    const repeated = new Map<number, NikFinding>();
    for (const [row, group] of members)
      repeated.set(row, {
        nikInFile: group.namesDiffer ? 'names_differ' : 'repeated',
        sameNikAs: group.first === row ? (group.second ?? row) : group.first,
      });
    let namesDifferRows = 0;
    for (const group of groups.values()) if (group.namesDiffer) namesDifferRows += group.rows;
    this.rows = this.names = new Uint32Array(0);
    this.niks = new BigUint64Array(0);
    this.findings = {
      repeated,
      summary: { repeatedNiks: groups.size, repeatedRows: members.length, namesDifferRows },
    };
    return this.findings;
  }

  /** The finding for a row, once every row has been added. */
  finding(row: number): NikFinding {
    return this.settle().repeated.get(row) ?? { nikInFile: 'unique' };
  }

  summary(): UniquenessSummary {
    return this.settle().summary;
  }
}

/** One pass over the input: every data row's NIK and, if the file has the column, its name. */
export async function censusOfFile(
  path: string,
  layout: FileLayout,
  delimiter?: Delimiter,
  expectedRows?: number,
): Promise<NikCensus> {
  const census = new NikCensus(expectedRows);
  const nameColumn = layout.claimColumns.find((c) => c.element === 'nama_lengkap')?.column;
  for await (const record of readCsv(path, delimiter === undefined ? {} : { delimiter })) {
    if (record.index === 1) continue;
    // A row of the wrong width is invalid_format: its cells cannot be told apart.
    if (record.fields.length !== layout.width) continue;
    census.add(
      record.index - 1,
      record.fields[layout.nikColumn] ?? '',
      nameColumn === undefined ? undefined : record.fields[nameColumn],
    );
  }
  return census;
}
