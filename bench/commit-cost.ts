/**
 * What one audit commit costs on this disk: small write transactions (three rows of an audit
 * record's size) into a WAL database, with synchronous=FULL (an fsync inside every COMMIT, as the
 * audit store commits) and with NORMAL (no fsync), wall time and this process's CPU per commit.
 * At the open loop's rate a batch holds one or two records, so this is nearly a cost per lookup.
 *
 *   node bin/run-ts.js bench/commit-cost.ts [commits] [directory]
 *
 * The directory should be on the disk the data directory is on (the default, the system's
 * temporary directory, may be a tmpfs, where an fsync costs nothing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const COMMITS = Number(process.argv[2] ?? 2000);
const ROWS_PER_COMMIT = 3;
const dir = mkdtempSync(join(process.argv[3] ?? tmpdir(), 'gerbang-commit-cost-'));
try {
  for (const synchronous of ['FULL', 'NORMAL'] as const) {
    const db = new Database(join(dir, `${synchronous}.db`));
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.exec('CREATE TABLE records (seq INTEGER PRIMARY KEY, body TEXT, hash TEXT)');
    const insert = db.prepare('INSERT INTO records (body, hash) VALUES (?, ?)');
    const body = 'x'.repeat(600);
    const hash = 'a'.repeat(64);
    const commit = db.transaction(() => {
      for (let i = 0; i < ROWS_PER_COMMIT; i++) insert.run(body, hash);
    });
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < COMMITS; i++) commit.immediate();
    const wallUs = Number(process.hrtime.bigint() - started) / 1e3 / COMMITS;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuUs = (cpu.user + cpu.system) / COMMITS;
    db.close();
    console.log(
      `synchronous=${synchronous}: ${wallUs.toFixed(0)} µs wall, ${cpuUs.toFixed(0)} µs CPU per commit (${String(COMMITS)} commits of ${String(ROWS_PER_COMMIT)} rows)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
