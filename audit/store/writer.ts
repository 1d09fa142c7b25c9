/**
 * Appending to the audit database: the chain head, group commit and checkpoints.
 *
 * Appends are group-committed: requests that arrive while a batch is being written wait for the
 * next one, so concurrent requests share one transaction and one fsync. A request's promise
 * resolves only after its transaction committed; if the write fails (disk full, I/O error) every
 * request of the batch is rejected and the writer reports itself unhealthy until a write succeeds.
 *
 * Checkpoints (signed Merkle tree heads) are written every `checkpointEvery` records and every
 * `checkpointIntervalMs` when there is something new. Another process (the CLI) may append to the
 * same database: every write first catches up with what it stored.
 */
import type { Database, Statement, Transaction } from 'better-sqlite3';
import { describeStorageFailure } from '../../adapters/sqlite/port.ts';
import type { CheckpointSigner, SignedCheckpoint } from '../checkpoint.ts';
import { MerkleFrontier } from '../merkle.ts';
import { canonicalBody, GENESIS_HASH, hashCanonicalBody, recordBody } from '../record.ts';
import { isClockCorrection, type AppendedRecord, type AuditEvent } from '../types.ts';
import type { Anchor } from './reader.ts';

export interface AuditWriterOptions {
  readonly instance: string;
  readonly signer: CheckpointSigner;
  readonly checkpointEvery?: number;
  readonly checkpointIntervalMs?: number;
  /** Told about state changes worth an operator's attention (write failures, clock). */
  readonly onAlert?: (
    event: 'audit_write_failed' | 'audit_write_recovered',
    detail: string,
  ) => void;
}

export class AuditWriteError extends Error {
  override readonly name = 'AuditWriteError';
}

/** The end of the chain: what the next record and checkpoint build on. */
interface Head {
  seq: number;
  lastHash: string;
  lastTimeMs: number | undefined;
  frontier: MerkleFrontier;
  lastCheckpointSize: number;
}

interface Pending {
  readonly event: AuditEvent;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class AuditWriter {
  private readonly db: Database;
  private readonly options: AuditWriterOptions;
  private readonly now: () => number;
  private readonly insertRecord: Statement;
  private readonly insertCheckpoint: Statement;
  private readonly maxSeq: Statement;
  /** Built once: better-sqlite3 makes a new set of wrapper functions for every transaction(). */
  private readonly writeTransaction: Transaction<(events: readonly AuditEvent[]) => Head>;
  private head: Head;
  private pending: Pending[] = [];
  private flushScheduled = false;
  private writable = true;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly appendedListeners: ((records: readonly AppendedRecord[]) => void)[] = [];
  /** Committed write transactions and records (group commit: records / commits is the batch size). */
  readonly stats = { commits: 0, records: 0 };

  /** Rebuilds the head from the retention anchor (if any) and the records stored above it. */
  constructor(
    db: Database,
    options: AuditWriterOptions & { now: () => number },
    anchor: Anchor | undefined,
  ) {
    this.db = db;
    this.options = options;
    this.now = options.now;
    this.insertRecord = db.prepare('INSERT INTO audit_records (seq, body, hash) VALUES (?, ?, ?)');
    this.insertCheckpoint = db.prepare(
      'INSERT OR REPLACE INTO audit_checkpoints (tree_size, body) VALUES (?, ?)',
    );
    this.maxSeq = db.prepare('SELECT MAX(seq) AS seq FROM audit_records');
    this.writeTransaction = db.transaction((events: readonly AuditEvent[]) =>
      this.writeBatch(events),
    );
    this.head = this.advanceHead(
      anchor
        ? {
            seq: anchor.checkpoint.treeSize,
            lastHash: anchor.checkpoint.lastHash,
            lastTimeMs: Date.parse(anchor.checkpoint.time),
            frontier: MerkleFrontier.fromNodes(anchor.frontier),
            lastCheckpointSize: anchor.checkpoint.treeSize,
          }
        : {
            seq: 0,
            lastHash: GENESIS_HASH,
            lastTimeMs: undefined,
            frontier: new MerkleFrontier(),
            lastCheckpointSize: 0,
          },
    );
    this.timer = setInterval(() => {
      this.checkpointIfBehind();
    }, options.checkpointIntervalMs ?? 10_000);
    this.timer.unref();
  }

  /** Moves `head` forward over the records stored after it (by this or another process). */
  private advanceHead(head: Head): Head {
    const rows = this.db
      .prepare('SELECT seq, hash, time FROM audit_records WHERE seq > ? ORDER BY seq')
      .iterate(head.seq) as IterableIterator<{ seq: number; hash: string; time: string }>;
    for (const row of rows) {
      head.frontier.append(Buffer.from(row.hash, 'hex'));
      head.seq = row.seq;
      head.lastHash = row.hash;
      head.lastTimeMs = Date.parse(row.time);
    }
    const latest = this.db
      .prepare('SELECT MAX(tree_size) AS size FROM audit_checkpoints')
      .get() as { size: number | null };
    head.lastCheckpointSize = Math.max(head.lastCheckpointSize, latest.size ?? 0);
    return head;
  }

  /** Called after each commit with the records it wrote (for anomaly rules). */
  onAppended(listener: (records: readonly AppendedRecord[]) => void): void {
    this.appendedListeners.push(listener);
  }

  /** The sequence number of the newest record. */
  get size(): number {
    return this.head.seq;
  }

  healthy(): boolean {
    return this.writable;
  }

  newestRecordTime(): number | undefined {
    return this.head.lastTimeMs;
  }

  append(event: AuditEvent): Promise<void> {
    if (this.closed) return Promise.reject(new AuditWriteError('the audit store is closed'));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flush();
        });
      }
    });
  }

  /** Writes everything pending in one transaction: one fsync for the whole batch. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let head: Head;
    try {
      head = this.writeTransaction.immediate(batch.map((item) => item.event));
    } catch (cause) {
      if (this.writable)
        this.options.onAlert?.(
          'audit_write_failed',
          cause instanceof Error ? cause.message : 'unknown',
        );
      this.writable = false;
      const error = new AuditWriteError(
        `the audit record could not be written (${describeStorageFailure(cause)})`,
        { cause },
      );
      for (const item of batch) item.reject(error);
      return;
    }
    if (!this.writable)
      this.options.onAlert?.('audit_write_recovered', `writes succeed again at seq ${head.seq}`);
    this.writable = true;
    this.stats.commits++;
    this.stats.records += batch.length;
    const firstSeq = this.head.seq + 1;
    this.head = head;
    for (const item of batch) item.resolve();
    if (this.appendedListeners.length > 0) {
      const records = batch.map((item, i) => ({
        seq: firstSeq + i,
        time: head.lastTimeMs ?? 0,
        event: item.event,
      }));
      for (const listener of this.appendedListeners) listener(records);
    }
  }

  /**
   * Inside the write transaction: catches up with records another process (the CLI) appended,
   * then inserts the batch and, when due, a checkpoint. Returns the new head; the in-memory head
   * changes only after the commit succeeded.
   */
  private writeBatch(events: readonly AuditEvent[]): Head {
    const head = this.caughtUpHead();
    let { seq, lastHash } = head;
    let lastTimeMs = head.lastTimeMs ?? 0;
    const frontier = head.frontier;
    for (const event of events) {
      // Record times never go backwards (a clock behind the trail is handled by the data path),
      // except at an administrator's correction of a clock that had run ahead.
      lastTimeMs = isClockCorrection(event) ? this.now() : Math.max(this.now(), lastTimeMs);
      seq++;
      const canonical = canonicalBody(
        recordBody(event, seq, new Date(lastTimeMs).toISOString(), lastHash),
      );
      lastHash = hashCanonicalBody(canonical);
      frontier.append(Buffer.from(lastHash, 'hex'));
      this.insertRecord.run(seq, canonical, lastHash);
    }
    let lastCheckpointSize = head.lastCheckpointSize;
    if (seq - lastCheckpointSize >= (this.options.checkpointEvery ?? 1000)) {
      const checkpoint = this.signCheckpoint(seq, lastHash, frontier, lastTimeMs);
      this.insertCheckpoint.run(checkpoint.treeSize, JSON.stringify(checkpoint));
      lastCheckpointSize = seq;
    }
    return { seq, lastHash, lastTimeMs, frontier, lastCheckpointSize };
  }

  /** The head as stored: ours, advanced by any records written by another process since. */
  private caughtUpHead(): Head {
    const head: Head = { ...this.head, frontier: this.head.frontier.clone() };
    const stored = (this.maxSeq.get() as { seq: number | null }).seq ?? 0;
    return stored === head.seq ? head : this.advanceHead(head);
  }

  /**
   * Signs a checkpoint over a tree head, timed now but never before the records it covers
   * (`lastTimeMs`, by default the newest record's time). Signing does not store it.
   */
  signCheckpoint(
    treeSize: number,
    lastHash: string,
    frontier: MerkleFrontier,
    lastTimeMs = this.head.lastTimeMs ?? 0,
  ): SignedCheckpoint {
    return this.options.signer.sign({
      instance: this.options.instance,
      treeSize,
      rootHash: frontier.root().toString('hex'),
      lastHash,
      time: new Date(Math.max(this.now(), lastTimeMs)).toISOString(),
    });
  }

  /** Writes a checkpoint over the stored head if records arrived since the last one. */
  checkpointIfBehind(): SignedCheckpoint | undefined {
    try {
      return this.db
        .transaction(() => {
          const head = this.caughtUpHead();
          if (head.seq === head.lastCheckpointSize || head.seq === 0) return undefined;
          const checkpoint = this.signCheckpoint(
            head.seq,
            head.lastHash,
            head.frontier,
            head.lastTimeMs,
          );
          this.insertCheckpoint.run(checkpoint.treeSize, JSON.stringify(checkpoint));
          this.head = { ...head, lastCheckpointSize: head.seq };
          return checkpoint;
        })
        .immediate();
    } catch {
      return undefined; // the next data write reports the failure
    }
  }

  /** A fresh checkpoint over the current head, signed now (for exports); not stored. */
  freshCheckpoint(): SignedCheckpoint {
    return this.signCheckpoint(this.head.seq, this.head.lastHash, this.head.frontier);
  }

  /** Waits for pending appends, refuses new ones, and seals what is unsealed. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.pending.length > 0 || this.flushScheduled)
      await new Promise((resolve) => setImmediate(resolve));
    this.closed = true;
    clearInterval(this.timer);
    this.checkpointIfBehind();
  }
}
