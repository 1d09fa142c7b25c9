/**
 * The store's records as export lines (the format verify.ts checks): a header, the chain state
 * before the first record, the records with the stored checkpoints among them, and, for a file,
 * a fresh checkpoint over the last one and the seal: the audit key's signature over the header,
 * the start marker and the record count. A stored checkpoint's line carries its RFC 3161 token
 * when it has one (signed by the TSA and bound to the checkpoint by its imprint, so the seal need
 * not cover it: removing one removes evidence, which the verifier reports, and forges none). The live store verifies itself through the same lines.
 */
import type { CheckpointSigner, SignedCheckpoint } from '../checkpoint.ts';
import type { MerkleFrontier } from '../merkle.ts';
import type { AuditRecord } from '../types.ts';
import {
  EXPORT_FORMAT,
  sealPayload,
  type ExportHeader,
  type ExportLine,
  type ExportStart,
} from '../verify.ts';
import type { AuditStoreReader } from './reader.ts';

export interface ExportSource {
  readonly reader: AuditStoreReader;
  readonly instance: string;
  readonly signer: CheckpointSigner;
  readonly previousCertificatesPem?: readonly string[] | undefined;
  readonly now: () => number;
  /** The writer's head, read when the export starts. */
  readonly headSeq: () => number;
  /** Signs (does not store) a checkpoint over the given tree head. */
  readonly seal: (treeSize: number, lastHash: string, frontier: MerkleFrontier) => SignedCheckpoint;
}

export interface ExportRange {
  readonly fromSeq?: number;
  readonly toSeq?: number;
  readonly sealWithFreshCheckpoint: boolean;
}

/** Export lines for records [fromSeq, toSeq], clamped to the records held. */
export function* exportLines(source: ExportSource, options: ExportRange): Generator<ExportLine> {
  const { reader } = source;
  const { first, last } = reader.range(source.headSeq());
  const fromSeq = Math.max(options.fromSeq ?? first, first);
  const toSeq = Math.min(options.toSeq ?? last, last);
  const header: ExportHeader = {
    kind: 'header',
    format: EXPORT_FORMAT,
    instance: source.instance,
    exportedAt: new Date(source.now()).toISOString(),
    certificate: source.signer.certificatePem,
    ...(source.previousCertificatesPem?.length
      ? { previousCertificates: source.previousCertificatesPem }
      : {}),
  };
  yield header;
  // The chain state just before the first exported record.
  const { anchor, frontier, lastHash } = reader.chainStateThrough(fromSeq - 1);
  let start: ExportStart | undefined;
  if (frontier.size > 0) {
    start = { kind: 'start', treeSize: frontier.size, lastHash, frontier: frontier.toNodes() };
    yield start;
    if (anchor && anchor.checkpoint.treeSize === frontier.size)
      yield { kind: 'checkpoint', checkpoint: anchor.checkpoint };
  }
  const checkpoints = new Map(reader.checkpoints(fromSeq, toSeq).map((c) => [c.treeSize, c]));
  const timestamps = reader.timestamps(fromSeq, toSeq);
  let lastExported: AuditRecord | undefined;
  let count = 0;
  for (const record of reader.records(fromSeq, toSeq)) {
    yield { kind: 'record', record };
    frontier.append(Buffer.from(record.hash, 'hex'));
    lastExported = record;
    count++;
    const checkpoint = checkpoints.get(record.seq);
    const timestamp = timestamps.get(record.seq);
    if (checkpoint)
      yield { kind: 'checkpoint', checkpoint, ...(timestamp === undefined ? {} : { timestamp }) };
  }
  if (!options.sealWithFreshCheckpoint) return;
  if (lastExported && !checkpoints.has(lastExported.seq)) {
    yield {
      kind: 'checkpoint',
      checkpoint: source.seal(lastExported.seq, lastExported.hash, frontier),
    };
  }
  const payload = sealPayload({
    header,
    start,
    records: count,
    treeSize: frontier.size,
    rootHash: frontier.root().toString('hex'),
    lastHash: lastExported?.hash ?? lastHash,
  });
  yield { kind: 'seal', records: count, ...source.signer.signText(payload) };
}
