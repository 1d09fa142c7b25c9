/**
 * How every Gerbang database is opened: the file created with mode 0600 (SQLite gives its WAL and
 * shared-memory files the same permissions), WAL journaling, synchronous=FULL (a commit returns
 * after fsync), secure_delete (freed content is zeroed), and a busy timeout so that the CLI and a
 * running gateway can both write.
 */
import Database from 'better-sqlite3';
import type { Database as DatabaseType } from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';

/**
 * A write the disk refused — full, read-only, failing — rather than a fault in Gerbang: the
 * caller answers with a coded 503 and the write can succeed once the disk has recovered.
 */
export class StorageUnavailable extends Error {
  override readonly name = 'StorageUnavailable';
  /** Which store refused: `state` (state.db) or `outbox` (outbox.db). */
  readonly store: 'state' | 'outbox';
  constructor(store: 'state' | 'outbox', cause: unknown) {
    super(`the ${store} database cannot be written`, { cause });
    this.store = store;
  }
}

const DISK_REFUSED = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED)/;

/** Runs a write; a disk that refuses it becomes StorageUnavailable, anything else is rethrown. */
export function writeOrUnavailable<T>(store: 'state' | 'outbox', write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (error instanceof Database.SqliteError && DISK_REFUSED.test(error.code))
      throw new StorageUnavailable(store, error);
    throw error;
  }
}

export function openPrivateDatabase(path: string, schema: string): DatabaseType {
  if (!existsSync(path)) writeFileSync(path, '', { mode: 0o600 });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(schema);
  return db;
}
