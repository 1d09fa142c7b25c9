/**
 * The checkpoint of a bulk verification: `OUT.progress`, next to the output file. Its first line
 * identifies the run (the input's SHA-256 and purpose); every further line is one finished
 * row — its number, outcome and element names, never a NIK or a value. Each line is one write(2),
 * so a SIGKILL leaves at most a torn last line, which is ignored; data is flushed to disk every
 * second and at the end, so a power cut loses at most a second of work.
 *
 * The run holds one byte per row in memory — the row's outcome, or none yet — and never the
 * results themselves: the output is joined from this file when every row is finished
 * (results.ts), so that a file of millions of rows costs megabytes, not a map of objects.
 */
import { closeSync, existsSync, fdatasyncSync, openSync, readSync, writeSync } from 'node:fs';
import { OUTCOMES, type Outcome, type RowResult } from './plan.ts';
import { ELEMENTS, type ElementName } from '../../../policies/index.ts';

const FORMAT = 'gerbang-verify-batch/1';

export interface RunIdentity {
  readonly inputSha256: string;
  readonly purpose: string;
}

export class JournalMismatchError extends Error {
  override readonly name = 'JournalMismatchError';
}

const isOutcome = (value: unknown): value is Outcome =>
  typeof value === 'string' && (OUTCOMES as readonly string[]).includes(value);
const elementList = (value: unknown): readonly ElementName[] | undefined =>
  Array.isArray(value) &&
  value.every((v) => typeof v === 'string' && (ELEMENTS as readonly string[]).includes(v))
    ? (value as ElementName[])
    : undefined;

function parseEntry(line: string): [number, RowResult] | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const entry = raw as Record<string, unknown>;
  if (!Number.isSafeInteger(entry['row']) || !isOutcome(entry['outcome'])) return undefined;
  const mismatched = elementList(entry['mismatched']);
  const missing = elementList(entry['missing']);
  const invalid = elementList(entry['invalid']);
  const unclassified = elementList(entry['unclassified']);
  const error = typeof entry['error'] === 'string' ? entry['error'] : undefined;
  return [
    entry['row'] as number,
    {
      outcome: entry['outcome'],
      ...(mismatched ? { mismatched } : {}),
      ...(missing ? { missing } : {}),
      ...(invalid ? { invalid } : {}),
      ...(unclassified ? { unclassified } : {}),
      ...(error === undefined ? {} : { error }),
    },
  ];
}

/**
 * Every line of a file, read a megabyte at a time: the checkpoint of a million rows is tens of
 * megabytes, and never one string. Lines are split on the byte 0x0A, so UTF-8 is never cut.
 */
export function forEachLine(path: string, onLine: (line: string) => void): void {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      const data =
        carry.length === 0
          ? chunk.subarray(0, read)
          : Buffer.concat([carry, chunk.subarray(0, read)]);
      let start = 0;
      for (let end = data.indexOf(10, start); end >= 0; end = data.indexOf(10, start)) {
        onLine(data.toString('utf8', start, end));
        start = end + 1;
      }
      // Copied: `chunk` is read into again.
      carry = Buffer.from(data.subarray(start));
    }
    if (carry.length > 0) onLine(carry.toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

/** The entries of a checkpoint in the order written (a row recorded again comes again). */
export function forEachEntry(
  path: string,
  onEntry: (row: number, result: RowResult) => void,
): void {
  let first = true;
  forEachLine(path, (line) => {
    if (first) {
      first = false;
      return;
    }
    const entry = parseEntry(line);
    if (entry) onEntry(entry[0], entry[1]);
  });
}

/** The checkpoint's first line (the run's identity, a few hundred bytes). */
function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const end = buffer.subarray(0, read).indexOf(10);
    return buffer.toString('utf8', 0, end < 0 ? read : end);
  } finally {
    closeSync(fd);
  }
}

export class Journal {
  readonly resumed: boolean;
  /** Per row number: 0 while unfinished, else the index of its outcome in OUTCOMES plus one. */
  private readonly outcomes: Uint8Array;
  private finishedRows = 0;
  private readonly fd: number;
  private readonly flusher: NodeJS.Timeout;
  private dirty = false;

  private constructor(fd: number, outcomes: Uint8Array, resumed: boolean) {
    this.fd = fd;
    this.outcomes = outcomes;
    for (const code of outcomes) if (code !== 0) this.finishedRows++;
    this.resumed = resumed;
    this.flusher = setInterval(() => {
      this.flush();
    }, 1000);
    this.flusher.unref();
  }

  /**
   * Opens the checkpoint of a file whose data rows are numbered up to `lastRow`, resuming it if
   * it belongs to the same run; refuses a different run.
   */
  static open(path: string, identity: RunIdentity, lastRow: number): Journal {
    const outcomes = new Uint8Array(lastRow + 1);
    const header = JSON.stringify({ format: FORMAT, ...identity });
    let resumed = false;
    if (existsSync(path)) {
      if (firstLine(path) !== header)
        throw new JournalMismatchError(
          `${path} belongs to another run (a different input file or purpose); ` +
            'delete it to start over, or run the same command as before to resume',
        );
      forEachEntry(path, (row, result) => {
        if (row >= 1 && row <= lastRow) outcomes[row] = OUTCOMES.indexOf(result.outcome) + 1;
      });
      resumed = true;
    }
    const fd = openSync(path, 'a', 0o600);
    // A torn last line (SIGKILL mid-write) must not swallow the next entry.
    if (!resumed) writeSync(fd, `${header}\n`);
    else writeSync(fd, '\n');
    return new Journal(fd, outcomes, resumed);
  }

  /** Rows finished in earlier runs and in this one. */
  get size(): number {
    return this.finishedRows;
  }

  has(row: number): boolean {
    return (this.outcomes[row] ?? 0) !== 0;
  }

  /** Makes the rows that ended as `error` unfinished again (`--retry-errors`). */
  forgetErrors(): void {
    const error = OUTCOMES.indexOf('error') + 1;
    for (let row = 0; row < this.outcomes.length; row++)
      if (this.outcomes[row] === error) {
        this.outcomes[row] = 0;
        this.finishedRows--;
      }
  }

  /** How many finished rows have each outcome. */
  counts(): Record<Outcome, number> {
    const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
    for (const code of this.outcomes) {
      const outcome = OUTCOMES[code - 1];
      if (outcome !== undefined) counts[outcome]++;
    }
    return counts;
  }

  record(row: number, result: RowResult): void {
    if (!this.has(row)) this.finishedRows++;
    this.outcomes[row] = OUTCOMES.indexOf(result.outcome) + 1;
    writeSync(this.fd, `${JSON.stringify({ row, ...result })}\n`);
    this.dirty = true;
  }

  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    fdatasyncSync(this.fd);
  }

  close(): void {
    clearInterval(this.flusher);
    this.flush();
    closeSync(this.fd);
  }
}
