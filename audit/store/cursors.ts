/**
 * Named cursors kept in the audit database beside the records they point into, so that a position
 * (the SIEM forwarder's last sent seq) is as durable as the trail itself. A cursor starts at 0.
 */
import type { Database } from 'better-sqlite3';
import type { AuditCursor } from '../port.ts';

export function openCursor(db: Database, name: string): AuditCursor {
  db.prepare('INSERT OR IGNORE INTO audit_cursors (name, seq) VALUES (?, 0)').run(name);
  const read = db.prepare('SELECT seq FROM audit_cursors WHERE name = ?');
  const save = db.prepare('UPDATE audit_cursors SET seq = ? WHERE name = ?');
  return {
    read: () => (read.get(name) as { seq: number }).seq,
    save: (seq) => {
      save.run(seq, name);
    },
  };
}
