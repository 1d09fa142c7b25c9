/**
 * What one audit commit costs on this disk: small write transactions (three rows of an audit
 * record's size) into a database opened as every Gerbang database is (openPrivateDatabase: WAL,
 * synchronous=FULL, an fsync inside every COMMIT), then with synchronous=NORMAL (no fsync): wall
 * time and this process's CPU per commit.
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
import { openPrivateDatabase } from '../adapters/sqlite/open.ts';

const COMMITS = Number(process.argv[2] ?? 2000);
const ROWS_PER_COMMIT = 3;
const dir = mkdtempSync(join(process.argv[3] ?? tmpdir(), 'gerbang-commit-cost-'));
try {
  for (const synchronous of ['FULL', 'NORMAL'] as const) {
    const db = openPrivateDatabase(
      join(dir, `${synchronous}.db`),
      'CREATE TABLE records (seq INTEGER PRIMARY KEY, body TEXT, hash TEXT)',
    );
    db.pragma(`synchronous = ${synchronous}`);
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
