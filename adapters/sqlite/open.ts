/**
 * How every Gerbang database is opened: the file created with mode 0600 (SQLite gives its WAL and
 * shared-memory files the same permissions), WAL journaling, synchronous=FULL (a commit returns
 * after fsync), secure_delete (freed content is zeroed), and a busy timeout so that the CLI and a
 * running gateway can both write.
 */
import Database from 'better-sqlite3';
import type { Database as DatabaseType } from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';

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
