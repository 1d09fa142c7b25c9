/**
 * Attack 12: what a time-stamp authority of the closed network adds, tried against a real
 * `gerbang serve` whose TSA is stock `openssl ts -reply` (its own CA and clock, not Gerbang's
 * code):
 *  - the newest checkpoint is time-stamped, the token travels in exports, and `audit verify`
 *    checks it against the TSA's CA, live and offline;
 *  - a token altered, moved to another checkpoint, or checked against another CA fails;
 *  - tokens stripped from an export remove evidence and forge none: the export still verifies,
 *    and says nothing is time-stamped;
 *  - a gateway clock set ahead is named by the tokens (the TSA saw the checkpoint before the time
 *    it claims);
 *  - a TSA that is down stops nothing: lookups are served, the outage is alerted, its end recorded.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreparedInstance } from '../helpers/child-gateway.ts';
import { prepareInstance } from '../helpers/child-gateway.ts';
import {
  createOpensslTsa,
  serveTsa,
  type OpensslTsa,
  type TsaServer,
} from '../helpers/openssl-tsa.ts';
import { stopTrackedChildren } from '../helpers/processes.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { holdsWithin } from '../helpers/until.ts';
import { cli, lookup, startGatewayAt, stopGateway, storedRecords } from './gateway-process.ts';

let tsa: OpensslTsa;
let otherTsa: OpensslTsa;
let server: TsaServer;

beforeAll(async () => {
  const dir = fileTempDir('gerbang-attack-12-');
  tsa = createOpensslTsa(join(dir, 'tsa'));
  otherTsa = createOpensslTsa(join(dir, 'other'), 'TSA Lain');
  server = await serveTsa(tsa);
});

afterAll(async () => {
  await stopTrackedChildren();
  await server.close();
});

const withTsa = (): Promise<PreparedInstance> =>
  prepareInstance((config) => ({
    ...config,
    audit: {
      ...config.audit,
      checkpointIntervalSeconds: 1,
      timestampAuthority: {
        url: server.url,
        caFile: tsa.caFile,
        everySeconds: 1,
        timeoutMs: 5_000,
      },
    },
  }));

/** The tokens stored beside the checkpoints, read-only from audit.db. */
function storedTokens(instance: PreparedInstance): number {
  const db = new Database(join(instance.dir, 'audit.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM audit_timestamps').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const alerts = (instance: PreparedInstance, rule: string) =>
  storedRecords(instance).filter((r) => r.event === 'alert' && r.detail?.['rule'] === rule);

interface CheckpointLine {
  kind: 'checkpoint';
  checkpoint: { treeSize: number };
  timestamp?: string;
}

describe('attack 12: time-stamps by the closed network TSA', { timeout: 120_000 }, () => {
  let instance: PreparedInstance;
  let exportFile: string;
  let lines: string[];

  beforeAll(async () => {
    instance = await withTsa();
    const gateway = await startGatewayAt(instance);
    try {
      expect((await lookup(instance)).status).toBe(200);
      expect(await holdsWithin(() => storedTokens(instance) >= 1, { timeoutMs: 20_000 })).toBe(
        true,
      );

      // The TSA goes down: the data path does not notice; the officer is told once.
      server.setDown(true);
      for (const reference of ['SURAT/2026/002', 'SURAT/2026/003'])
        expect((await lookup(instance, reference)).status).toBe(200);
      expect(
        await holdsWithin(() => alerts(instance, 'timestamp_authority_failing').length > 0, {
          timeoutMs: 20_000,
        }),
      ).toBe(true);
      server.setDown(false);
      expect(
        await holdsWithin(
          () => storedRecords(instance).some((r) => r.event === 'timestamp_authority_recovered'),
          { timeoutMs: 20_000 },
        ),
      ).toBe(true);
      // The recovery record itself is checkpointed and stamped: two tokens or more by now.
      expect(await holdsWithin(() => storedTokens(instance) >= 2, { timeoutMs: 20_000 })).toBe(
        true,
      );
    } finally {
      await stopGateway(gateway);
    }
    expect(alerts(instance, 'timestamp_authority_failing')).toHaveLength(1);
    exportFile = join(instance.dir, 'export.jsonl');
    const exported = cli(instance, ['audit', 'export', '--out', exportFile]);
    expect(exported.status, exported.stderr).toBe(0);
    lines = readFileSync(exportFile, 'utf8').trimEnd().split('\n');
  });

  it('verifies the live trail with its tokens, against the configured TSA CA', () => {
    const run = cli(instance, ['audit', 'verify']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /checkpoints time-stamped by TSA Jaringan Tertutup \(RFC 3161\): records 1\.\.\d+ existed by 20\d\d-/,
    );
  });

  it('carries the tokens in an export, checked offline with --tsa-ca', () => {
    const stamped = lines.filter((line) => line.includes('"timestamp":'));
    expect(stamped.length).toBeGreaterThanOrEqual(2);
    const run = cli(instance, ['audit', 'verify', exportFile, '--tsa-ca', tsa.caFile]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('time-stamped by TSA Jaringan Tertutup');
  });

  it('fails a token checked against another CA', () => {
    const run = cli(instance, ['audit', 'verify', exportFile, '--tsa-ca', otherTsa.caFile]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /the time-stamp of the checkpoint over tree size \d+ does not verify/,
    );
  });

  it('fails a token moved to another checkpoint, and a token with a byte changed', () => {
    const parsed = lines.map((line) => JSON.parse(line) as { kind: string });
    const stamped = parsed
      .map((line, index) => ({ line, index }))
      .filter(({ line }) => line.kind === 'checkpoint' && 'timestamp' in line) as {
      line: CheckpointLine;
      index: number;
    }[];
    const [first, second] = stamped;
    if (first === undefined || second === undefined) throw new Error('two tokens expected');
    const moved = [...lines];
    moved[second.index] = JSON.stringify({ ...second.line, timestamp: first.line.timestamp });
    const movedFile = join(instance.dir, 'moved.jsonl');
    writeFileSync(movedFile, `${moved.join('\n')}\n`);
    const runMoved = cli(instance, ['audit', 'verify', movedFile, '--tsa-ca', tsa.caFile]);
    expect(runMoved.status).toBe(1);
    expect(runMoved.stderr).toContain(
      `the time-stamp of the checkpoint over tree size ${second.line.checkpoint.treeSize} does not verify: the token is over another digest`,
    );

    const token = Buffer.from(first.line.timestamp ?? '', 'base64');
    token[token.length - 6] = (token[token.length - 6] ?? 0) ^ 0x01;
    const changed = [...lines];
    changed[first.index] = JSON.stringify({ ...first.line, timestamp: token.toString('base64') });
    const changedFile = join(instance.dir, 'changed.jsonl');
    writeFileSync(changedFile, `${changed.join('\n')}\n`);
    const runChanged = cli(instance, ['audit', 'verify', changedFile, '--tsa-ca', tsa.caFile]);
    expect(runChanged.status).toBe(1);
    expect(runChanged.stderr).toContain(
      `the time-stamp of the checkpoint over tree size ${first.line.checkpoint.treeSize} does not verify`,
    );
  });

  it('reports tokens stripped from an export as evidence missing, not as a forgery', () => {
    const stripped = lines.map((line) => {
      const parsed = JSON.parse(line) as { kind: string; timestamp?: string };
      if (parsed.kind !== 'checkpoint') return line;
      const { timestamp: _dropped, ...rest } = parsed;
      return JSON.stringify(rest);
    });
    const strippedFile = join(instance.dir, 'stripped.jsonl');
    writeFileSync(strippedFile, `${stripped.join('\n')}\n`);
    const run = cli(instance, ['audit', 'verify', strippedFile, '--tsa-ca', tsa.caFile]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('no checkpoint carries a time-stamp');
    expect(run.stdout).not.toContain('time-stamped by');
  });

  it('says the tokens were not checked when no TSA CA is known', () => {
    const run = cli(instance, ['audit', 'verify', exportFile]);
    // The instance's configuration names the TSA CA: moved away, nothing says which CA to trust.
    expect(run.status, run.stderr).toBe(0);
    const elsewhere = fileTempDir('gerbang-attack-12-copy-');
    const copy = join(elsewhere, 'export.jsonl');
    writeFileSync(copy, readFileSync(exportFile));
    const caFile = join(instance.dir, 'pki', 'ca.crt');
    const offline = cli({ ...instance, dir: elsewhere }, ['audit', 'verify', copy, '--ca', caFile]);
    expect(offline.status, offline.stderr).toBe(0);
    expect(offline.stderr).toMatch(
      /checkpoints carry RFC 3161 time-stamps that were not checked: pass --tsa-ca FILE/,
    );
  });
});

describe('attack 12: a gateway clock set ahead of the TSA', { timeout: 120_000 }, () => {
  it('is named by the tokens: the TSA saw each checkpoint before the time it claims', async () => {
    const instance = await withTsa();
    const gateway = await startGatewayAt(instance, 2);
    try {
      expect((await lookup(instance)).status).toBe(200);
      expect(await holdsWithin(() => storedTokens(instance) >= 1, { timeoutMs: 20_000 })).toBe(
        true,
      );
    } finally {
      await stopGateway(gateway);
    }
    const run = cli(instance, ['audit', 'verify'], 2);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /is dated \S+, 2\.0 days after TSA Jaringan Tertutup time-stamped it .*the gateway's clock was ahead/,
    );
  });
});
