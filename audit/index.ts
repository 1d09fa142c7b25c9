/**
 * The audit trail: what happened, to whom (by HMAC), by whom, and proof that nothing changed.
 * This barrel is the chain and its ports; the SQLite store behind them is audit/store/index.ts,
 * reached only by the composition root, the CLI and tests.
 */
export * from './types.ts';
export * from './port.ts';
export { InMemoryAuditTrail } from './memory.ts';
export {
  createSubjectHasher,
  createSubjectTracer,
  type SubjectHasher,
  type SubjectTracer,
} from './subject.ts';
export {
  createCheckpointSigner,
  timestampedBytes,
  verifyCheckpointSignature,
  type CheckpointSigner,
  type SignedCheckpoint,
} from './checkpoint.ts';
export {
  verifyExport,
  parseExportLines,
  EXPORT_FORMAT,
  ExportLineError,
  type ExportLine,
  type TreeAnchor,
  type VerifyResult,
} from './verify.ts';
export { checkTimestamps, type TimestampSummary } from './timestamps.ts';
export { canonicalJson } from './canonical.ts';
export { GENESIS_HASH } from './record.ts';
export * from './merkle.ts';
