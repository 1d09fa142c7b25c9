/**
 * The durable audit store: its own SQLite database (WAL, synchronous=FULL), append-only.
 *
 * Appends are group-committed: requests that arrive while a batch is being written wait for the
 * next one, so concurrent requests share one transaction and one fsync. A request's promise
 * resolves only after its transaction committed; if the write fails (disk full, I/O error) every
 * request of the batch is rejected and the store reports itself unhealthy until a write succeeds.
 *
 * Checkpoints (signed Merkle tree heads) are written every `checkpointEvery` records and every
 * `checkpointIntervalMs` when there is something new. A retention purge first stores a signed
 * anchor (checkpoint + Merkle frontier) over the records it removes, so the rest still verifies.
 */
import { describeStorageFailure, openPrivateDatabase } from '../../adapters/sqlite/open.ts';
import type { Database as DatabaseType, Statement } from 'better-sqlite3';
import type { CheckpointSigner, SignedCheckpoint } from '../checkpoint.ts';
import { MerkleFrontier, type FrontierNode } from '../merkle.ts';
import type { AuditEvent, AuditLogReader, AuditTrail } from '../port.ts';
import {
  canonicalBody,
  GENESIS_HASH,
  hashCanonicalBody,
  recordBody,
  type AuditRecord,
} from '../record.ts';
import { SCHEMA } from './schema.ts';
import { queryAuditRecords, type AuditPage, type AuditQuery } from './query.ts';
import { EXPORT_FORMAT, verifyExport, type ExportLine, type VerifyResult } from '../verify.ts';

export interface SqliteAuditStoreOptions {
  readonly path: string;
  readonly instance: string;
  readonly signer: CheckpointSigner;
  /** Signing certificates retired by rotations, oldest first: old checkpoints still verify. */
  readonly previousCertificatesPem?: readonly string[];
  readonly checkpointEvery?: number;
  readonly checkpointIntervalMs?: number;
  readonly now?: () => number;
  /** Told about state changes worth an operator's attention (write failures, clock). */
  readonly onAlert?: (
    event: 'audit_write_failed' | 'audit_write_recovered',
    detail: string,
  ) => void;
}

export interface Anchor {
  readonly checkpoint: SignedCheckpoint;
  readonly frontier: readonly FrontierNode[];
}

/** What listeners learn of each committed record. */
export interface AppendedRecord {
  readonly seq: number;
  readonly time: number;
  readonly event: AuditEvent;
}

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

export class AuditWriteError extends Error {
  override readonly name = 'AuditWriteError';
}

export class SqliteAuditStore implements AuditTrail, AuditLogReader {
  readonly path: string;
  private readonly db: DatabaseType;
  private readonly options: SqliteAuditStoreOptions;
  private readonly now: () => number;
  private readonly insertRecord: Statement;
  private readonly insertCheckpoint: Statement;
  private readonly maxSeq: Statement;
  private seq = 0;
  private lastHash = GENESIS_HASH;
  private lastTimeMs: number | undefined;
  private frontier = new MerkleFrontier();
  private lastCheckpointSize = 0;
  private pending: Pending[] = [];
  private flushScheduled = false;
  private writable = true;
  private readonly appendedListeners: ((records: readonly AppendedRecord[]) => void)[] = [];
  /** Committed write transactions and records (group commit: records / commits is the batch size). */
  readonly stats = { commits: 0, records: 0 };
  private closed = false;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(options: SqliteAuditStoreOptions) {
    this.options = options;
    this.path = options.path;
    this.now = options.now ?? Date.now;
    this.db = openPrivateDatabase(options.path, SCHEMA);
    this.insertRecord = this.db.prepare(
      'INSERT INTO audit_records (seq, body, hash) VALUES (?, ?, ?)',
    );
    this.insertCheckpoint = this.db.prepare(
      'INSERT OR REPLACE INTO audit_checkpoints (tree_size, body) VALUES (?, ?)',
    );
    this.maxSeq = this.db.prepare('SELECT MAX(seq) AS seq FROM audit_records');
    this.loadHead();
    const interval = options.checkpointIntervalMs ?? 10_000;
    this.timer = setInterval(() => {
      this.checkpointIfBehind();
    }, interval);
    this.timer.unref();
  }

  /** Rebuilds the chain head and the Merkle frontier from the anchor and the stored records. */
  private loadHead(): void {
    const anchor = this.anchor();
    const base: Head = anchor
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
        };
    this.setHead(this.advanceHead(base));
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

  anchor(): Anchor | undefined {
    const row = this.db.prepare('SELECT body FROM audit_anchor WHERE id = 1').get() as
      { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Anchor) : undefined;
  }

  get size(): number {
    return this.seq;
  }

  healthy(): boolean {
    return this.writable;
  }

  newestRecordTime(): number | undefined {
    return this.lastTimeMs;
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
      head = this.db
        .transaction(() => this.writeBatch(batch.map((item) => item.event)))
        .immediate();
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
    const firstSeq = this.seq + 1;
    this.setHead(head);
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
      // Record times never go backwards; a clock behind the trail is handled by the data path.
      lastTimeMs = Math.max(this.now(), lastTimeMs);
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
    const head: Head = {
      seq: this.seq,
      lastHash: this.lastHash,
      lastTimeMs: this.lastTimeMs,
      frontier: this.frontier.clone(),
      lastCheckpointSize: this.lastCheckpointSize,
    };
    const stored = (this.maxSeq.get() as { seq: number | null }).seq ?? 0;
    return stored === head.seq ? head : this.advanceHead(head);
  }

  private setHead(head: Head): void {
    this.seq = head.seq;
    this.lastHash = head.lastHash;
    this.lastTimeMs = head.lastTimeMs;
    this.frontier = head.frontier;
    this.lastCheckpointSize = head.lastCheckpointSize;
  }

  private signCheckpoint(
    treeSize: number,
    lastHash: string,
    frontier: MerkleFrontier,
    lastTimeMs = this.lastTimeMs ?? 0,
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
          this.setHead({ ...head, lastCheckpointSize: head.seq });
          return checkpoint;
        })
        .immediate();
    } catch {
      return undefined; // the next data write reports the failure
    }
  }

  /** A fresh checkpoint over the current head, signed now (for exports); not stored. */
  freshCheckpoint(): SignedCheckpoint {
    return this.signCheckpoint(this.seq, this.lastHash, this.frontier);
  }

  /**
   * Reads records by sequence number, oldest first, a page at a time. No statement stays open
   * between pages: an export streamed to a slow client suspends this generator across event-loop
   * turns, and an open iterator would make every append on the connection fail as "busy" in the
   * meantime (found by the HTTP fuzzer). Records are append-only, so pages by seq are consistent.
   */
  *records(fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER): Generator<AuditRecord> {
    const page = this.db.prepare(
      'SELECT seq, body, hash FROM audit_records WHERE seq BETWEEN ? AND ? ORDER BY seq LIMIT 512',
    );
    for (let next = fromSeq; next <= toSeq;) {
      const rows = page.all(next, toSeq) as { seq: number; body: string; hash: string }[];
      if (rows.length === 0) return;
      for (const row of rows)
        yield { ...(JSON.parse(row.body) as Omit<AuditRecord, 'hash'>), hash: row.hash };
      next = (rows.at(-1)?.seq ?? toSeq) + 1;
    }
  }

  checkpoints(fromSize = 0, toSize = Number.MAX_SAFE_INTEGER): SignedCheckpoint[] {
    return (
      this.db
        .prepare(
          'SELECT body FROM audit_checkpoints WHERE tree_size BETWEEN ? AND ? ORDER BY tree_size',
        )
        .all(fromSize, toSize) as { body: string }[]
    ).map((row) => JSON.parse(row.body) as SignedCheckpoint);
  }

  /** The first and last sequence numbers held, and the anchor below them. */
  range(): { first: number; last: number } {
    const row = this.db
      .prepare('SELECT MIN(seq) AS first, MAX(seq) AS last FROM audit_records')
      .get() as { first: number | null; last: number | null };
    return { first: row.first ?? this.seq + 1, last: row.last ?? this.seq };
  }

  /**
   * Export lines for records [fromSeq, toSeq]: a header, the chain state before the first record,
   * the records with the stored checkpoints among them, and (when `sealWithFreshCheckpoint`) a
   * fresh checkpoint over the last exported record.
   */
  *exportLines(options: {
    fromSeq?: number;
    toSeq?: number;
    sealWithFreshCheckpoint: boolean;
  }): Generator<ExportLine> {
    const { first, last } = this.range();
    const fromSeq = Math.max(options.fromSeq ?? first, first);
    const toSeq = Math.min(options.toSeq ?? last, last);
    yield {
      kind: 'header',
      format: EXPORT_FORMAT,
      instance: this.options.instance,
      exportedAt: new Date(this.now()).toISOString(),
      certificate: this.options.signer.certificatePem,
      ...(this.options.previousCertificatesPem?.length
        ? { previousCertificates: this.options.previousCertificatesPem }
        : {}),
    };
    // The chain state just before the first exported record.
    const anchor = this.anchor();
    const before = anchor ? MerkleFrontier.fromNodes(anchor.frontier) : new MerkleFrontier();
    let beforeHash = anchor?.checkpoint.lastHash ?? GENESIS_HASH;
    for (const record of this.records(first, fromSeq - 1)) {
      before.append(Buffer.from(record.hash, 'hex'));
      beforeHash = record.hash;
    }
    if (before.size > 0) {
      yield {
        kind: 'start',
        treeSize: before.size,
        lastHash: beforeHash,
        frontier: before.toNodes(),
      };
      if (anchor && anchor.checkpoint.treeSize === before.size)
        yield { kind: 'checkpoint', checkpoint: anchor.checkpoint };
    }
    const checkpoints = new Map(this.checkpoints(fromSeq, toSeq).map((c) => [c.treeSize, c]));
    let lastExported: AuditRecord | undefined;
    const frontier = before;
    for (const record of this.records(fromSeq, toSeq)) {
      yield { kind: 'record', record };
      frontier.append(Buffer.from(record.hash, 'hex'));
      lastExported = record;
      const checkpoint = checkpoints.get(record.seq);
      if (checkpoint) yield { kind: 'checkpoint', checkpoint };
    }
    if (options.sealWithFreshCheckpoint && lastExported && !checkpoints.has(lastExported.seq)) {
      yield {
        kind: 'checkpoint',
        checkpoint: this.options.signer.sign({
          instance: this.options.instance,
          treeSize: lastExported.seq,
          rootHash: frontier.root().toString('hex'),
          lastHash: lastExported.hash,
          time: new Date(Math.max(this.now(), this.lastTimeMs ?? 0)).toISOString(),
        }),
      };
    }
  }

  /**
   * Removes records older than `cutoff` (epoch ms), keeping the rest verifiable: a signed anchor
   * over the removed records (checkpoint + Merkle frontier) is stored first, in the same
   * transaction. Returns how many records were removed.
   */
  purgeBefore(cutoff: number): { purged: number; throughSeq: number } {
    const cutoffIso = new Date(cutoff).toISOString();
    const row = this.db
      .prepare('SELECT MAX(seq) AS seq FROM audit_records WHERE time < ?')
      .get(cutoffIso) as { seq: number | null };
    const through = row.seq;
    if (through === null) return { purged: 0, throughSeq: this.anchor()?.checkpoint.treeSize ?? 0 };
    const anchorBefore = this.anchor();
    const frontier = anchorBefore
      ? MerkleFrontier.fromNodes(anchorBefore.frontier)
      : new MerkleFrontier();
    let lastHash = anchorBefore?.checkpoint.lastHash ?? GENESIS_HASH;
    let count = 0;
    for (const record of this.records(1, through)) {
      frontier.append(Buffer.from(record.hash, 'hex'));
      lastHash = record.hash;
      count++;
    }
    const anchor: Anchor = {
      checkpoint: this.signCheckpoint(through, lastHash, frontier),
      frontier: frontier.toNodes(),
    };
    this.db.transaction(() => {
      this.db
        .prepare('INSERT OR REPLACE INTO audit_anchor (id, tree_size, body) VALUES (1, ?, ?)')
        .run(through, JSON.stringify(anchor));
      this.db.prepare('DELETE FROM audit_checkpoints WHERE tree_size < ?').run(through);
      this.db
        .prepare('INSERT OR REPLACE INTO audit_checkpoints (tree_size, body) VALUES (?, ?)')
        .run(through, JSON.stringify(anchor.checkpoint));
      this.db.prepare('DELETE FROM audit_records WHERE seq <= ?').run(through);
    })();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return { purged: count, throughSeq: through };
  }

  /**
   * The Merkle leaves (chain hashes) of records 1..treeSize, for inclusion and consistency
   * proofs. Undefined when records below the retention anchor are needed (they are gone).
   */
  leaves(treeSize: number): Buffer[] | undefined {
    if ((this.anchor()?.checkpoint.treeSize ?? 0) > 0) return undefined;
    const rows = this.db
      .prepare('SELECT hash FROM audit_records WHERE seq <= ? ORDER BY seq')
      .all(treeSize) as { hash: string }[];
    return rows.length === treeSize ? rows.map((row) => Buffer.from(row.hash, 'hex')) : undefined;
  }

  seqAtTime(time: string): number | undefined {
    const row = this.db
      .prepare('SELECT MIN(seq) AS seq FROM audit_records WHERE time >= ?')
      .get(time) as { seq: number | null };
    return row.seq ?? undefined;
  }

  query(query: AuditQuery): AuditPage {
    return queryAuditRecords(this.db, query);
  }

  /** Verifies the whole stored trail: chain, checkpoints, anchor. Unsealed records are reported. */
  verify(caCertificatePem?: string): VerifyResult {
    return verifyExport(this.exportLines({ sealWithFreshCheckpoint: false }), {
      requireFinalCheckpoint: false,
      ...(caCertificatePem === undefined ? {} : { caCertificatePem }),
    });
  }

  /** The underlying database, for cursors (SIEM forwarding). */
  get database(): DatabaseType {
    return this.db;
  }

  /** Waits for pending appends, then closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.pending.length > 0 || this.flushScheduled)
      await new Promise((resolve) => setImmediate(resolve));
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.checkpointIfBehind();
    this.db.close();
  }
}
