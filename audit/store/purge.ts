/**
 * The retention purge: removes records older than a cutoff and keeps the rest verifiable. A signed
 * anchor over the removed records (checkpoint + Merkle frontier) is stored first, in the same
 * transaction, and the schema's triggers allow deleting only below that anchor.
 */
import type { Database } from 'better-sqlite3';
import type { SignedCheckpoint } from '../checkpoint.ts';
import type { MerkleFrontier } from '../merkle.ts';
import type { Anchor, AuditStoreReader } from './reader.ts';

/**
 * Removes records older than `cutoff` (epoch ms). `sign` signs the anchor's checkpoint. Returns
 * how many records were removed and the sequence number the anchor covers.
 */
export function purgeBefore(
  db: Database,
  reader: AuditStoreReader,
  sign: (treeSize: number, lastHash: string, frontier: MerkleFrontier) => SignedCheckpoint,
  cutoff: number,
): { purged: number; throughSeq: number } {
  const row = db
    .prepare('SELECT MAX(seq) AS seq FROM audit_records WHERE time < ?')
    .get(new Date(cutoff).toISOString()) as { seq: number | null };
  const through = row.seq;
  if (through === null) return { purged: 0, throughSeq: reader.anchor()?.checkpoint.treeSize ?? 0 };
  const { frontier, lastHash, replayed } = reader.chainStateThrough(through);
  const anchor: Anchor = {
    checkpoint: sign(through, lastHash, frontier),
    frontier: frontier.toNodes(),
  };
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO audit_anchor (id, tree_size, body) VALUES (1, ?, ?)').run(
      through,
      JSON.stringify(anchor),
    );
    db.prepare('DELETE FROM audit_checkpoints WHERE tree_size < ?').run(through);
    db.prepare('DELETE FROM audit_timestamps WHERE tree_size < ?').run(through);
    db.prepare('INSERT OR REPLACE INTO audit_checkpoints (tree_size, body) VALUES (?, ?)').run(
      through,
      JSON.stringify(anchor.checkpoint),
    );
    db.prepare('DELETE FROM audit_records WHERE seq <= ?').run(through);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { purged: replayed, throughSeq: through };
}
