/**
 * NIK uniqueness inside the agency's own file (PKS Pasal 2(2)a: the agency answers for the
 * uniqueness of the NIKs in the documents it issues). One pass over the file finds the NIKs
 * written on more than one row, and among them those whose rows name different people.
 *
 * The census lives in memory for the run and is no second copy of the file: it holds neither
 * NIKs nor names, only truncated HMACs of them under a key drawn at random for this census and
 * never written anywhere; nothing of it reaches the checkpoint or the output but row numbers.
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

interface Entry {
  first: number;
  second: number | undefined;
  rows: number;
  name: string | undefined;
  namesDiffer: boolean;
}

export interface UniquenessSummary {
  /** NIKs written on more than one row. */
  readonly repeatedNiks: number;
  /** Rows carrying such a NIK. */
  readonly repeatedRows: number;
  /** Of those, the rows whose NIK is written with different names. */
  readonly namesDifferRows: number;
}

export class NikCensus {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, Entry>();

  private digest(text: string): string {
    // 96 bits: no collision among the NIKs of any file a machine can hold.
    return createHmac('sha256', this.key).update(text).digest('base64').slice(0, 16);
  }

  private static nameForm(name: string): string {
    return normaliseText(name).split(' ').sort().join(' ');
  }

  /** Counts one data row; a row without a NIK is not counted. */
  add(row: number, nik: string, name: string | undefined): void {
    const trimmed = nik.trim();
    if (trimmed === '') return;
    const key = this.digest(`nik:${trimmed}`);
    const form = name === undefined ? '' : NikCensus.nameForm(name);
    const nameKey = form === '' ? undefined : this.digest(`name:${form}`);
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.entries.set(key, {
        first: row,
        second: undefined,
        rows: 1,
        name: nameKey,
        namesDiffer: false,
      });
      return;
    }
    entry.rows++;
    entry.second ??= row;
    if (nameKey === undefined) return;
    if (entry.name === undefined) entry.name = nameKey;
    else if (entry.name !== nameKey) entry.namesDiffer = true;
  }

  /** The finding for a row, once every row has been added. */
  finding(row: number, nik: string): NikFinding {
    const trimmed = nik.trim();
    const entry = trimmed === '' ? undefined : this.entries.get(this.digest(`nik:${trimmed}`));
    if (entry === undefined || entry.rows < 2) return { nikInFile: 'unique' };
    return {
      nikInFile: entry.namesDiffer ? 'names_differ' : 'repeated',
      sameNikAs: entry.first === row ? (entry.second ?? row) : entry.first,
    };
  }

  summary(): UniquenessSummary {
    let repeatedNiks = 0;
    let repeatedRows = 0;
    let namesDifferRows = 0;
    for (const entry of this.entries.values()) {
      if (entry.rows < 2) continue;
      repeatedNiks++;
      repeatedRows += entry.rows;
      if (entry.namesDiffer) namesDifferRows += entry.rows;
    }
    return { repeatedNiks, repeatedRows, namesDifferRows };
  }
}

/** One pass over the input: every data row's NIK and, if the file has the column, its name. */
export async function censusOfFile(
  path: string,
  layout: FileLayout,
  delimiter?: Delimiter,
): Promise<NikCensus> {
  const census = new NikCensus();
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
