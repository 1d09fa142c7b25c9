/**
 * Reading what the store holds: records by sequence number, the stored checkpoints, the retention
 * anchor below the oldest record, and the chain state replayed from it. The writer, the export and
 * the purge read through here; none of these reads takes a write lock. Also a read-only peek at a
 * database file without opening the store (the doctor's clock check).
 */
import { existsSync } from 'node:fs';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import type { SignedCheckpoint } from '../checkpoint.ts';
import { MerkleFrontier, type FrontierNode } from '../merkle.ts';
import { GENESIS_HASH } from '../record.ts';
import type { AuditRecord } from '../types.ts';

/** A signed checkpoint over the records a retention purge removed, and their Merkle frontier. */
export interface Anchor {
  readonly checkpoint: SignedCheckpoint;
  readonly frontier: readonly FrontierNode[];
}

/** The chain as it stood after a record: what the next record and checkpoint build on. */
export interface ChainState {
  /** The retention anchor the replay started from, if any. */
  readonly anchor: Anchor | undefined;
  readonly frontier: MerkleFrontier;
  readonly lastHash: string;
  /** The stored records replayed on top of the anchor. */
  readonly replayed: number;
}

/** A stored row as the record it holds: `body` is the canonical JSON without the hash. */
export function recordFromRow(row: { body: string; hash: string }): AuditRecord {
  return { ...(JSON.parse(row.body) as Omit<AuditRecord, 'hash'>), hash: row.hash };
}

export class AuditStoreReader {
  private readonly db: Database;
  private readonly recordPage: Statement;
  private readonly anchorRow: Statement;

  constructor(db: Database) {
    this.db = db;
    this.recordPage = db.prepare(
      'SELECT seq, body, hash FROM audit_records WHERE seq BETWEEN ? AND ? ORDER BY seq LIMIT 512',
    );
    this.anchorRow = db.prepare('SELECT body FROM audit_anchor WHERE id = 1');
  }

  anchor(): Anchor | undefined {
    const row = this.anchorRow.get() as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Anchor) : undefined;
  }

  /**
   * Reads records by sequence number, oldest first, a page at a time. No statement stays open
   * between pages: an export streamed to a slow client suspends this generator across event-loop
   * turns, and an open iterator would make every append on the connection fail as "busy" in the
   * meantime (found by the HTTP fuzzer). Records are append-only, so pages by seq are consistent.
   */
  *records(fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER): Generator<AuditRecord> {
    for (let next = fromSeq; next <= toSeq;) {
      const rows = this.recordPage.all(next, toSeq) as {
        seq: number;
        body: string;
        hash: string;
      }[];
      if (rows.length === 0) return;
      for (const row of rows) yield recordFromRow(row);
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

  /** The RFC 3161 tokens (base64 DER) of the checkpoints over tree sizes in [fromSize, toSize]. */
  timestamps(fromSize = 0, toSize = Number.MAX_SAFE_INTEGER): Map<number, string> {
    const rows = this.db
      .prepare(
        'SELECT tree_size, token FROM audit_timestamps WHERE tree_size BETWEEN ? AND ? ORDER BY tree_size',
      )
      .all(fromSize, toSize) as { tree_size: number; token: string }[];
    return new Map(rows.map((row) => [row.tree_size, row.token]));
  }

  /** The newest stored checkpoint, and whether it has a time-stamp. */
  newestCheckpoint(): { checkpoint: SignedCheckpoint; timestamped: boolean } | undefined {
    const row = this.db
      .prepare(
        `SELECT c.body AS body, t.tree_size IS NOT NULL AS timestamped FROM audit_checkpoints c
         LEFT JOIN audit_timestamps t ON t.tree_size = c.tree_size
         ORDER BY c.tree_size DESC LIMIT 1`,
      )
      .get() as { body: string; timestamped: number } | undefined;
    return row === undefined
      ? undefined
      : {
          checkpoint: JSON.parse(row.body) as SignedCheckpoint,
          timestamped: row.timestamped === 1,
        };
  }

  /** The first and last sequence numbers held; with none held, the empty range after `headSeq`. */
  range(headSeq: number): { first: number; last: number } {
    const row = this.db
      .prepare('SELECT MIN(seq) AS first, MAX(seq) AS last FROM audit_records')
      .get() as { first: number | null; last: number | null };
    return { first: row.first ?? headSeq + 1, last: row.last ?? headSeq };
  }

  /** The chain state after record `throughSeq`: the anchor, advanced over the records held up to it. */
  chainStateThrough(throughSeq: number): ChainState {
    const anchor = this.anchor();
    const frontier = anchor ? MerkleFrontier.fromNodes(anchor.frontier) : new MerkleFrontier();
    let lastHash = anchor?.checkpoint.lastHash ?? GENESIS_HASH;
    let replayed = 0;
    for (const record of this.records(1, throughSeq)) {
      frontier.append(Buffer.from(record.hash, 'hex'));
      lastHash = record.hash;
      replayed++;
    }
    return { anchor, frontier, lastHash, replayed };
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
}

/**
 * The time (epoch ms) of the newest record in the audit database at `path`, opened read-only and
 * never created: undefined when the file does not exist or holds no record.
 */
export function readNewestRecordTime(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT time FROM audit_records ORDER BY seq DESC LIMIT 1').get() as
      { time: string } | undefined;
    return row === undefined ? undefined : Date.parse(row.time);
  } finally {
    db.close();
  }
}
