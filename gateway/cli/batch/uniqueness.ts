/**
 * NIK uniqueness inside the agency's own file (PKS Pasal 2(2)a: the agency answers for the
 * uniqueness of the NIKs in the documents it issues). One pass over the file finds the NIKs
 * written on more than one row, and among them those whose rows name different people.
 *
 * The census lives in memory for the run and is no second copy of the file: it holds neither
 * NIKs nor names, only truncated HMACs of them under a key drawn at random for this census and
 * never written anywhere; nothing of it reaches the checkpoint or the output but row numbers.
 * It is typed arrays, not a map of strings: per row with a NIK, 64 bits of the NIK's HMAC, 32 of
 * the name's and the row number, sorted once by NIK (25 bytes a row while sorting, 9 after) —
 * some 25 MB for a million rows. Nothing of it is spilled to disk.
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
const KINDS: readonly NikInFile[] = ['unique', 'repeated', 'names_differ'];

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

/** The census once every row is in: per counted row (in row order), its finding. */
interface Findings {
  readonly rows: Uint32Array;
  /** Index into KINDS. */
  readonly kind: Uint8Array;
  readonly sameNikAs: Uint32Array;
  readonly summary: UniquenessSummary;
}

function grown(array: Uint32Array, length: number): Uint32Array {
  const bigger = new Uint32Array(length);
  bigger.set(array);
  return bigger;
}

export class NikCensus {
  private readonly key = randomBytes(32);
  private count = 0;
  private rows: Uint32Array;
  /** The NIK's HMAC, its first 64 bits as two halves. */
  private nikHigh: Uint32Array;
  private nikLow: Uint32Array;
  /** The name's HMAC, 32 bits; 0 for a row without a name. */
  private names: Uint32Array;
  private findings: Findings | undefined;

  /** `expectedRows` sizes the arrays (they grow past it). */
  constructor(expectedRows = 1024) {
    const capacity = Math.max(16, expectedRows);
    this.rows = new Uint32Array(capacity);
    this.nikHigh = new Uint32Array(capacity);
    this.nikLow = new Uint32Array(capacity);
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

  /** Counts one data row, rows in ascending order; a row without a NIK is not counted. */
  add(row: number, nik: string, name: string | undefined): void {
    if (this.findings !== undefined) throw new Error('the census is closed');
    const trimmed = nik.trim();
    if (trimmed === '') return;
    const n = this.count;
    if (n > 0 && row <= (this.rows[n - 1] ?? 0)) throw new Error('rows are added in order');
    if (n === this.rows.length) {
      const length = n * 2;
      this.rows = grown(this.rows, length);
      this.nikHigh = grown(this.nikHigh, length);
      this.nikLow = grown(this.nikLow, length);
      this.names = grown(this.names, length);
    }
    const key = this.digest(`nik:${trimmed}`);
    const form = name === undefined ? '' : NikCensus.nameForm(name);
    this.rows[n] = row;
    this.nikHigh[n] = key.readUInt32BE(0);
    this.nikLow[n] = key.readUInt32BE(4);
    this.names[n] = form === '' ? 0 : this.digest(`name:${form}`).readUInt32BE(0) || 1;
    this.count = n + 1;
  }

  /** Sorts the rows by NIK once and settles every row's finding; the hashes are then dropped. */
  private settle(): Findings {
    if (this.findings !== undefined) return this.findings;
    const n = this.count;
    const { nikHigh: high, nikLow: low, names } = this;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    // Ties in row order, so that a NIK's first and second rows lead its run.
    order.sort((a, b) => (high[a] ?? 0) - (high[b] ?? 0) || (low[a] ?? 0) - (low[b] ?? 0) || a - b);
    const rows = this.rows.slice(0, n);
    const kind = new Uint8Array(n);
    const sameNikAs = new Uint32Array(n);
    let repeatedNiks = 0;
    let repeatedRows = 0;
    let namesDifferRows = 0;
    for (let start = 0; start < n;) {
      const head = order[start] ?? 0;
      let end = start + 1;
      while (end < n && high[order[end] ?? 0] === high[head] && low[order[end] ?? 0] === low[head])
        end++;
      if (end - start >= 2) {
        let name = 0;
        let differ = false;
        for (let k = start; k < end; k++) {
          const other = names[order[k] ?? 0] ?? 0;
          if (other === 0) continue;
          if (name === 0) name = other;
          else if (other !== name) differ = true;
        }
        const first = rows[head] ?? 0;
        const second = rows[order[start + 1] ?? 0] ?? 0;
        for (let k = start; k < end; k++) {
          const at = order[k] ?? 0;
          kind[at] = differ ? 2 : 1;
          sameNikAs[at] = rows[at] === first ? second : first;
        }
        repeatedNiks++;
        repeatedRows += end - start;
        if (differ) namesDifferRows += end - start;
      }
      start = end;
    }
    this.nikHigh = this.nikLow = this.names = this.rows = new Uint32Array(0);
    this.findings = {
      rows,
      kind,
      sameNikAs,
      summary: { repeatedNiks, repeatedRows, namesDifferRows },
    };
    return this.findings;
  }

  /** The finding for a row, once every row has been added. */
  finding(row: number): NikFinding {
    const { rows, kind, sameNikAs } = this.settle();
    let low = 0;
    let high = rows.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const at = rows[middle] ?? 0;
      if (at < row) low = middle + 1;
      else if (at > row) high = middle - 1;
      else {
        const found = KINDS[kind[middle] ?? 0] ?? 'unique';
        return found === 'unique'
          ? { nikInFile: 'unique' }
          : { nikInFile: found, sameNikAs: sameNikAs[middle] ?? 0 };
      }
    }
    return { nikInFile: 'unique' };
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
