/**
 * The durable audit store: its own SQLite database (WAL, synchronous=FULL), append-only, and the
 * only code that touches it. This class composes the parts and keeps the connection to itself:
 * the writer (chain head, group commit, checkpoints), the reader (records, checkpoints, anchor),
 * the export, the retention purge, the officers' search, the report aggregates and the cursors.
 * Callers get typed answers through the ports of audit/port.ts, never the database.
 */
import type { Database } from 'better-sqlite3';
import { openPrivateDatabase } from '../../adapters/sqlite/open.ts';
import type { SignedCheckpoint } from '../checkpoint.ts';
import type {
  AuditCursor,
  AuditLogReader,
  AuditTrail,
  CheckpointTimestamps,
  PurgeOutcome,
} from '../port.ts';
import type {
  AppendedRecord,
  AuditDetail,
  AuditEvent,
  AuditPage,
  AuditQuery,
  AuditRecord,
  CoverageRow,
  UsageFigures,
} from '../types.ts';
import { verifyExport, type ExportLine, type TreeAnchor, type VerifyResult } from '../verify.ts';
import { openCursor } from './cursors.ts';
import { exportLines, type ExportRange } from './export.ts';
import { purgeBefore } from './purge.ts';
import { queryAuditRecords } from './query.ts';
import { AuditStoreReader, type Anchor } from './reader.ts';
import { countOverdueReturnData, returnDataCoverage } from './return-data.ts';
import { SCHEMA } from './schema.ts';
import {
  computeUsage,
  countUpstreamCallsByUpstreamSince,
  countUpstreamCallsSince,
} from './usage.ts';
import { AuditWriter, type AuditWriterOptions } from './writer.ts';

/** The writer's options (instance, signer, checkpoint cadence, alerts) and where the file lives. */
export interface SqliteAuditStoreOptions extends AuditWriterOptions {
  readonly path: string;
  /** Signing certificates retired by rotations, oldest first: old checkpoints still verify. */
  readonly previousCertificatesPem?: readonly string[];
  readonly now?: () => number;
}

export class SqliteAuditStore implements AuditTrail, AuditLogReader, CheckpointTimestamps {
  readonly path: string;
  private readonly db: Database;
  private readonly options: SqliteAuditStoreOptions;
  private readonly now: () => number;
  private readonly reader: AuditStoreReader;
  private readonly writer: AuditWriter;

  constructor(options: SqliteAuditStoreOptions) {
    this.options = options;
    this.path = options.path;
    this.now = options.now ?? Date.now;
    this.db = openPrivateDatabase(options.path, SCHEMA);
    this.reader = new AuditStoreReader(this.db);
    this.writer = new AuditWriter(this.db, { ...options, now: this.now }, this.reader.anchor());
  }

  // Appending (AuditTrail) and the writer's state.

  append(event: AuditEvent): Promise<void> {
    return this.writer.append(event);
  }

  healthy(): boolean {
    return this.writer.healthy();
  }

  newestRecordTime(): number | undefined {
    return this.writer.newestRecordTime();
  }

  /** Called after each commit with the records it wrote (for anomaly rules). */
  onAppended(listener: (records: readonly AppendedRecord[]) => void): void {
    this.writer.onAppended(listener);
  }

  /** Committed write transactions and records (group commit: records / commits is the batch size). */
  get stats(): { readonly commits: number; readonly records: number } {
    return this.writer.stats;
  }

  get size(): number {
    return this.writer.size;
  }

  /** Writes a checkpoint over the stored head if records arrived since the last one. */
  checkpointIfBehind(): SignedCheckpoint | undefined {
    return this.writer.checkpointIfBehind();
  }

  freshCheckpoint(): SignedCheckpoint {
    return this.writer.freshCheckpoint();
  }

  // Reading what is stored.

  anchor(): Anchor | undefined {
    return this.reader.anchor();
  }

  records(fromSeq?: number, toSeq?: number): Generator<AuditRecord> {
    return this.reader.records(fromSeq, toSeq);
  }

  checkpoints(fromSize?: number, toSize?: number): SignedCheckpoint[] {
    return this.reader.checkpoints(fromSize, toSize);
  }

  /** The first and last sequence numbers held. */
  range(): { first: number; last: number } {
    return this.reader.range(this.writer.size);
  }

  leaves(treeSize: number): Buffer[] | undefined {
    return this.reader.leaves(treeSize);
  }

  seqAtTime(time: string): number | undefined {
    return this.reader.seqAtTime(time);
  }

  query(query: AuditQuery): AuditPage {
    return queryAuditRecords(this.db, query);
  }

  exportLines(options: ExportRange): Generator<ExportLine> {
    return exportLines(
      {
        reader: this.reader,
        instance: this.options.instance,
        signer: this.options.signer,
        previousCertificatesPem: this.options.previousCertificatesPem,
        now: this.now,
        headSeq: () => this.writer.size,
        seal: (treeSize, lastHash, frontier) =>
          this.writer.signCheckpoint(treeSize, lastHash, frontier),
      },
      options,
    );
  }

  /** Verifies the whole stored trail: chain, checkpoints, anchor. Unsealed records are reported. */
  verify(caCertificatePem?: string, anchors: readonly TreeAnchor[] = []): VerifyResult {
    return verifyExport(this.exportLines({ sealWithFreshCheckpoint: false }), {
      requireFinalCheckpoint: false,
      anchors,
      ...(caCertificatePem === undefined ? {} : { caCertificatePem }),
    });
  }

  // Aggregates (AuditFigures).

  usage(range: {
    readonly from: string;
    readonly to: string;
    readonly utcOffsetMinutes?: number;
  }): UsageFigures {
    return computeUsage(this.db, range);
  }

  returnDataCoverage(options: {
    readonly now: number;
    readonly withinDays: number;
    readonly from?: string;
    readonly to?: string;
    readonly utcOffsetMinutes?: number;
  }): CoverageRow[] {
    return returnDataCoverage(this.db, options);
  }

  countOverdueReturnData(accessedBefore: string): number {
    return countOverdueReturnData(this.db, accessedBefore);
  }

  upstreamCallsSince(since: string): Record<string, number> {
    return countUpstreamCallsSince(this.db, since);
  }

  upstreamCallsByUpstreamSince(since: string): Record<string, Record<string, number>> {
    return countUpstreamCallsByUpstreamSince(this.db, since);
  }

  // Retention and cursors.

  /**
   * Removes records older than `cutoff` (epoch ms), keeping the rest verifiable behind a signed
   * anchor (see purge.ts), and records the purge: how many, which range, the tree head before
   * (size and root: the purge does not change the tree, only what is held of it) and the
   * anchor's root. A checkpoint is signed over that record at once, so the purge is itself
   * anchored and travels to the SIEM with the other checkpoints. `cutoff` is the caller's to
   * bound (policies/retention.ts); nothing here reads the clock.
   */
  async purgeBefore(
    cutoff: number,
    record: { readonly principal?: AuditEvent['principal']; readonly detail: AuditDetail },
  ): Promise<PurgeOutcome> {
    const held = this.range();
    const { purged, throughSeq } = purgeBefore(
      this.db,
      this.reader,
      (treeSize, lastHash, frontier) => this.writer.signCheckpoint(treeSize, lastHash, frontier),
      cutoff,
    );
    if (purged === 0) return { purged, throughSeq };
    // The tree head is what it was before: a purge changes what is held, not the tree.
    const before = this.writer.freshCheckpoint();
    const anchorRoot = this.reader.anchor()?.checkpoint.rootHash ?? '';
    await this.append({
      type: 'system',
      event: 'retention_purge',
      outcome: 'success',
      ...(record.principal ? { principal: record.principal } : {}),
      detail: {
        ...record.detail,
        purged,
        fromSeq: held.first,
        throughSeq,
        before: new Date(cutoff).toISOString(),
        treeSizeBefore: before.treeSize,
        rootBefore: before.rootHash,
        anchorRoot,
      },
    });
    this.checkpointIfBehind();
    return { purged, throughSeq };
  }

  // Time-stamps (CheckpointTimestamps).

  newestCheckpoint(): { checkpoint: SignedCheckpoint; timestamped: boolean } | undefined {
    return this.reader.newestCheckpoint();
  }

  /** Keeps a checked RFC 3161 token of the stored checkpoint over `treeSize` (the first one wins). */
  storeTimestamp(treeSize: number, token: Uint8Array, genTime: Date): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO audit_timestamps (tree_size, token, gen_time)
         SELECT tree_size, ?, ? FROM audit_checkpoints WHERE tree_size = ?`,
      )
      .run(Buffer.from(token).toString('base64'), genTime.toISOString(), treeSize);
  }

  /** The named cursor (created at 0), e.g. `siem` for the forwarder's last sent record. */
  cursor(name: string): AuditCursor {
    return openCursor(this.db, name);
  }

  /** Waits for pending appends, then closes. */
  async close(): Promise<void> {
    await this.writer.close();
    this.db.close(); // a no-op when already closed
  }
}
