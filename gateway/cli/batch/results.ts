/**
 * The finished rows in row order, for joining the output with the input: the checkpoint holds
 * them in the order they were answered (out of order within the requests in flight, a row asked
 * again after an `error` further on, a resumed run's rows after the first run's), so it is first
 * copied into `OUT.rows`, one fixed-width slot per row number — the last entry of a row winning,
 * as on resume — and then read front to back beside the input. The client holds one block of
 * slots at a time, never the results of every row.
 *
 * A slot is 12 bytes: the outcome, the four element lists as bit sets and the error code as an
 * index into the codes seen (a few dozen at most). Like the checkpoint it holds outcomes and
 * element names, never a NIK or a value; it is mode 0600 and deleted when the output is written.
 * The element lists come back in the order the run makes them: `mismatched` in canonical element
 * order (the gateway's verdicts), the others `nik` first and then the file's column order (planRow).
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { ELEMENTS, type ElementName } from '../../../policies/index.ts';
import { forEachEntry } from './journal.ts';
import { OUTCOMES, type FileLayout, type RowResult } from './plan.ts';

const SLOT = 12;
/** Slots per block: 48 KiB read or written at once. */
const BLOCK = 4096;
const LISTS = ['mismatched', 'missing', 'invalid', 'unclassified'] as const;

function mask(list: readonly ElementName[] | undefined): number {
  let bits = 0;
  for (const element of list ?? []) bits |= 1 << ELEMENTS.indexOf(element);
  return bits;
}

/** One block of slots in memory, read from the file when entered and written back when left. */
class BlockCache {
  readonly buffer = Buffer.alloc(SLOT * BLOCK);
  private block = -1;
  private dirty = false;
  private readonly fd: number;
  constructor(fd: number) {
    this.fd = fd;
  }

  /** The offset of the row's slot in `buffer`, its block loaded. */
  slot(row: number, forWriting: boolean): number {
    const block = Math.floor(row / BLOCK);
    if (block !== this.block) {
      this.writeBack();
      this.buffer.fill(0);
      // Short or nothing past the end of the file: those slots stay empty.
      readSync(this.fd, this.buffer, 0, this.buffer.length, block * BLOCK * SLOT);
      this.block = block;
    }
    if (forWriting) this.dirty = true;
    return (row % BLOCK) * SLOT;
  }

  writeBack(): void {
    if (this.dirty)
      writeSync(this.fd, this.buffer, 0, this.buffer.length, this.block * BLOCK * SLOT);
    this.dirty = false;
  }
}

export class RowResults {
  private readonly cache: BlockCache;
  /** Element order of the lists other than `mismatched`: `nik`, then the file's columns. */
  private readonly fileOrder: readonly ElementName[];
  private readonly path: string;
  private readonly fd: number;
  private readonly errors: readonly string[];

  private constructor(path: string, fd: number, errors: readonly string[], layout: FileLayout) {
    this.path = path;
    this.fd = fd;
    this.errors = errors;
    this.cache = new BlockCache(fd);
    const inFile: ElementName[] = ['nik', ...layout.claimColumns.map((c) => c.element)];
    this.fileOrder = [...inFile, ...ELEMENTS.filter((e) => !inFile.includes(e))];
  }

  /**
   * Copies the checkpoint into slots by row number, at `path` (replaced if it exists); a row
   * number past the input's last (a checkpoint edited by hand) is no slot, not a sparse gigabyte.
   */
  static build(journalPath: string, path: string, layout: FileLayout, lastRow: number): RowResults {
    const fd = openSync(path, 'w+', 0o600);
    try {
      const cache = new BlockCache(fd);
      const errors: string[] = [];
      const errorIndex = new Map<string, number>();
      forEachEntry(journalPath, (row, result) => {
        if (row < 1 || row > lastRow) return;
        const at = cache.slot(row, true);
        cache.buffer.writeUInt8(OUTCOMES.indexOf(result.outcome) + 1, at);
        for (const [i, list] of LISTS.entries())
          cache.buffer.writeUInt16LE(mask(result[list]), at + 1 + 2 * i);
        let error = 0;
        if (result.error !== undefined) {
          error = errorIndex.get(result.error) ?? errors.push(result.error);
          errorIndex.set(result.error, error);
        }
        if (error > 0xffff) throw new Error('more than 65,535 error codes in one checkpoint');
        cache.buffer.writeUInt16LE(error, at + 9);
      });
      cache.writeBack();
      return new RowResults(path, fd, errors, layout);
    } catch (error) {
      closeSync(fd);
      rmSync(path, { force: true });
      throw error;
    }
  }

  /** The row's result; fastest read in ascending row order. */
  get(row: number): RowResult | undefined {
    const at = this.cache.slot(row, false);
    const buffer = this.cache.buffer;
    const outcome = OUTCOMES[buffer.readUInt8(at) - 1];
    if (outcome === undefined) return undefined;
    const result: { -readonly [K in keyof RowResult]: RowResult[K] } = { outcome };
    for (const [i, list] of LISTS.entries()) {
      const bits = buffer.readUInt16LE(at + 1 + 2 * i);
      if (bits === 0) continue;
      const order = list === 'mismatched' ? ELEMENTS : this.fileOrder;
      result[list] = order.filter((e) => (bits & (1 << ELEMENTS.indexOf(e))) !== 0);
    }
    const error = buffer.readUInt16LE(at + 9);
    if (error > 0) result.error = this.errors[error - 1] ?? '';
    return result;
  }

  /** Closes and deletes the slot file. */
  close(): void {
    closeSync(this.fd);
    rmSync(this.path, { force: true });
  }
}
