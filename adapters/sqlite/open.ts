/**
 * How every Gerbang database is opened: the file created with mode 0600 (SQLite gives its WAL and
 * shared-memory files the same permissions), WAL journaling, synchronous=FULL (a commit returns
 * after fsync), secure_delete (freed content is zeroed), and a busy timeout so that the CLI and a
 * running gateway can both write.
 */
import Database from 'better-sqlite3';
import type { Database as DatabaseType } from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';

import { StorageUnavailable } from './port.ts';

/** A constraint is the caller's to handle (a duplicate key); every other SQLite failure is the store's. */
const isStoreFailure = (error: unknown): boolean =>
  error instanceof Database.SqliteError && !error.code.startsWith('SQLITE_CONSTRAINT');

/** Failures after which the handle is dropped and the file opened afresh: the file itself is bad. */
const REOPEN_AFTER = /^SQLITE_(NOTADB|CORRUPT|CANTOPEN|IOERR|ERROR|READONLY_DBMOVED|SCHEMA)/;

/**
 * A database opened on first use, reopened after it failed: a file that cannot be opened at start
 * (a full disk, random bytes, an older schema) makes only its own users fail, and service comes
 * back by itself once the file or the disk is mended. Attempts to open are at most `retryMs` apart.
 */
export class ReopeningDatabase {
  private readonly store: 'state' | 'outbox';
  private readonly path: string;
  private readonly open: () => DatabaseType;
  private readonly retryMs: number;
  private db: DatabaseType | undefined;
  private failedAt = -Infinity;
  private lastFailure: unknown;

  constructor(store: 'state' | 'outbox', path: string, open: () => DatabaseType, retryMs = 2000) {
    this.store = store;
    this.path = path;
    this.open = open;
    this.retryMs = retryMs;
  }

  /** Runs `work` on the database; a store failure becomes StorageUnavailable. */
  use<T>(work: (db: DatabaseType) => T): T {
    const db = this.connection();
    try {
      return work(db);
    } catch (error) {
      if (!isStoreFailure(error)) throw error;
      if (REOPEN_AFTER.test((error as { code: string }).code)) this.drop(error);
      throw new StorageUnavailable(this.store, this.path, error);
    }
  }

  private connection(): DatabaseType {
    if (this.db !== undefined) return this.db;
    if (performance.now() - this.failedAt < this.retryMs)
      throw new StorageUnavailable(this.store, this.path, this.lastFailure);
    try {
      this.db = this.open();
      return this.db;
    } catch (error) {
      this.failedAt = performance.now();
      this.lastFailure = error;
      throw new StorageUnavailable(this.store, this.path, error);
    }
  }

  private drop(error: unknown): void {
    try {
      this.db?.close();
    } catch {
      // Closing a broken handle may fail too; it is dropped either way.
    }
    this.db = undefined;
    this.failedAt = performance.now();
    this.lastFailure = error;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
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
