/** The audit trail: what happened, to whom (by HMAC), by whom, and proof that nothing changed. */
export * from './port.ts';
export { InMemoryAuditTrail } from './memory.ts';
export {
  createSubjectHasher,
  createSubjectTracer,
  type SubjectHasher,
  type SubjectTracer,
} from './subject.ts';
export {
  SqliteAuditStore,
  AuditWriteError,
  type Anchor,
  type AppendedRecord,
} from './store/sqlite-store.ts';
export {
  createCheckpointSigner,
  verifyCheckpointSignature,
  type CheckpointSigner,
  type SignedCheckpoint,
} from './checkpoint.ts';
export {
  verifyExport,
  hasExtendedKeyUsage,
  parseExportLines,
  EXPORT_FORMAT,
  AUDIT_SIGNING_EKU,
  type ExportLine,
  type VerifyResult,
} from './verify.ts';
export {
  queryAuditRecords,
  countUpstreamCallsSince,
  type AuditQuery,
  type AuditPage,
} from './store/query.ts';
export { canonicalJson } from './canonical.ts';
export { GENESIS_HASH, type AuditRecord } from './record.ts';
export * from './merkle.ts';
