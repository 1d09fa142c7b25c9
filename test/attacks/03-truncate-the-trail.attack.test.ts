/**
 * Attack 3: someone with write access to audit.db, but not the signing key, drops the no-delete
 * trigger and cuts off the newest records with the checkpoints above them. The appliance alone
 * cannot tell (the trail that is left is a valid trail, and the gateway seals it), which
 * docs/audit.md says. The defence is an anchor held outside: the tree head an officer noted, the
 * one in an earlier report, or a checkpoint the SIEM received. Verified against any of them, the
 * cut trail fails, live and as an export.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCheckpointRfc5424 } from '../../adapters/syslog/format.ts';
import type { SignedCheckpoint } from '../../audit/index.ts';
import {
  disposeInstance,
  prepareInstance,
  type PreparedInstance,
} from '../helpers/child-gateway.ts';
import { cli, lookup, startGatewayAt, stopGateway, storedRecords } from './gateway-process.ts';

let instance: PreparedInstance | undefined;
let gateway: ChildProcess | undefined;
const work = mkdtempSync(join(tmpdir(), 'gerbang-attack-03-'));
beforeAll(async () => {
  instance = await prepareInstance();
});
afterAll(async () => {
  await disposeInstance(instance, gateway);
  rmSync(work, { recursive: true, force: true });
});

/** The tree head `gerbang audit verify` prints, as an officer would note it. */
function treeHeadOf(stdout: string): string {
  const match = /tree size (\d+), root ([0-9a-f]{64})/.exec(stdout);
  if (match === null) throw new Error(`no tree head in: ${stdout}`);
  return `${match[1]}:${match[2]}`;
}

async function lookups(at: PreparedInstance, count: number, tag: string): Promise<void> {
  gateway = await startGatewayAt(at);
  for (let i = 0; i < count; i++)
    expect((await lookup(at, `SURAT/2026/${tag}${i}`)).status).toBe(200);
  await stopGateway(gateway);
  gateway = undefined;
}

describe('attack 03: cut the newest records off audit.db, past its triggers', () => {
  it('verifies without an outside anchor, and fails against each kind of anchor', async () => {
    const at = instance as PreparedInstance;
    await lookups(at, 6, 'a');
    // The anchors: an officer's note of the tree head, a status report, the SIEM's checkpoints.
    const noted = treeHeadOf(cli(at, ['audit', 'verify']).stdout);
    const reportDir = join(work, 'status');
    const report = cli(at, ['report', 'status', '--out', reportDir]);
    expect(report.status, report.stderr).toBe(0);
    const db = new Database(join(at.dir, 'audit.db'));
    const checkpoints = (
      db.prepare('SELECT body FROM audit_checkpoints ORDER BY tree_size').all() as {
        body: string;
      }[]
    ).map((row) => JSON.parse(row.body) as SignedCheckpoint);
    const siemExport = join(work, 'siem.log');
    writeFileSync(
      siemExport,
      checkpoints
        .map((c) => formatCheckpointRfc5424(c, { hostname: 'gw', appName: 'gerbang', procId: '1' }))
        .join('\n'),
    );
    await lookups(at, 4, 'b');
    const grown = cli(at, ['audit', 'verify', '--anchor', noted, '--anchor-report', reportDir]);
    expect(grown.status, grown.stderr).toBe(0);
    expect(grown.stdout).toMatch(/2 anchor\(s\) held outside confirmed/);

    // The attack: the trigger dropped, the newest records and the checkpoints above them gone.
    const keep = Number(noted.split(':')[0]) - 3;
    db.exec('DROP TRIGGER audit_records_no_delete');
    db.prepare('DELETE FROM audit_records WHERE seq > ?').run(keep);
    db.prepare('DELETE FROM audit_checkpoints WHERE tree_size > ?').run(keep);
    db.close();
    expect(storedRecords(at).at(-1)?.seq).toBe(keep);

    // On its own the trail that is left verifies: nothing inside it can show what is missing.
    expect(cli(at, ['audit', 'verify']).status).toBe(0);

    for (const anchor of [
      ['--anchor', noted],
      ['--anchor-report', reportDir],
      ['--anchor-siem', siemExport],
    ]) {
      const run = cli(at, ['audit', 'verify', ...anchor]);
      expect(run.status, `${anchor.join(' ')}: ${run.stdout}`).toBe(1);
      expect(run.stderr).toMatch(/were cut off|root differs/);
    }
    // Offline too: an export of the cut trail, sealed by the gateway itself, fails the anchor.
    const exported = join(work, 'cut.jsonl');
    expect(cli(at, ['audit', 'export', '--out', exported]).status).toBe(0);
    expect(cli(at, ['audit', 'verify', exported]).status).toBe(0);
    const offline = cli(at, ['audit', 'verify', exported, '--anchor', noted]);
    expect(offline.status).toBe(1);
    expect(offline.stderr).toMatch(
      /anchored tree size \d+: records \d+\.\.\d+ were cut off|root differs/,
    );
  }, 120_000);

  it('refuses an anchor that is not a tree head, and one whose root is not this tree', () => {
    const at = instance as PreparedInstance;
    expect(cli(at, ['audit', 'verify', '--anchor', '12']).status).toBe(64);
    expect(cli(at, ['audit', 'verify', '--anchor', `0:${'0'.repeat(64)}`]).status).toBe(64);
    const wrong = cli(at, ['audit', 'verify', '--anchor', `2:${'0'.repeat(64)}`]);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/root differs/);
  }, 60_000);
});
