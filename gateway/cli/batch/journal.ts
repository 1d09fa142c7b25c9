/**
 * The checkpoint of a bulk verification: `OUT.progress`, next to the output file. Its first line
 * identifies the run (the input's SHA-256 and purpose); every further line is one finished
 * row — its number, outcome and element names, never a NIK or a value. Each line is one write(2),
 * so a SIGKILL leaves at most a torn last line, which is ignored; data is flushed to disk every
 * second and at the end, so a power cut loses at most a second of work.
 */
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';
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

export class Journal {
  /** Rows finished in earlier runs and in this one. */
  readonly finished: Map<number, RowResult>;
  readonly resumed: boolean;
  private readonly fd: number;
  private readonly flusher: NodeJS.Timeout;
  private dirty = false;

  private constructor(fd: number, finished: Map<number, RowResult>, resumed: boolean) {
    this.fd = fd;
    this.finished = finished;
    this.resumed = resumed;
    this.flusher = setInterval(() => {
      this.flush();
    }, 1000);
    this.flusher.unref();
  }

  /** Opens the checkpoint, resuming it if it belongs to the same run; refuses a different run. */
  static open(path: string, identity: RunIdentity): Journal {
    const finished = new Map<number, RowResult>();
    const header = JSON.stringify({ format: FORMAT, ...identity });
    let resumed = false;
    if (existsSync(path)) {
      const lines = readFileSync(path, 'utf8').split('\n');
      const first = lines[0] ?? '';
      if (first !== header)
        throw new JournalMismatchError(
          `${path} belongs to another run (a different input file or purpose); ` +
            'delete it to start over, or run the same command as before to resume',
        );
      for (const line of lines.slice(1)) {
        const entry = parseEntry(line);
        if (entry) finished.set(entry[0], entry[1]);
      }
      resumed = true;
    }
    const fd = openSync(path, 'a', 0o600);
    // A torn last line (SIGKILL mid-write) must not swallow the next entry.
    if (!resumed) writeSync(fd, `${header}\n`);
    else writeSync(fd, '\n');
    return new Journal(fd, finished, resumed);
  }

  record(row: number, result: RowResult): void {
    this.finished.set(row, result);
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
