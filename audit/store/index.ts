/**
 * The audit trail's SQLite store: the only code that touches the audit database. The composition
 * root opens it and hands out its ports (audit/port.ts); services and HTTP never import this.
 */
export { SqliteAuditStore, type SqliteAuditStoreOptions } from './sqlite-store.ts';
export { AuditWriteError } from './writer.ts';
export { readNewestRecordTime, type Anchor } from './reader.ts';
