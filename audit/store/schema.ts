/**
 * The audit database schema. `body` is the canonical JSON the chain hash covers; the columns used
 * to search are generated from it, so they cannot disagree with what is hashed. Triggers make the
 * tables append-only to every writer, administrators included; deletion is possible only below a
 * signed retention anchor. (Triggers are a speed bump: the hash chain and signed checkpoints are
 * what make any change detectable.)
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_records (
  seq INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  hash TEXT NOT NULL,
  time TEXT GENERATED ALWAYS AS (json_extract(body, '$.time')) VIRTUAL,
  type TEXT GENERATED ALWAYS AS (json_extract(body, '$.type')) VIRTUAL,
  event TEXT GENERATED ALWAYS AS (json_extract(body, '$.event')) VIRTUAL,
  principal_id TEXT GENERATED ALWAYS AS (json_extract(body, '$.principal.id')) VIRTUAL,
  operator TEXT GENERATED ALWAYS AS (json_extract(body, '$.operator')) VIRTUAL,
  reader_id TEXT GENERATED ALWAYS AS (json_extract(body, '$.readerId')) VIRTUAL,
  outcome TEXT GENERATED ALWAYS AS (json_extract(body, '$.outcome')) VIRTUAL,
  subject TEXT GENERATED ALWAYS AS (json_extract(body, '$.subject')) VIRTUAL,
  request_id TEXT GENERATED ALWAYS AS (json_extract(body, '$.requestId')) VIRTUAL
) STRICT;
CREATE INDEX IF NOT EXISTS audit_records_time ON audit_records (time);
CREATE INDEX IF NOT EXISTS audit_records_principal ON audit_records (principal_id, seq);
CREATE INDEX IF NOT EXISTS audit_records_subject ON audit_records (subject, seq);
CREATE INDEX IF NOT EXISTS audit_records_operator ON audit_records (operator, seq);

CREATE TABLE IF NOT EXISTS audit_checkpoints (
  tree_size INTEGER PRIMARY KEY,
  body TEXT NOT NULL
) STRICT;

-- RFC 3161 tokens (DER, base64) of stored checkpoints, from the configured time-stamp authority.
CREATE TABLE IF NOT EXISTS audit_timestamps (
  tree_size INTEGER PRIMARY KEY,
  token TEXT NOT NULL,
  gen_time TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS audit_anchor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  tree_size INTEGER NOT NULL,
  body TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS audit_cursors (
  name TEXT PRIMARY KEY,
  seq INTEGER NOT NULL
) STRICT;

CREATE TRIGGER IF NOT EXISTS audit_records_no_update BEFORE UPDATE ON audit_records
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_records_no_delete BEFORE DELETE ON audit_records
WHEN OLD.seq > COALESCE((SELECT tree_size FROM audit_anchor WHERE id = 1), 0)
BEGIN SELECT RAISE(ABORT, 'audit records are deleted only below a signed retention anchor'); END;
CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_timestamps_no_update BEFORE UPDATE ON audit_timestamps
BEGIN SELECT RAISE(ABORT, 'time-stamps are append-only'); END;
`;
